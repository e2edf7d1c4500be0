/**
 * Choosing candidate passages of one fragment from their index scores, the same on every
 * engine (src/library/sqlite-index.ts, src/library/pg-library.ts): each passage joined with
 * its better-scoring neighbour, best windows first, no passage used twice. Pure; the
 * engines only say where a passage stands.
 */
import type { CandidatePassage } from './types.js';

export interface PassageScore {
  score: number;
  terms: number;
}

export interface Window {
  id: number;
  neighbour: number | undefined;
  score: number;
  terms: number;
}

/** At most `limit` items, taken evenly from the whole list (a long fragment's pairs from end to end). */
export function spread<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)]!);
}

/** One fragment's passages scored from its terms' postings, before any window is chosen. */
export interface FragmentScores {
  scores: Map<number, PassageScore>;
  /** terms in more than the rare limit of passages: too common to vote */
  common: string[];
  /** the summed weight of the terms that voted */
  weightTotal: number;
}

/**
 * Each rare term (in at most `rareLimit` passages; a reader asks for one more to tell)
 * votes for the passages holding it, weighted by its rarity, log(1 + passages / postings).
 */
export function scorePostings(postings: Iterable<{ term: string; ids: readonly number[] }>, passageTotal: number, rareLimit: number): FragmentScores {
  const scores = new Map<number, PassageScore>();
  const common: string[] = [];
  let weightTotal = 0;
  for (const { term, ids } of postings) {
    if (ids.length > rareLimit) {
      common.push(term);
      continue;
    }
    if (ids.length === 0) continue;
    const weight = Math.log(1 + passageTotal / ids.length);
    weightTotal += weight;
    for (const id of ids) {
      const hit = scores.get(id);
      if (hit) {
        hit.score += weight;
        hit.terms++;
      } else scores.set(id, { score: weight, terms: 1 });
    }
  }
  return { scores, common, weightTotal };
}

/** Only common terms voted: the passages holding `andTerms` of them at once, each with one vote. */
export function scoreCommonOnly(scored: FragmentScores, passagesHoldingAll: readonly number[], andTerms: number): void {
  for (const id of passagesHoldingAll) scored.scores.set(id, { score: 1, terms: Math.min(scored.common.length, andTerms) });
  scored.weightTotal = 1;
}

/** How many of a fragment's terms could vote at all. */
export function usableTerms(termCount: number, scored: FragmentScores, andTerms: number): number {
  return termCount - scored.common.length || Math.min(scored.common.length, andTerms);
}

/** Every scored passage with its better neighbour, best first. */
export function rankWindows(scores: Map<number, PassageScore>): Window[] {
  const windowed = [...scores].map(([id, hit]) => {
    const before = scores.get(id - 1);
    const after = scores.get(id + 1);
    const neighbour = (before?.score ?? 0) >= (after?.score ?? 0) ? (before ? id - 1 : undefined) : id + 1;
    const extra = neighbour === undefined ? undefined : scores.get(neighbour)!;
    return { id, neighbour, score: hit.score + (extra?.score ?? 0), terms: hit.terms + (extra?.terms ?? 0) };
  });
  return windowed.sort((a, b) => b.score - a.score || a.id - b.id);
}

/** The best `perFragment` windows as candidate passages; a neighbour in another source is left out. */
export function chooseWindows(
  fragment: number,
  windowed: Window[],
  scores: Map<number, PassageScore>,
  passageAt: (id: number) => { sourceId: number; start: number; end: number } | undefined,
  limits: { perFragment: number; usable: number; weightTotal: number },
): CandidatePassage[] {
  const chosen: CandidatePassage[] = [];
  const used = new Set<number>();
  for (const w of windowed) {
    if (chosen.length >= limits.perFragment) break;
    if (used.has(w.id)) continue;
    const row = passageAt(w.id);
    if (!row) continue;
    let { start, end } = row;
    let { score, terms } = w;
    if (w.neighbour !== undefined) {
      const other = passageAt(w.neighbour);
      if (other && other.sourceId === row.sourceId) {
        start = Math.min(start, other.start);
        end = Math.max(end, other.end);
        used.add(w.neighbour);
      } else {
        score = scores.get(w.id)!.score;
        terms = scores.get(w.id)!.terms;
      }
    }
    used.add(w.id);
    chosen.push({
      fragment,
      sourceId: row.sourceId,
      start,
      end,
      score: score / Math.max(limits.weightTotal, 1e-9),
      coverage: Math.min(1, terms / Math.max(limits.usable, 1)),
    });
  }
  return chosen;
}
