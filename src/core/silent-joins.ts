/**
 * The silent-join stage: a fragment (the quotation between two ellipsis marks) that joins
 * distant passages of the source with no ellipsis is cut into pieces, and each piece is
 * placed on its own; the words each side of a join are then balanced, and a fragment that
 * joins several short passages is aligned whole against their stretch when that matches
 * more. compare() runs it between locating and classifying.
 *
 * The quoter's bracketed words (`words.editorial`) never stand for source words: they are
 * left out of every placement and count.
 *
 * Deliberately not here: whether a join is marked (compare.ts, from the ellipsis marks).
 */
import { alignWords, type Run } from './align.js';
import { choosePlacement, findCandidates, isConvincing, matchableWords, slackFor, type Candidate } from './locate.js';

/** The quotation's words as the stage sees them. */
export interface QuoteWords {
  keys: string[];
  /** per word: the quoter's own, in square brackets; never matched */
  editorial: readonly boolean[];
}

/** The keys of words [from, to) that can stand in the source (the quoter's bracketed words left out). */
export function ownKeys(words: QuoteWords, from: number, to: number): string[] {
  const out: string[] = [];
  for (let t = from; t < to; t++) if (!words.editorial[t]) out.push(words.keys[t]!);
  return out;
}

/** A stretch of a fragment placed on its own: the whole fragment, or part of one that silently joins passages. */
export interface Piece {
  fragment: number;
  firstToken: number;
  endToken: number;
}

const MAX_SPLIT_ROUNDS = 8;
const MIN_SPLIT_WORDS = 3;
const MAX_SPLIT_BOUNDARIES = 24;
const MAX_PIECES = 500;

export interface Located {
  candidates: Candidate[][];
  placement: ReturnType<typeof choosePlacement>;
  regions: Array<{ start: number; end: number } | null>;
}

/**
 * Places every fragment (the quotation's `fragments`, in token ranges): first whole; then
 * fragments that silently join passages are split, in rounds, and re-placed; joins are
 * balanced; fragments of many short pieces are aligned whole where that matches more.
 * A fragment is never left in pieces of which one is not found: it is placed whole then.
 */
export function placePieces(
  fragments: ReadonlyArray<{ firstToken: number; endToken: number }>, words: QuoteWords,
  sourceKeys: string[], positions: Map<string, number[]>, startsClause: (word: number) => boolean,
): { pieces: Piece[]; located: Located } {
  const whole: Piece[] = fragments.map((f, index) => ({ fragment: index, firstToken: f.firstToken, endToken: f.endToken }));
  let pieces = whole;
  let located = locatePieces(pieces, words, sourceKeys, positions);
  for (let round = 0; round < MAX_SPLIT_ROUNDS; round++) {
    const split = splitSilentJoins(pieces, located, words, sourceKeys, positions, startsClause);
    if (split === pieces) break;
    pieces = split;
    located = locatePieces(pieces, words, sourceKeys, positions);
  }
  const rebalanced = rebalanceJoins(pieces, located, words, sourceKeys, startsClause);
  if (rebalanced) {
    pieces = rebalanced;
    located = locatePieces(pieces, words, sourceKeys, positions);
  }
  // A split is a claim that every piece stands somewhere: where one does not, the
  // fragment goes back to one piece (found or not as a whole).
  const broken = new Set<number>();
  pieces.forEach((piece, p) => {
    const siblings = pieces.filter((other) => other.fragment === piece.fragment).length;
    if (siblings > 1 && !located.regions[p]) broken.add(piece.fragment);
  });
  if (broken.size > 0) {
    pieces = pieces.flatMap((piece) => {
      if (!broken.has(piece.fragment)) return [piece];
      const first = pieces.find((other) => other.fragment === piece.fragment)!;
      return first === piece ? [whole[piece.fragment]!] : [];
    });
    located = locatePieces(pieces, words, sourceKeys, positions);
  }
  return alignSilentFragmentsWhole(pieces, located, words, sourceKeys, startsClause);
}

function locatePieces(pieces: Piece[], words: QuoteWords, sourceKeys: string[], positions: Map<string, number[]>): Located {
  const keys = pieces.map((piece) => ownKeys(words, piece.firstToken, piece.endToken));
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
  pieces: Piece[], located: Located, words: QuoteWords,
  sourceKeys: string[], positions: Map<string, number[]>, startsClause: (word: number) => boolean,
): Piece[] {
  const out: Piece[] = [];
  let changed = false;
  // a half may itself join passages, so it needs only some words in one place
  const bestMatched = (from: number, to: number): number => {
    const best = findCandidates(ownKeys(words, from, to), sourceKeys, positions)[0];
    return best && (best.matched >= MIN_SPLIT_WORDS || isConvincing(best, matchableWords(ownKeys(words, from, to)))) ? best.matched : -1;
  };
  const ownWords = (from: number, to: number) => ownKeys(words, from, to).length;
  pieces.forEach((piece, p) => {
    const wordCount = ownWords(piece.firstToken, piece.endToken);
    const best = located.candidates[p]![0];
    if (!best || best.matched === wordCount || best.matched < MIN_SPLIT_WORDS || wordCount < 2 * MIN_SPLIT_WORDS || pieces.length >= MAX_PIECES) {
      out.push(piece);
      return;
    }
    const region = located.regions[p] ?? { start: best.start, end: best.end };
    const runs = alignWords(words.keys, piece.firstToken, piece.endToken, sourceKeys, region.start, region.end, startsClause, words.editorial);
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
  pieces: Piece[], located: Located, words: QuoteWords, sourceKeys: string[], startsClause: (word: number) => boolean,
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
    const leftRuns = alignWords(words.keys, left.firstToken, left.endToken, sourceKeys, leftRegion.start, leftRegion.end, startsClause, words.editorial);
    const rightRuns = alignWords(words.keys, right.firstToken, right.endToken, sourceKeys, rightRegion.start, rightRegion.end, startsClause, words.editorial);
    const leftLast = leftRuns?.filter((r) => r.kind === 'equal').pop();
    const rightFirst = rightRuns?.find((r) => r.kind === 'equal');
    if (!leftLast || !rightFirst) continue;
    let forward = 0;
    while (leftLast.quoteTo === left.endToken && right.firstToken + forward < rightFirst.quoteFrom && forward < 3
      && !words.editorial[right.firstToken + forward] && sourceKeys[leftLast.sourceTo + forward] === words.keys[right.firstToken + forward]) forward++;
    let backward = 0;
    while (forward === 0 && rightFirst.quoteFrom === right.firstToken && left.endToken - 1 - backward >= leftLast.quoteTo && backward < 3
      && !words.editorial[left.endToken - 1 - backward] && sourceKeys[rightFirst.sourceFrom - 1 - backward] === words.keys[left.endToken - 1 - backward]) backward++;
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
  pieces: Piece[], located: Located, words: QuoteWords, sourceKeys: string[], startsClause: (word: number) => boolean,
): { pieces: Piece[]; located: Located } {
  const byFragment = new Map<number, number[]>();
  pieces.forEach((piece, p) => byFragment.set(piece.fragment, [...(byFragment.get(piece.fragment) ?? []), p]));
  const replaced = new Map<number, { piece: Piece; region: { start: number; end: number } }>();
  for (const [fragment, own] of byFragment) {
    const placed = own.filter((p) => located.regions[p]);
    if (placed.length === 0) continue;
    const runsOf = (p: number) => alignWords(words.keys, pieces[p]!.firstToken, pieces[p]!.endToken, sourceKeys, located.regions[p]!.start, located.regions[p]!.end, startsClause, words.editorial);
    const piecewise = placed.reduce((sum, p) => sum + matchedWords(runsOf(p)), 0);
    const firstToken = pieces[own[0]!]!.firstToken;
    const endToken = pieces[own[own.length - 1]!]!.endToken;
    if (own.length === 1 && piecewise === matchableWords(ownKeys(words, firstToken, endToken))) continue;
    const slack = slackFor(matchableWords(ownKeys(words, firstToken, endToken)));
    const regionStart = Math.max(0, Math.min(...placed.map((p) => located.regions[p]!.start)) - slack);
    const regionEnd = Math.min(sourceKeys.length, Math.max(...placed.map((p) => located.regions[p]!.end)) + slack);
    if (regionEnd - regionStart > MAX_WHOLE_REGION_WORDS) continue;
    const whole = alignWords(words.keys, firstToken, endToken, sourceKeys, regionStart, regionEnd, startsClause, words.editorial);
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
