/**
 * Where each fragment of a quotation stands in the source, without diffing the source.
 *
 * Candidates come from anchor words: the fragment's rarest words in the source. Each
 * occurrence of an anchor proposes a start; each start is scored by how many of the
 * fragment's words follow in order within a window. The placement of all fragments is
 * then chosen together (a Viterbi pass) so that fragments keep the quotation's order and
 * stand close together; an out-of-order placement is taken only when it scores clearly
 * better, and is then reported as a reordering.
 *
 * Deliberately not here: the word-by-word alignment inside the chosen window (align.ts).
 */
import type { Tokens } from './text.js';
import { tokenize } from './text.js';

export interface PreparedSource {
  text: string;
  tokens: Tokens;
  /** word key → positions of that word, built on second use of the same source */
  index?: Map<string, number[]>;
  uses: number;
}

/** Tokenizes a source once; compare() keeps recent ones in a cache keyed by the text. */
export function prepareSource(text: string): PreparedSource {
  return { text, tokens: tokenize(text), uses: 0 };
}

function buildIndex(tokens: Tokens): Map<string, number[]> {
  const index = new Map<string, number[]>();
  const keys = tokens.keys;
  for (let i = 0; i < tokens.count; i++) {
    const key = keys[i]!;
    const list = index.get(key);
    if (list) list.push(i);
    else index.set(key, [i]);
  }
  return index;
}

/**
 * Positions in the source of every word key the quotation uses. A source seen once is
 * scanned (one map lookup per word, cheaper than building an index it may never reuse);
 * a source seen again gets a full index, so later quotations of it cost almost nothing.
 */
export function positionsOfKeys(source: PreparedSource, keys: Iterable<string>): Map<string, number[]> {
  source.uses++;
  const wanted = new Map<string, number[]>();
  for (const key of keys) wanted.set(key, []);
  if (!source.index && source.uses >= 2) source.index = buildIndex(source.tokens);
  if (source.index) {
    for (const key of wanted.keys()) wanted.set(key, source.index.get(key) ?? []);
    return wanted;
  }
  const sourceKeys = source.tokens.keys;
  for (let i = 0; i < source.tokens.count; i++) {
    const list = wanted.get(sourceKeys[i]!);
    if (list) list.push(i);
  }
  return wanted;
}

export interface Candidate {
  /** source word range the fragment is scored against: [start, end) */
  start: number;
  end: number;
  /** fragment words found in order in the window */
  matched: number;
  /** matched / fragment words */
  score: number;
}

const MAX_ANCHORS = 4;
/** Table cells (fragment words × window words) scored per fragment: about 10 ms of work. */
const CELL_BUDGET = 2_000_000;
const MIN_SCORED_STARTS = 4;
/** Windows larger than this many cells are scored greedily instead of by the full table. */
const GREEDY_ABOVE_CELLS = 4_000_000;
const MAX_STARTS = 400;
const CANDIDATES_KEPT = 6;

/** How far (in words) a fragment's words may drift from where its anchor puts them. */
export function slackFor(fragmentWords: number): number {
  return 3 + Math.ceil(fragmentWords * 0.25);
}

/**
 * Candidate placements of one fragment in the source, best first, from the keys of the
 * words that can stand in the source (the quoter's bracketed words left out).
 * Empty when none of its words occur.
 */
export function findCandidates(fragmentKeys: string[], sourceKeys: string[], positions: Map<string, number[]>): Candidate[] {
  const m = fragmentKeys.length;
  if (m === 0) return [];
  // Before any fuzzy search: where the fragment stands word for word (keys fold typography),
  // it stands there. From four words on, an exact occurrence wins over any closer
  // approximate one; shorter fragments keep the fuzzy candidates beside it.
  const exact = exactOccurrences(fragmentKeys, sourceKeys, positions);
  if (exact.length > 0 && m >= EXACT_WINS_FROM) return exact;

  // Anchors: the rarest words that occur, spread across the fragment; in Chinese and
  // Japanese, where one character is one word, the rarest pairs of characters.
  const ranked = anchorsOf(fragmentKeys, sourceKeys, positions);
  const anchors: typeof ranked = [];
  const usedKeys = new Set<string>();
  for (const a of ranked) {
    if (anchors.length >= MAX_ANCHORS) break;
    if (usedKeys.has(a.key)) continue;
    usedKeys.add(a.key);
    anchors.push(a);
  }
  if (anchors.length === 0) return exact;

  const slack = slackFor(m);
  const starts = new Set<number>();
  for (const anchor of anchors) {
    const list = anchor.list;
    // Spread the sample over the whole list when an anchor is common.
    const step = Math.max(1, Math.ceil(list.length / MAX_STARTS));
    for (let i = 0; i < list.length && starts.size < MAX_STARTS * MAX_ANCHORS; i += step) {
      starts.add(Math.max(0, list[i]! - anchor.offset));
    }
  }

  // Bound the work: a long fragment of common words ("the the the …") proposes hundreds
  // of starts, each costing m × w table cells. Past the budget, score only the starts
  // where most anchors agree (a cheap count by binary search in their position lists).
  let startList = [...starts];
  const cellsPerWindow = Math.max(1, Math.min(m * (m + 2 * slack), GREEDY_ABOVE_CELLS));
  const affordable = Math.max(MIN_SCORED_STARTS, Math.floor(CELL_BUDGET / cellsPerWindow));
  if (startList.length > affordable) {
    const agreement = (start: number) => anchors.reduce((n, a) => {
      const list = a.list;
      const at = lowerBoundOf(list, start + a.offset - slack);
      return n + (at < list.length && list[at]! <= start + a.offset + slack ? 1 : 0);
    }, 0);
    startList = startList
      .map((start) => ({ start, agree: agreement(start) }))
      .sort((a, b) => b.agree - a.agree || a.start - b.start)
      .slice(0, affordable)
      .map((x) => x.start);
  }

  const scored: Candidate[] = [];
  for (const start of startList) {
    scored.push(scoreWindow(fragmentKeys, sourceKeys, Math.max(0, start - slack), Math.min(sourceKeys.length, start + m + slack)));
  }
  scored.sort((a, b) => b.matched - a.matched || a.start - b.start);
  // Keep distinct placements: windows that overlap by much are the same placement.
  const kept: Candidate[] = [...exact];
  for (const c of scored) {
    if (kept.length >= CANDIDATES_KEPT) break;
    if (kept.some((k) => overlap(k, c) > Math.min(k.end - k.start, c.end - c.start) / 2)) continue;
    kept.push(c);
  }
  return kept;
}

/** From this many words, a fragment that stands word for word somewhere is placed only there. */
const EXACT_WINS_FROM = 4;
/** Exact placements kept (a phrase repeated more often than this is placed by its neighbours among these). */
const MAX_EXACT = 50;
/** Starts verified for an exact occurrence at most (each check stops at the first differing word). */
const MAX_EXACT_CHECKS = 200_000;

/** Where the fragment's keys stand contiguously in the source, as candidates with every word matched. */
function exactOccurrences(fragmentKeys: string[], sourceKeys: string[], positions: Map<string, number[]>): Candidate[] {
  const m = fragmentKeys.length;
  let rarest = -1;
  let rarestCount = Infinity;
  for (let k = 0; k < m; k++) {
    const count = positions.get(fragmentKeys[k]!)?.length ?? 0;
    if (count === 0) return [];
    if (count < rarestCount) {
      rarest = k;
      rarestCount = count;
    }
  }
  const list = positions.get(fragmentKeys[rarest]!)!;
  const found: Candidate[] = [];
  for (let i = 0; i < list.length && i < MAX_EXACT_CHECKS; i++) {
    const start = list[i]! - rarest;
    if (start < 0 || start + m > sourceKeys.length) continue;
    if (found.length > 0 && start < found[found.length - 1]!.end) continue;
    let k = 0;
    while (k < m && sourceKeys[start + k] === fragmentKeys[k]) k++;
    if (k < m) continue;
    found.push({ start, end: start + m, matched: m, score: 1 });
    if (found.length >= MAX_EXACT) break;
  }
  return found;
}

const IDEOGRAPHIC = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
/** Positions scanned at most to count one pair of characters. */
const MAX_PAIR_SCAN = 300_000;

interface Anchor {
  key: string;
  offset: number;
  count: number;
  /** where the anchor's first word stands in the source */
  list: number[];
}

/**
 * Anchor candidates, rarest first: the fragment's words that occur, and, for a fragment
 * written in Chinese or Japanese characters, its pairs of characters (a single Han
 * character is too common to place anything by).
 */
function anchorsOf(fragmentKeys: string[], sourceKeys: string[], positions: Map<string, number[]>): Anchor[] {
  const anchors: Anchor[] = [];
  let ideographs = 0;
  fragmentKeys.forEach((key, offset) => {
    const list = positions.get(key);
    if (IDEOGRAPHIC.test(key)) ideographs++;
    if (list && list.length > 0) anchors.push({ key, offset, count: list.length, list });
  });
  if (ideographs * 2 >= fragmentKeys.length && fragmentKeys.length >= 2) {
    const pairs: Anchor[] = [];
    for (let offset = 0; offset + 1 < fragmentKeys.length; offset++) {
      const first = positions.get(fragmentKeys[offset]!);
      const second = fragmentKeys[offset + 1]!;
      if (!first || first.length === 0 || first.length > MAX_PAIR_SCAN) continue;
      const list = first.filter((p) => sourceKeys[p + 1] === second);
      if (list.length > 0) pairs.push({ key: `${fragmentKeys[offset]}${second}`, offset, count: list.length, list });
    }
    // pairs come first: a single character anchors only where no pair occurs
    if (pairs.length > 0) return pairs.sort((a, b) => a.count - b.count || a.offset - b.offset);
  }
  return anchors.sort((a, b) => a.count - b.count || b.key.length - a.key.length);
}

function overlap(a: { start: number; end: number }, b: { start: number; end: number }): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/**
 * Longest common subsequence of the fragment and a source window, in words
 * (O(m·w) with one row; windows are small). Returns the window shrunk to the matched
 * words.
 */
function scoreWindow(fragmentKeys: string[], sourceKeys: string[], windowStart: number, windowEnd: number): Candidate {
  const m = fragmentKeys.length;
  const w = windowEnd - windowStart;
  if (m * w > GREEDY_ABOVE_CELLS) return greedyScore(fragmentKeys, sourceKeys, windowStart, windowEnd);
  let previous = new Int32Array(w + 1);
  let current = new Int32Array(w + 1);
  for (let i = 1; i <= m; i++) {
    const key = fragmentKeys[i - 1];
    for (let j = 1; j <= w; j++) {
      current[j] = sourceKeys[windowStart + j - 1] === key
        ? previous[j - 1]! + 1
        : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  const matched = previous[w]!;
  // Trim the window's end to the shortest prefix that keeps every match...
  let last = w;
  while (last > 0 && previous[last - 1] === matched) last--;
  // ...and its start to the shortest suffix of that, so a stray early match of a common
  // word ("of the") does not pull the placement backwards.
  const first = last - shortestSuffixKeeping(fragmentKeys, sourceKeys, windowStart, windowStart + last, matched);
  return { start: windowStart + first, end: windowStart + last, matched, score: matched / matchableWords(fragmentKeys) };
}

/** The length of the shortest suffix of source words [from, to) whose LCS with the fragment is still `matched`. */
function shortestSuffixKeeping(fragmentKeys: string[], sourceKeys: string[], from: number, to: number, matched: number): number {
  const m = fragmentKeys.length;
  const w = to - from;
  let previous = new Int32Array(w + 1);
  let current = new Int32Array(w + 1);
  for (let i = 1; i <= m; i++) {
    const key = fragmentKeys[m - i];
    for (let j = 1; j <= w; j++) {
      current[j] = sourceKeys[to - j] === key ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  let j = 0;
  while (j < w && previous[j]! < matched) j++;
  return j;
}

/** In-order greedy matching for windows too large for the LCS table: a lower bound of it. */
function greedyScore(fragmentKeys: string[], sourceKeys: string[], windowStart: number, windowEnd: number): Candidate {
  let cursor = windowStart;
  let matched = 0;
  let first = -1;
  let last = windowStart;
  const lookahead = Math.min(256, slackFor(fragmentKeys.length) * 2);
  for (const key of fragmentKeys) {
    for (let j = cursor; j < Math.min(windowEnd, cursor + lookahead); j++) {
      if (sourceKeys[j] === key) {
        matched++;
        if (first < 0) first = j;
        last = j + 1;
        cursor = j + 1;
        break;
      }
    }
  }
  return { start: first < 0 ? windowStart : first, end: last, matched, score: matched / matchableWords(fragmentKeys) };
}

/** Words of a fragment that can match the source (its keys without the quoter's bracketed words), at least 1. */
export function matchableWords(fragmentKeys: string[]): number {
  return Math.max(1, fragmentKeys.length);
}

/** Is a candidate good enough to call the fragment found? Short fragments must match whole. */
export function isConvincing(candidate: Candidate, fragmentWords: number): boolean {
  if (fragmentWords <= 3) return candidate.matched === fragmentWords;
  if (fragmentWords <= 6) return candidate.matched >= fragmentWords - 1;
  return candidate.score >= 0.6;
}

export interface Placement {
  /** chosen candidate per fragment, or null when the fragment is not found */
  chosen: Array<Candidate | null>;
  /** placements nearly as good as the chosen one, per fragment */
  alternatives: Candidate[][];
}

/**
 * Chooses one candidate per fragment so that the chain scores best: each fragment's
 * matched words, minus a small cost for distance from the previous fragment and a large
 * one for going backwards.
 */
export function choosePlacement(candidatesPerFragment: Candidate[][], fragmentWords: number[]): Placement {
  const n = candidatesPerFragment.length;
  const viable = candidatesPerFragment.map((list, f) => list.filter((c) => isConvincing(c, fragmentWords[f]!)));
  // Viterbi over fragments that have viable candidates; the others are skipped.
  type Cell = { score: number; back: number; fragment: number };
  const layers: Array<{ fragment: number; cells: Cell[] }> = [];
  for (let f = 0; f < n; f++) {
    const list = viable[f]!;
    if (list.length === 0) continue;
    const prevLayer = layers[layers.length - 1];
    const cells = list.map((cand) => {
      if (!prevLayer) return { score: cand.matched, back: -1, fragment: f };
      let best = -Infinity;
      let back = -1;
      const prevCands = viable[prevLayer.fragment]!;
      prevLayer.cells.forEach((cell, k) => {
        const s = cell.score + cand.matched - transitionCost(prevCands[k]!, cand);
        if (s > best) {
          best = s;
          back = k;
        }
      });
      return { score: best, back, fragment: f };
    });
    layers.push({ fragment: f, cells });
  }
  const chosen: Array<Candidate | null> = new Array(n).fill(null);
  if (layers.length > 0) {
    const lastLayer = layers[layers.length - 1]!;
    let k = 0;
    lastLayer.cells.forEach((cell, i) => {
      if (cell.score > lastLayer.cells[k]!.score) k = i;
    });
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l]!;
      chosen[layer.fragment] = viable[layer.fragment]![k]!;
      k = layer.cells[k]!.back;
    }
  }
  const alternatives = viable.map((list, f) => {
    const pick = chosen[f];
    if (!pick) return [];
    return list.filter((c) => c !== pick && c.matched >= pick.matched * 0.9 && c.matched >= pick.matched - 1);
  });
  return { chosen, alternatives };
}

function transitionCost(previous: Candidate, next: Candidate): number {
  if (next.start >= previous.end) {
    // in order: distance costs a little (log-scaled so a long cut is still cheap)
    return Math.log2(1 + (next.start - previous.end)) * 0.25;
  }
  if (next.start >= previous.start) return 1000; // overlapping placements: never
  return 3 + Math.log2(1 + (previous.start - next.start)) * 0.5;
}

function lowerBoundOf(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
