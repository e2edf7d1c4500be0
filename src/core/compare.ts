/**
 * The one entry point: `compare(quote, source, options)` → Comparison (the contract in
 * ../shared/CONTRACT.md). A pure function of its inputs: it composes the stages
 *
 *   parse quotation → locate fragments → align words → classify → context, notes, cues
 *
 * and keeps the prepared (tokenized) form of recent sources in a small cache keyed by
 * the source text itself, so a source compared against many quotations is tokenized
 * once. The cache changes only speed, never the result.
 */
import { alignWords, type Run } from './align.js';
import { clip, countStats, isPageFurniture, itemNotes, itemsFromRuns, itemsToSegments, type Item } from './classify.js';
import { findCues } from './cues.js';
import { judge } from './verdict.js';
import { choosePlacement, findCandidates, isConvincing, matchableWords, positionsOfKeys, prepareSource, slackFor, type Candidate, type PreparedSource } from './locate.js';
import { parseQuotation, type ParsedQuotation } from './quotation.js';
import { quickRegion, tokenizeRegion } from './quick-locate.js';
import { contextEnd, contextStart, crossesSentenceEnd } from './sentences.js';
import type { CompareOptions, Comparison, Confidence, Fragment, Note, Span } from './types.js';

export type { CompareOptions, Comparison } from './types.js';

const CACHE_LIMIT_CHARS = 64 * 1024 * 1024;
const preparedSources = new Map<string, PreparedSource>();
let cachedChars = 0;

/** The prepared form of a source, from the cache when this exact text was seen recently. */
export function preparedSourceFor(source: string): PreparedSource {
  const hit = preparedSources.get(source);
  if (hit) {
    // refresh its place in the insertion-ordered map: least recently used goes first
    preparedSources.delete(source);
    preparedSources.set(source, hit);
    return hit;
  }
  const prepared = prepareSource(source);
  preparedSources.set(source, prepared);
  cachedChars += source.length;
  for (const [text] of preparedSources) {
    if (cachedChars <= CACHE_LIMIT_CHARS || preparedSources.size <= 1) break;
    preparedSources.delete(text);
    cachedChars -= text.length;
  }
  return prepared;
}

/** Empties the cache of prepared sources (for benchmarks of cold comparisons). */
export function forgetPreparedSources(): void {
  preparedSources.clear();
  sightings.clear();
  cachedChars = 0;
}

const DEFAULT_CONTEXT_SENTENCES = 2;

/**
 * Compares a quotation (as printed, with its ellipses and brackets) with a source.
 * Never throws on any pair of strings; a quotation with no words is simply not found.
 *
 * @example compare('It was … the worst of times', 'It was the best of times, it was the worst of times')
 */
export function compare(quote: string, source: string, options: CompareOptions = {}): Comparison {
  const parsed = parseQuotation(quote);
  // A large source seen for the first time: prepare only where the quotation can stand,
  // and keep the answer only when the whole source could not have changed it.
  if (!preparedSources.has(source) && !seenBefore(source) && source.length >= (options.quickLocateAbove ?? QUICK_LOCATE_ABOVE)) {
    const region = quickRegion(parsed, source);
    if (region) {
      const tokens = tokenizeRegion(source, region);
      const result = comparePrepared(parsed, quote, source, { text: source, tokens, uses: 0 }, options);
      const inside = (span: Span | null) => span !== null && tokens.count > 0
        && span.start > tokens.starts[0]! && span.end < tokens.ends[tokens.count - 1]!;
      if (result.fragments.every((f) => f.found) && inside(result.span)) return result;
    }
  }
  return comparePrepared(parsed, quote, source, preparedSourceFor(source), options);
}

/** Sources below this many characters are always prepared whole (it costs under a few ms). */
const QUICK_LOCATE_ABOVE = 100_000;
const SIGHTINGS_KEPT = 16;
const sightings = new Set<string>();

/** Has this source been compared before (so preparing it whole will pay off)? Records it. */
function seenBefore(source: string): boolean {
  if (sightings.has(source)) return true;
  sightings.add(source);
  if (sightings.size > SIGHTINGS_KEPT) sightings.delete(sightings.values().next().value!);
  return false;
}

function comparePrepared(parsed: ParsedQuotation, quote: string, source: string, prepared: PreparedSource, options: CompareOptions): Comparison {
  const sourceTokens = prepared.tokens;
  const quoteKeys = parsed.tokens.keys;

  const positions = positionsOfKeys(prepared, new Set(quoteKeys));

  // A source word starts a clause when punctuation or a line break stands before it.
  const startsClause = (word: number): boolean => {
    if (word <= 0 || word >= sourceTokens.count) return true;
    return /[,.;:!?\u2013\u2014)\]\n]/.test(source.slice(sourceTokens.ends[word - 1]!, sourceTokens.starts[word]!));
  };

  // Pieces start as the fragments; a fragment that silently joins distant passages is
  // split where its words stop matching, and each piece is placed on its own.
  let pieces: Piece[] = parsed.fragments.map((f, index) => ({ fragment: index, firstToken: f.firstToken, endToken: f.endToken }));
  let located = locatePieces(pieces, quoteKeys, sourceTokens.keys, positions);
  for (let round = 0; round < MAX_SPLIT_ROUNDS; round++) {
    const split = splitSilentJoins(pieces, located, quoteKeys, sourceTokens.keys, positions, startsClause);
    if (split === pieces) break;
    pieces = split;
    located = locatePieces(pieces, quoteKeys, sourceTokens.keys, positions);
  }
  const rebalanced = rebalanceJoins(pieces, located, quoteKeys, sourceTokens.keys, startsClause);
  if (rebalanced) {
    pieces = rebalanced;
    located = locatePieces(pieces, quoteKeys, sourceTokens.keys, positions);
  }
  ({ pieces, located } = alignSilentFragmentsWhole(pieces, located, quoteKeys, sourceTokens.keys, startsClause));

  const notes: Note[] = [];
  const itemsOfPiece: Item[][] = pieces.map((piece, p) => {
    const region = located.regions[p];
    if (!region) {
      return [{ kind: 'insertion', fragment: piece.fragment, quoteFrom: piece.firstToken, quoteTo: piece.endToken, sourceFrom: 0, sourceTo: 0, editorial: false }];
    }
    let runs: Run[] | null = alignWords(quoteKeys, piece.firstToken, piece.endToken, sourceTokens.keys, region.start, region.end, startsClause);
    if (!runs) {
      const quoteSpan = { start: parsed.tokens.starts[piece.firstToken]!, end: parsed.tokens.ends[piece.endToken - 1]! };
      notes.push({ code: 'alignment-gave-up', message: 'This passage differs from its source too much to align word by word; it is shown as one alteration.', quote: quoteSpan });
      runs = [{ kind: 'removed', sourceFrom: region.start, sourceTo: region.end, quoteFrom: piece.firstToken, quoteTo: piece.firstToken },
        { kind: 'added', sourceFrom: region.end, sourceTo: region.end, quoteFrom: piece.firstToken, quoteTo: piece.endToken }];
    }
    const pieceItems = itemsFromRuns(runs, piece.fragment, parsed);
    for (const item of pieceItems) {
      if (item.kind === 'omission' && isPageFurniture(source, sourceTokens, item.sourceFrom, item.sourceTo)) item.pageFurniture = true;
    }
    return pieceItems;
  });

  const piecesOfFragment: number[][] = parsed.fragments.map(() => []);
  pieces.forEach((piece, p) => piecesOfFragment[piece.fragment]!.push(p));
  const fragments: Fragment[] = parsed.fragments.map((fragment, f) => {
    const fragmentItems = piecesOfFragment[f]!.flatMap((p) => itemsOfPiece[p]!);
    const described = describeFragment(quote, source, fragment.span, fragmentItems, sourceTokens, fragment.endToken - fragment.firstToken);
    if (!described.found) {
      notes.push({ code: 'fragment-not-found', message: `“${clip(quote.slice(fragment.span.start, fragment.span.end))}” is not in the source.`, quote: fragment.span });
    }
    return described;
  });

  // Source order of the located pieces; the gaps between them are the cuts.
  const placed = pieces
    .map((piece, p) => ({ piece, p, range: sourceWordRange(itemsOfPiece[p]!) }))
    .filter((x): x is { piece: Piece; p: number; range: { from: number; to: number } } => x.range !== null);
  let reordered = false;
  for (let k = 1; k < placed.length; k++) {
    if (placed[k]!.range.from < placed[k - 1]!.range.to) reordered = true;
  }
  const bySource = placed.slice().sort((a, b) => a.range.from - b.range.from);
  // placedBefore[i]: how many pieces before piece i have a place in the source
  const placedBefore = new Int32Array(pieces.length + 1);
  pieces.forEach((_piece, p) => {
    placedBefore[p + 1] = placedBefore[p]! + (itemsOfPiece[p]!.some((item) => item.sourceTo > item.sourceFrom) ? 1 : 0);
  });
  const gapAfterPiece = new Map<number, Item>();
  for (let k = 1; k < bySource.length; k++) {
    const left = bySource[k - 1]!;
    const right = bySource[k]!;
    const leftFragment = parsed.fragments[left.piece.fragment]!;
    // the quoter's mark between these two pieces: none inside one fragment (a silent join)
    const ownPieces = piecesOfFragment[left.piece.fragment]!;
    const mark = ownPieces[ownPieces.length - 1] === left.p ? leftFragment.markAfter : null;
    const adjacentInQuote = right.p > left.p && placedBefore[right.p] === placedBefore[left.p + 1];
    const gapFrom = left.range.to;
    const gapTo = right.range.from;
    const gapCharsFrom = sourceTokens.ends[gapFrom - 1]!;
    const gapCharsTo = sourceTokens.starts[gapTo]!;
    if (gapTo > gapFrom) {
      const marked = mark !== null && (adjacentInQuote || reordered);
      gapAfterPiece.set(left.p, { kind: 'omission', quoteFrom: 0, quoteTo: 0, sourceFrom: gapFrom, sourceTo: gapTo, marked });
      if (marked && mark && mark.dots === 3 && !mark.bracketed && crossesSentenceEnd(source, gapCharsFrom, gapCharsTo)
        && !/[.!?]\s*$/.test(quote.slice(leftFragment.span.end - 1, mark.start))) {
        notes.push({ code: 'three-dot-sentence-cut', message: 'This cut crosses the end of a sentence; the convention marks that with four dots (a full stop and an ellipsis).', quote: { start: mark.start, end: mark.end } });
      }
    } else if (mark && right.p === left.p + 1) {
      const between = source.slice(gapCharsFrom, gapCharsTo);
      if (/\.\s?\.\s?\.|\u2026/.test(between)) {
        notes.push({ code: 'source-ellipsis', message: 'The source itself has an ellipsis here; the quotation cuts nothing at this point.', quote: { start: mark.start, end: mark.end } });
      } else {
        notes.push({ code: 'spurious-ellipsis', message: 'An ellipsis stands here, but nothing of the source was left out at this point.', quote: { start: mark.start, end: mark.end } });
      }
    }
  }

  // Reading order: each piece's items, then the cut that follows it in the source.
  const items: Item[] = [];
  pieces.forEach((_piece, p) => {
    items.push(...itemsOfPiece[p]!);
    const gap = gapAfterPiece.get(p);
    if (gap) items.push(gap);
  });

  const span = spanOf(items, sourceTokens);
  const segments = itemsToSegments(items, quote, parsed.tokens, parsed.fragments.map((f) => f.span), source, sourceTokens, span);
  notes.push(...itemNotes(segments));
  notes.push(...caseChangeNotes(quote, source, parsed, items, sourceTokens));
  if (reordered) {
    notes.push({ code: 'reordered', message: 'The quotation joins passages in an order other than the source’s.' });
  }
  fragments.forEach((fragment, f) => {
    // alternatives are told for a fragment placed as one piece
    const own = piecesOfFragment[f]!;
    if (!fragment.found || !fragment.source || own.length !== 1) return;
    const p = own[0]!;
    const elsewhere = located.placement.alternatives[p]!
      .map((c) => ({ source: candidateSpan(c, sourceTokens), score: c.score }))
      .filter((a) => a.source.end <= fragment.source!.start || a.source.start >= fragment.source!.end);
    if (elsewhere.length === 0) return;
    fragment.alternatives = elsewhere;
    notes.push({ code: 'ambiguous-placement', message: `This fragment also stands elsewhere in the source (${elsewhere.length} more place${elsewhere.length > 1 ? 's' : ''}); it is placed where it fits its neighbours.`, quote: fragment.quote });
  });

  if (span) {
    const context = contextSpans(source, span, options);
    if (context.before) segments.unshift({ kind: 'context-before', source: context.before, sourceText: source.slice(context.before.start, context.before.end) });
    if (context.after) segments.push({ kind: 'context-after', source: context.after, sourceText: source.slice(context.after.start, context.after.end) });
  }

  const stats = countStats(items);
  const cues = findCues({ quote, source, segments, span });
  const judged = {
    version: 1 as const,
    found: fragments.some((f) => f.found),
    span,
    fragments,
    segments,
    stats,
    reordered,
    notes,
    cues,
    ellipses: parsed.marks.map((mark) => ({ start: mark.start, end: mark.end })),
  };
  return { ...judged, verdict: judge(judged, source) };
}

/** A stretch of a fragment placed on its own: the whole fragment, or part of one that silently joins passages. */
interface Piece {
  fragment: number;
  firstToken: number;
  endToken: number;
}

const MAX_SPLIT_ROUNDS = 8;
const MIN_SPLIT_WORDS = 3;
const MAX_SPLIT_BOUNDARIES = 24;
const MAX_PIECES = 500;

interface Located {
  candidates: Candidate[][];
  placement: ReturnType<typeof choosePlacement>;
  regions: Array<{ start: number; end: number } | null>;
}

function locatePieces(pieces: Piece[], quoteKeys: string[], sourceKeys: string[], positions: Map<string, number[]>): Located {
  const keys = pieces.map((piece) => quoteKeys.slice(piece.firstToken, piece.endToken));
  const candidates = keys.map((k) => findCandidates(k, sourceKeys, positions));
  const placement = choosePlacement(candidates, keys.map(matchableWords));
  return { candidates, placement, regions: widenRegions(placement.chosen, keys.map(matchableWords), sourceKeys.length) };
}

/**
 * Where a piece is not wholly matched in one place, try cutting it where its alignment
 * changes (a run boundary): if both halves then stand convincingly somewhere and
 * together match more words than the whole did, the quoter joined two passages without
 * an ellipsis, and the piece is split there. Returns the same array when nothing splits.
 */
function splitSilentJoins(
  pieces: Piece[], located: Located, quoteKeys: string[],
  sourceKeys: string[], positions: Map<string, number[]>, startsClause: (word: number) => boolean,
): Piece[] {
  const out: Piece[] = [];
  let changed = false;
  // a half may itself join passages, so it needs only some words in one place
  const bestMatched = (from: number, to: number): number => {
    const best = findCandidates(quoteKeys.slice(from, to), sourceKeys, positions)[0];
    return best && (best.matched >= MIN_SPLIT_WORDS || isConvincing(best, matchableWords(quoteKeys.slice(from, to)))) ? best.matched : -1;
  };
  const ownWords = (from: number, to: number) => quoteKeys.slice(from, to).filter((k) => !k.startsWith('[')).length;
  pieces.forEach((piece, p) => {
    const words = piece.endToken - piece.firstToken;
    const best = located.candidates[p]![0];
    if (!best || best.matched === words || best.matched < MIN_SPLIT_WORDS || words < 2 * MIN_SPLIT_WORDS || pieces.length >= MAX_PIECES) {
      out.push(piece);
      return;
    }
    const region = located.regions[p] ?? { start: best.start, end: best.end };
    const runs = alignWords(quoteKeys, piece.firstToken, piece.endToken, sourceKeys, region.start, region.end, startsClause);
    // run boundaries, and a word or two either side: a coincidental match of the next
    // word ("… dorishhu zanish" where the quoter's "zanish" comes from later) moves them
    const boundaries = [...new Set((runs ?? []).flatMap((r) => [r.quoteFrom, r.quoteFrom - 1, r.quoteFrom - 2, r.quoteFrom + 1, r.quoteFrom + 2]))]
      .filter((b) => ownWords(piece.firstToken, b) >= MIN_SPLIT_WORDS && ownWords(b, piece.endToken) >= MIN_SPLIT_WORDS)
      .slice(0, MAX_SPLIT_BOUNDARIES);
    let cut = -1;
    let cutScore = best.matched;
    let cutWholeHalves = 0;
    for (const b of boundaries) {
      const left = bestMatched(piece.firstToken, b);
      const right = left < 0 ? -1 : bestMatched(b, piece.endToken);
      if (left < 0 || right < 0) continue;
      // halves matched whole: among cuts that match as many words, the one that leaves
      // whole halves is where the quoter joined (the rest is split again next round)
      const wholeHalves = (left === ownWords(piece.firstToken, b) ? 1 : 0) + (right === ownWords(b, piece.endToken) ? 1 : 0);
      // A tie with the unsplit piece splits too where the alignment already skips source
      // words and adds none (a silent cut, not an alteration) and one half is whole.
      const pureCut = runs!.some((r) => r.kind === 'removed' && r.quoteFrom === b) && !runs!.some((r) => r.kind === 'added' && r.quoteFrom === b);
      const better = cut < 0
        ? left + right > cutScore || (wholeHalves > 0 && pureCut && left + right === cutScore)
        : left + right > cutScore || (left + right === cutScore && wholeHalves > cutWholeHalves);
      if (better) {
        cut = b;
        cutScore = left + right;
        cutWholeHalves = wholeHalves;
      }
    }
    if (cut < 0) {
      out.push(piece);
      return;
    }
    changed = true;
    out.push({ fragment: piece.fragment, firstToken: piece.firstToken, endToken: cut }, { fragment: piece.fragment, firstToken: cut, endToken: piece.endToken });
  });
  return changed ? out : pieces;
}

/**
 * A split made in rounds can leave a word on the wrong side of a silent join: the first
 * words of a piece, unmatched there, that continue the previous piece of the same
 * fragment in the source (or the reverse) move across. Returns null when nothing moves.
 */
function rebalanceJoins(
  pieces: Piece[], located: Located, quoteKeys: string[], sourceKeys: string[], startsClause: (word: number) => boolean,
): Piece[] | null {
  const out = pieces.map((piece) => ({ ...piece }));
  let changed = false;
  for (let p = 0; p + 1 < out.length; p++) {
    const left = out[p]!;
    const right = out[p + 1]!;
    // an unplaced piece is read against its best partial match, as in splitting
    const regionOf = (k: number) => {
      const best = located.candidates[k]![0];
      return located.regions[k] ?? (best && best.matched >= MIN_SPLIT_WORDS - 1 ? { start: best.start, end: best.end } : null);
    };
    const leftRegion = regionOf(p);
    const rightRegion = regionOf(p + 1);
    if (left.fragment !== right.fragment || !leftRegion || !rightRegion) continue;
    const leftRuns = alignWords(quoteKeys, left.firstToken, left.endToken, sourceKeys, leftRegion.start, leftRegion.end, startsClause);
    const rightRuns = alignWords(quoteKeys, right.firstToken, right.endToken, sourceKeys, rightRegion.start, rightRegion.end, startsClause);
    const leftLast = leftRuns?.filter((r) => r.kind === 'equal').pop();
    const rightFirst = rightRuns?.find((r) => r.kind === 'equal');
    if (!leftLast || !rightFirst) continue;
    let forward = 0;
    while (leftLast.quoteTo === left.endToken && right.firstToken + forward < rightFirst.quoteFrom && forward < 3
      && sourceKeys[leftLast.sourceTo + forward] === quoteKeys[right.firstToken + forward]) forward++;
    let backward = 0;
    while (forward === 0 && rightFirst.quoteFrom === right.firstToken && left.endToken - 1 - backward >= leftLast.quoteTo && backward < 3
      && sourceKeys[rightFirst.sourceFrom - 1 - backward] === quoteKeys[left.endToken - 1 - backward]) backward++;
    const shift = forward - backward;
    if (shift === 0 || left.endToken + shift <= left.firstToken || right.firstToken + shift >= right.endToken) continue;
    left.endToken += shift;
    right.firstToken += shift;
    changed = true;
  }
  return changed ? out : null;
}

/** Quotation words that the runs match with source words. */
function matchedWords(runs: Run[] | null): number {
  let n = 0;
  for (const run of runs ?? []) if (run.kind === 'equal') n += run.quoteTo - run.quoteFrom;
  return n;
}

const MAX_WHOLE_REGION_WORDS = 20_000;

/**
 * Piece by piece, a fragment that silently joins several short passages can keep words
 * unplaced. Where a fragment was cut into pieces, or left words unmatched, align it whole
 * against the stretch of source from its first placed piece to its last (a diff treats
 * the source words between as cuts), and keep that when it matches at least as many words.
 */
function alignSilentFragmentsWhole(
  pieces: Piece[], located: Located, quoteKeys: string[], sourceKeys: string[], startsClause: (word: number) => boolean,
): { pieces: Piece[]; located: Located } {
  const byFragment = new Map<number, number[]>();
  pieces.forEach((piece, p) => byFragment.set(piece.fragment, [...(byFragment.get(piece.fragment) ?? []), p]));
  const replaced = new Map<number, { piece: Piece; region: { start: number; end: number } }>();
  for (const [fragment, own] of byFragment) {
    const placed = own.filter((p) => located.regions[p]);
    if (placed.length === 0) continue;
    const runsOf = (p: number) => alignWords(quoteKeys, pieces[p]!.firstToken, pieces[p]!.endToken, sourceKeys, located.regions[p]!.start, located.regions[p]!.end, startsClause);
    const piecewise = placed.reduce((sum, p) => sum + matchedWords(runsOf(p)), 0);
    const firstToken = pieces[own[0]!]!.firstToken;
    const endToken = pieces[own[own.length - 1]!]!.endToken;
    if (own.length === 1 && piecewise === matchableWords(quoteKeys.slice(firstToken, endToken))) continue;
    const slack = slackFor(matchableWords(quoteKeys.slice(firstToken, endToken)));
    const regionStart = Math.max(0, Math.min(...placed.map((p) => located.regions[p]!.start)) - slack);
    const regionEnd = Math.min(sourceKeys.length, Math.max(...placed.map((p) => located.regions[p]!.end)) + slack);
    if (regionEnd - regionStart > MAX_WHOLE_REGION_WORDS) continue;
    const whole = alignWords(quoteKeys, firstToken, endToken, sourceKeys, regionStart, regionEnd, startsClause);
    if (!whole || matchedWords(whole) < piecewise || (own.length === 1 && matchedWords(whole) === piecewise)) continue;
    replaced.set(fragment, { piece: { fragment, firstToken, endToken }, region: { start: regionStart, end: regionEnd } });
  }
  if (replaced.size === 0) return { pieces, located };
  // rebuild the piece list with one piece for each replaced fragment, keeping the order
  const nextPieces: Piece[] = [];
  const regions: Array<{ start: number; end: number } | null> = [];
  const candidates: Candidate[][] = [];
  const chosen: Array<Candidate | null> = [];
  const alternatives: Candidate[][] = [];
  pieces.forEach((piece, p) => {
    const replacement = replaced.get(piece.fragment);
    if (replacement) {
      if (byFragment.get(piece.fragment)![0] !== p) return;
      nextPieces.push(replacement.piece);
      regions.push(replacement.region);
      candidates.push([]);
      chosen.push(null);
      alternatives.push([]);
      return;
    }
    nextPieces.push(piece);
    regions.push(located.regions[p]!);
    candidates.push(located.candidates[p]!);
    chosen.push(located.placement.chosen[p]!);
    alternatives.push(located.placement.alternatives[p]!);
  });
  return { pieces: nextPieces, located: { candidates, regions, placement: { chosen, alternatives } } };
}

/**
 * Widens each chosen candidate by a couple of words so edge words the quoter changed
 * can pair up as alterations, without reaching into a neighbour's region.
 */
function widenRegions(chosen: Array<Candidate | null>, wordsOfPiece: number[], sourceLength: number): Array<{ start: number; end: number } | null> {
  const order = chosen
    .map((c, p) => ({ c, p }))
    .filter((x): x is { c: Candidate; p: number } => x.c !== null)
    .sort((a, b) => a.c.start - b.c.start);
  const regions: Array<{ start: number; end: number } | null> = chosen.map(() => null);
  let previousEnd = 0;
  order.forEach(({ c, p }, k) => {
    const words = wordsOfPiece[p]!;
    const widen = Math.min(slackFor(words), words - c.matched + 1);
    const ceiling = k < order.length - 1 ? Math.max(c.end, order[k + 1]!.c.start) : sourceLength;
    const start = Math.max(previousEnd, c.start - widen);
    const end = Math.min(ceiling, c.end + widen);
    // Two pieces on the same source words (a quotation repeating itself): the later one
    // has nowhere of its own to stand.
    if (start >= Math.min(end, c.end)) return;
    regions[p] = { start, end };
    previousEnd = end;
  });
  return regions;
}

function sourceWordRange(items: Item[]): { from: number; to: number } | null {
  let from = Infinity;
  let to = -Infinity;
  for (const item of items) {
    if (item.sourceTo > item.sourceFrom) {
      from = Math.min(from, item.sourceFrom);
      to = Math.max(to, item.sourceTo);
    }
  }
  return from === Infinity ? null : { from, to };
}

function spanOf(items: Item[], sourceTokens: { starts: Int32Array; ends: Int32Array }): Span | null {
  const range = sourceWordRange(items.filter((i) => i.kind === 'match' || i.kind === 'alteration'));
  if (!range) return null;
  return { start: sourceTokens.starts[range.from]!, end: sourceTokens.ends[range.to - 1]! };
}

function candidateSpan(c: Candidate, sourceTokens: { starts: Int32Array; ends: Int32Array }): Span {
  return { start: sourceTokens.starts[c.start]!, end: sourceTokens.ends[Math.max(c.start, c.end - 1)]! };
}

function describeFragment(
  quote: string, source: string, quoteSpan: Span, items: Item[],
  sourceTokens: { starts: Int32Array; ends: Int32Array }, words: number,
): Fragment {
  const range = sourceWordRange(items.filter((i) => i.kind !== 'omission'));
  if (!range) return { quote: quoteSpan, found: false, source: null };
  const sourceSpan = { start: sourceTokens.starts[range.from]!, end: sourceTokens.ends[range.to - 1]! };
  let changedWords = 0;
  let matchedWords = 0;
  for (const item of items) {
    if (item.kind === 'match') matchedWords += item.quoteTo - item.quoteFrom;
    else if (item.kind === 'omission') changedWords += item.sourceTo - item.sourceFrom;
    else if (!(item.kind === 'insertion' && item.editorial)) changedWords += Math.max(item.quoteTo - item.quoteFrom, item.sourceTo - item.sourceFrom);
  }
  let confidence: Confidence = 'fuzzy';
  if (changedWords === 0) {
    const quoted = quote.slice(quoteSpan.start, quoteSpan.end);
    confidence = source.slice(sourceSpan.start, sourceSpan.end) === quoted.replace(/[\s.,;:!?'"’”»)\]]+$/u, '') || source.startsWith(quoted, sourceSpan.start) ? 'exact' : 'typographic';
  }
  return { quote: quoteSpan, found: true, source: sourceSpan, confidence, changedWords, score: words > 0 ? matchedWords / words : 0 };
}

/** A capital changed without brackets, inside a fragment (changing it at a fragment's start is accepted practice). */
function caseChangeNotes(quote: string, source: string, parsed: ParsedQuotation, items: Item[], sourceTokens: { starts: Int32Array; ends: Int32Array }): Note[] {
  const notes: Note[] = [];
  const fragmentStarts = new Set(parsed.fragments.map((f) => f.firstToken));
  for (const item of items) {
    if (item.kind !== 'match' || item.quoteTo - item.quoteFrom !== item.sourceTo - item.sourceFrom) continue;
    for (let k = 0; k < item.quoteTo - item.quoteFrom; k++) {
      const q = item.quoteFrom + k;
      if (fragmentStarts.has(q)) continue;
      const s = item.sourceFrom + k;
      const quoteWord = quote.slice(parsed.tokens.starts[q]!, parsed.tokens.ends[q]!);
      const sourceWord = source.slice(sourceTokens.starts[s]!, sourceTokens.ends[s]!);
      if (firstLetterCaseDiffers(quoteWord, sourceWord)) {
        notes.push({
          code: 'unbracketed-case-change',
          message: `“${quoteWord}” stands as “${sourceWord}” in the source; a changed capital is shown in brackets.`,
          quote: { start: parsed.tokens.starts[q]!, end: parsed.tokens.ends[q]! },
        });
      }
    }
  }
  return notes;
}

function firstLetterCaseDiffers(a: string, b: string): boolean {
  const x = a[0];
  const y = b[0];
  if (x === undefined || y === undefined || x === y || x.toLowerCase() !== y.toLowerCase()) return false;
  return (x === x.toUpperCase()) !== (y === y.toUpperCase());
}

function contextSpans(source: string, span: Span, options: CompareOptions): { before: Span | null; after: Span | null } {
  let beforeStart: number;
  let afterEnd: number;
  if (options.contextWords !== undefined) {
    const n = Math.max(0, Math.floor(options.contextWords));
    beforeStart = span.start;
    for (let k = 0; k < n; k++) {
      const m = /[\p{L}\p{M}\p{N}][^\s]*\s*$/u.exec(source.slice(Math.max(0, beforeStart - 200), beforeStart));
      if (!m) break;
      beforeStart -= m[0].length;
    }
    afterEnd = span.end;
    for (let k = 0; k < n; k++) {
      const m = /^\s*[^\s]+/u.exec(source.slice(afterEnd, afterEnd + 200));
      if (!m) break;
      afterEnd += m[0].length;
    }
  } else {
    const sentences = Math.max(0, Math.floor(options.contextSentences ?? DEFAULT_CONTEXT_SENTENCES));
    beforeStart = contextStart(source, span.start, sentences);
    afterEnd = contextEnd(source, span.end, sentences);
  }
  while (beforeStart < span.start && /\s/.test(source[beforeStart]!)) beforeStart++;
  while (afterEnd > span.end && /\s/.test(source[afterEnd - 1]!)) afterEnd--;
  return {
    before: beforeStart < span.start ? { start: beforeStart, end: span.start } : null,
    after: afterEnd > span.end ? { start: span.end, end: afterEnd } : null,
  };
}
