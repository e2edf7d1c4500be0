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

/** Diff steps allowed per alignment, (N + M) × D: about a quarter of a second. */
const DIFF_WORK = 12_000_000;

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
  startsClause: (sourceWord: number) => boolean = () => false,
  editorial: readonly boolean[] = [],
): Run[] | null {
  // The quoter's bracketed words (editorial) never match: leave them out of the diff,
  // which stays linear in them, and put them back as insertions where they stand.
  const kept: number[] = [];
  for (let q = quoteFrom; q < quoteTo; q++) if (!editorial[q]) kept.push(q);
  const quoteSlice = kept.map((q) => quoteKeys[q]!);
  const sourceSlice = sourceKeys.slice(sourceFrom, sourceTo);
  // The diff costs about (N + M) × D steps for D edits: allow what real cuts need, and
  // give up (null) before a pathological pair ("the the the …" against prose) costs seconds.
  const total = quoteSlice.length + sourceSlice.length;
  const maxEditLength = Math.max(64, Math.min(Math.ceil(total * 0.75), Math.floor(DIFF_WORK / Math.max(1, total))));
  const changes = diffArrays(sourceSlice, quoteSlice, { maxEditLength });
  if (!changes) return null;
  let runs: Run[] = [];
  const push = (run: Run) => {
    const last = runs[runs.length - 1];
    if (last && last.kind === run.kind && last.sourceTo === run.sourceFrom && last.quoteTo === run.quoteFrom) {
      last.sourceTo = run.sourceTo;
      last.quoteTo = run.quoteTo;
    } else {
      runs.push({ ...run });
    }
  };
  let s = sourceFrom;
  let k = 0; // index into kept
  let cursor = quoteFrom; // original quotation index
  const bracketedUpTo = (q: number) => {
    if (cursor < q) push({ kind: 'added', sourceFrom: s, sourceTo: s, quoteFrom: cursor, quoteTo: q });
    cursor = Math.max(cursor, q);
  };
  for (const change of changes) {
    const n = change.count ?? change.value.length;
    if (change.removed) {
      push({ kind: 'removed', sourceFrom: s, sourceTo: s + n, quoteFrom: cursor, quoteTo: cursor });
      s += n;
      continue;
    }
    for (let i = 0; i < n; i++, k++) {
      const q = kept[k]!;
      bracketedUpTo(q);
      if (change.added) {
        push({ kind: 'added', sourceFrom: s, sourceTo: s, quoteFrom: q, quoteTo: q + 1 });
      } else {
        push({ kind: 'equal', sourceFrom: s, sourceTo: s + 1, quoteFrom: q, quoteTo: q + 1 });
        s++;
      }
      cursor = q + 1;
    }
  }
  bracketedUpTo(quoteTo);
  runs = joinSplitWords(runs, quoteKeys, sourceKeys);
  runs = slideEdgeMatches(runs, sourceKeys);
  runs = mergeSplitRemovals(runs, sourceKeys);
  slideRemovalsToClauses(runs, sourceKeys, startsClause);
  return trimSourceEdges(runs, editorial);
}

/**
 * OCR text splits words across lines without a hyphen ("Cen\ntral"), and a quoter may
 * join or split a compound ("to day", "today") or bracket words that are in the source:
 * where a change block's source words and quotation words spell the same letters, it is
 * one match (of unequal word counts, maybe).
 */
function joinSplitWords(runs: Run[], quoteKeys: string[], sourceKeys: string[]): Run[] {
  const out: Run[] = [];
  for (let i = 0; i < runs.length; i++) {
    const a = runs[i]!;
    const b = runs[i + 1];
    if (b && a.kind !== 'equal' && b.kind !== 'equal' && a.kind !== b.kind) {
      const removed = a.kind === 'removed' ? a : b;
      const added = a.kind === 'added' ? a : b;
      const sourceLetters = sourceKeys.slice(removed.sourceFrom, removed.sourceTo).join('');
      // a quoter's brackets around words that do stand there in the source insert nothing
      const quoteLetters = quoteKeys.slice(added.quoteFrom, added.quoteTo).join('');
      if (sourceLetters === quoteLetters) {
        out.push({ kind: 'equal', sourceFrom: removed.sourceFrom, sourceTo: removed.sourceTo, quoteFrom: added.quoteFrom, quoteTo: added.quoteTo });
        i++;
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/**
 * In repetitive prose ("it was the … of times, it was the …") a minimal diff may cut one
 * omission into several around a few coincidental words. Where a short equal run between
 * two removed runs also stands at the far edge of one of them, it is moved there and the
 * removals join: one cut, as the quoter made it.
 */
function mergeSplitRemovals(runs: Run[], sourceKeys: string[]): Run[] {
  const out = runs.slice();
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 1; i + 1 < out.length; i++) {
      const before = out[i - 1]!;
      const equal = out[i]!;
      const after = out[i + 1]!;
      if (before.kind !== 'removed' || equal.kind !== 'equal' || after.kind !== 'removed') continue;
      const e = equal.sourceTo - equal.sourceFrom;
      if (e <= after.sourceTo - after.sourceFrom && sameKeys(sourceKeys, equal.sourceFrom, after.sourceTo - e, e)) {
        out.splice(i - 1, 3,
          { kind: 'removed', sourceFrom: before.sourceFrom, sourceTo: after.sourceTo - e, quoteFrom: equal.quoteFrom, quoteTo: equal.quoteFrom },
          { kind: 'equal', sourceFrom: after.sourceTo - e, sourceTo: after.sourceTo, quoteFrom: equal.quoteFrom, quoteTo: equal.quoteTo });
      } else if (e <= before.sourceTo - before.sourceFrom && sameKeys(sourceKeys, equal.sourceFrom, before.sourceFrom, e)) {
        out.splice(i - 1, 3,
          { kind: 'equal', sourceFrom: before.sourceFrom, sourceTo: before.sourceFrom + e, quoteFrom: equal.quoteFrom, quoteTo: equal.quoteTo },
          { kind: 'removed', sourceFrom: before.sourceFrom + e, sourceTo: after.sourceTo, quoteFrom: equal.quoteTo, quoteTo: equal.quoteTo });
      } else {
        continue;
      }
      mergeEqualNeighbours(out);
      changed = true;
      break;
    }
  }
  return out;
}

/**
 * A removal between two equal runs can often slide ("the cat [and the] dog" or "the cat
 * and [the dog]" in repetitive text); put it where it starts and ends at clause edges,
 * as a person cutting the text would. Ties keep the diff's choice.
 */
function slideRemovalsToClauses(runs: Run[], sourceKeys: string[], startsClause: (sourceWord: number) => boolean): void {
  for (let i = 1; i + 1 < runs.length; i++) {
    const before = runs[i - 1]!;
    const removed = runs[i]!;
    const after = runs[i + 1]!;
    if (before.kind !== 'equal' || removed.kind !== 'removed' || after.kind !== 'equal') continue;
    let left = 0;
    while (left < before.sourceTo - before.sourceFrom && sourceKeys[before.sourceTo - 1 - left] === sourceKeys[removed.sourceTo - 1 - left]) left++;
    let right = 0;
    while (right < after.sourceTo - after.sourceFrom && sourceKeys[removed.sourceFrom + right] === sourceKeys[after.sourceFrom + right]) right++;
    if (left === 0 && right === 0) continue;
    const score = (shift: number) => (startsClause(removed.sourceFrom + shift) ? 1 : 0) + (startsClause(removed.sourceTo + shift) ? 1 : 0);
    let best = 0;
    let bestScore = score(0);
    for (let shift = -left; shift <= right; shift++) {
      const s = score(shift);
      if (s > bestScore) {
        best = shift;
        bestScore = s;
      }
    }
    if (best === 0) continue;
    before.sourceTo += best;
    before.quoteTo += best;
    removed.sourceFrom += best;
    removed.sourceTo += best;
    removed.quoteFrom += best;
    removed.quoteTo += best;
    after.sourceFrom += best;
    after.quoteFrom += best;
  }
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
function trimSourceEdges(runs: Run[], editorial: readonly boolean[]): Run[] {
  const out = runs.filter((r) => r.sourceTo > r.sourceFrom || r.quoteTo > r.quoteFrom);
  // the quoter's bracketed words insert; they never stand for source words
  const ownWords = (run: Run) => {
    let n = 0;
    for (let q = run.quoteFrom; q < run.quoteTo; q++) if (!editorial[q]) n++;
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
