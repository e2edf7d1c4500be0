/**
 * Word alignment of one located fragment with its source window, via `diff`'s
 * diffArrays on word keys (our own tokens: diffWords would move white space around and
 * its change objects carry no offsets).
 *
 * The diff is bounded by an edit length; "gave up" is a result (null), not a crash.
 * Runs are then normalised: a stray common word at the window's edge ("the … the whale")
 * slides inward, so an omission is never invented at the edge of a fragment.
 *
 * Deliberately not here: what the runs mean for the reader (classify.ts).
 */
import { diffArrays } from 'diff';

export type RunKind = 'equal' | 'removed' | 'added';

/** A run of the alignment, in word indexes: source words [sourceFrom, sourceTo), quotation words [quoteFrom, quoteTo). */
export interface Run {
  kind: RunKind;
  sourceFrom: number;
  sourceTo: number;
  quoteFrom: number;
  quoteTo: number;
}

/**
 * Aligns quotation words [quoteFrom, quoteTo) with source words [sourceFrom, sourceTo).
 * Returns runs in reading order with source-only runs at the edges trimmed away, or
 * null when the diff exceeded its bound.
 */
export function alignWords(
  quoteKeys: string[], quoteFrom: number, quoteTo: number,
  sourceKeys: string[], sourceFrom: number, sourceTo: number,
): Run[] | null {
  const quoteSlice = quoteKeys.slice(quoteFrom, quoteTo);
  const sourceSlice = sourceKeys.slice(sourceFrom, sourceTo);
  const maxEditLength = Math.max(64, Math.ceil((quoteSlice.length + sourceSlice.length) * 0.75));
  const changes = diffArrays(sourceSlice, quoteSlice, { maxEditLength });
  if (!changes) return null;
  let runs: Run[] = [];
  let s = sourceFrom;
  let q = quoteFrom;
  for (const change of changes) {
    const n = change.count ?? change.value.length;
    if (change.added) {
      runs.push({ kind: 'added', sourceFrom: s, sourceTo: s, quoteFrom: q, quoteTo: q + n });
      q += n;
    } else if (change.removed) {
      runs.push({ kind: 'removed', sourceFrom: s, sourceTo: s + n, quoteFrom: q, quoteTo: q });
      s += n;
    } else {
      runs.push({ kind: 'equal', sourceFrom: s, sourceTo: s + n, quoteFrom: q, quoteTo: q + n });
      s += n;
      q += n;
    }
  }
  runs = slideEdgeMatches(runs, sourceKeys);
  return trimSourceEdges(runs, quoteKeys);
}

/**
 * Where the diff matched a word early and then skipped source words ("the [sea the]
 * whale"), move the match to the later occurrence, so the skipped words fall outside
 * the fragment instead of becoming an omission inside it. Same at the end.
 */
function slideEdgeMatches(runs: Run[], sourceKeys: string[]): Run[] {
  const out = runs.slice();
  // leading: [removed?] equal E, removed R, ... where R ends with E's words
  for (let pass = 0; pass < 4; pass++) {
    let i = 0;
    if (out[i]?.kind === 'removed') i++;
    const e = out[i];
    const r = out[i + 1];
    if (!e || !r || e.kind !== 'equal' || r.kind !== 'removed') break;
    const len = e.sourceTo - e.sourceFrom;
    if (len > r.sourceTo - r.sourceFrom || !sameKeys(sourceKeys, e.sourceFrom, r.sourceTo - len, len)) break;
    const skippedFrom = out[0]!.kind === 'removed' ? out[0]!.sourceFrom : e.sourceFrom;
    const moved: Run = { kind: 'equal', sourceFrom: r.sourceTo - len, sourceTo: r.sourceTo, quoteFrom: e.quoteFrom, quoteTo: e.quoteTo };
    const skipped: Run = { kind: 'removed', sourceFrom: skippedFrom, sourceTo: r.sourceTo - len, quoteFrom: e.quoteFrom, quoteTo: e.quoteFrom };
    out.splice(0, i + 2, skipped, moved);
    mergeEqualNeighbours(out);
  }
  for (let pass = 0; pass < 4; pass++) {
    let i = out.length - 1;
    if (out[i]?.kind === 'removed') i--;
    const e = out[i];
    const r = out[i - 1];
    if (!e || !r || e.kind !== 'equal' || r.kind !== 'removed') break;
    const len = e.sourceTo - e.sourceFrom;
    if (len > r.sourceTo - r.sourceFrom || !sameKeys(sourceKeys, e.sourceFrom, r.sourceFrom, len)) break;
    const skippedTo = out[out.length - 1]!.kind === 'removed' ? out[out.length - 1]!.sourceTo : e.sourceTo;
    const moved: Run = { kind: 'equal', sourceFrom: r.sourceFrom, sourceTo: r.sourceFrom + len, quoteFrom: e.quoteFrom, quoteTo: e.quoteTo };
    const skipped: Run = { kind: 'removed', sourceFrom: r.sourceFrom + len, sourceTo: skippedTo, quoteFrom: e.quoteTo, quoteTo: e.quoteTo };
    out.splice(i - 1, out.length - (i - 1), moved, skipped);
    mergeEqualNeighbours(out);
  }
  return out;
}

function sameKeys(keys: string[], a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (keys[a + k] !== keys[b + k]) return false;
  return true;
}

function mergeEqualNeighbours(runs: Run[]): void {
  for (let i = runs.length - 1; i > 0; i--) {
    const a = runs[i - 1]!;
    const b = runs[i]!;
    if (a.kind === b.kind && a.sourceTo === b.sourceFrom && a.quoteTo === b.quoteFrom) {
      runs.splice(i - 1, 2, { kind: a.kind, sourceFrom: a.sourceFrom, sourceTo: b.sourceTo, quoteFrom: a.quoteFrom, quoteTo: b.quoteTo });
    }
  }
}

/**
 * Source-only runs at the edges are outside the fragment, except as many words as an
 * adjacent quotation-only run needs to read as an alteration ("The" → "A" at the start).
 */
function trimSourceEdges(runs: Run[], quoteKeys: string[]): Run[] {
  const out = runs.filter((r) => r.sourceTo > r.sourceFrom || r.quoteTo > r.quoteFrom);
  // the quoter's bracketed words (keys in brackets) insert; they never stand for source words
  const ownWords = (run: Run) => {
    let n = 0;
    for (let q = run.quoteFrom; q < run.quoteTo; q++) if (!quoteKeys[q]!.startsWith('[')) n++;
    return n;
  };
  const trimEdge = (edge: number, neighbour: number, atStart: boolean) => {
    const run = out[edge];
    if (!run || run.kind !== 'removed') return;
    const next = out[neighbour];
    const keep = next && next.kind === 'added' ? Math.min(run.sourceTo - run.sourceFrom, ownWords(next)) : 0;
    if (keep === 0) {
      out.splice(edge, 1);
      return;
    }
    if (atStart) run.sourceFrom = run.sourceTo - keep;
    else run.sourceTo = run.sourceFrom + keep;
  };
  trimEdge(0, 1, true);
  trimEdge(out.length - 1, out.length - 2, false);
  return out;
}
