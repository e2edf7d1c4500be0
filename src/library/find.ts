/**
 * Find the source: where in the library does a quotation stand, and is it real?
 *
 * The index proposes a few passages for each fragment of the quotation (never the
 * engine over every source); the engine's compare() then runs on those passages only,
 * one region per candidate source, and its verdict decides what "found" means: a
 * quotation with a fragment that is in no source (partly-found) is never reported as
 * found. Fragments found in different works, none holding them all, are a chimera.
 *
 * The answer is the same for the CLI, the API and the page:
 * `{searched: {sources, characters}, found, summary, results: [{sourceId, title,
 * rating, summary, comparison, ...}], chimera?, nearest?}`, best first.
 */
import { compare } from '../core/compare.js';
import { parseQuotation } from '../core/quotation.js';
import { RATINGS, type Comparison, type Rating, type Span } from '../core/types.js';
import { UserError } from '../errors.js';
import { foldKey } from './shingles.js';
import { formatWhere, whereAt } from '../import/where.js';
import type { Where } from '../import/types.js';
import type { CandidatePassage, FragmentQuery, LibraryStore } from './types.js';
import { RATING_LOOKS } from '../present/verdict.js';

/** A quotation needs this many words to be searched for: fewer stand everywhere. */
export const MIN_FIND_WORDS = 4;
/** Quotations searched for are at most this long (a search, not a comparison of a whole chapter). */
export const MAX_FIND_QUOTE_BYTES = 20 * 1024;
/** Candidate passages asked of the index for each fragment. */
const PER_FRAGMENT = 4;
/** Sources the engine compares at most. */
const MAX_COMPARED = 3;
/** A source whose index score is below this share of the best one's is not worth the engine's time. */
const WEAK_SCORE = 0.25;
/**
 * A quotation stands in a source only when at least this share of its words are
 * reproduced there in runs of at least MIN_RUN words: the engine places a fragment
 * fuzzily (as an alteration), and a patchwork of common word pairs is not a finding.
 */
export const MIN_SIMILARITY = 0.6;
const MIN_RUN = 3;
/**
 * A quotation pieced together from phrases scattered over a page is not found there,
 * whatever the engine calls each piece: at most this many silent cuts and unbracketed
 * changes for every WORDS_PER_CHANGE words of the quotation (and at least two)...
 */
const WORDS_PER_CHANGE = 20;
/** ...and its reproduced runs at least this long on average, unless it is one run. */
const MIN_MEAN_RUN = 4;
/**
 * Below this share of a fragment's rarer word pairs, a passage cannot hold the fragment
 * as MIN_SIMILARITY asks (runs of three words keep two pairs in three), so the engine
 * is not run on it; when no passage reaches it, only the best one is compared, for the
 * nearest passage.
 */
const MIN_COVERAGE = 0.3;
/** Fragments searched at most: the longest, when a quotation has more. */
const MAX_FRAGMENTS = 40;
/** Characters of source around the candidate passages given to the engine, for its context. */
const REGION_MARGIN = 1500;
/** Candidate windows of one source further apart than this are compared apart: only the best cluster. */
const CLUSTER_GAP = 60_000;

export interface FoundPlace {
  sourceId: number;
  title: string;
  author?: string;
  rating: Rating;
  /** true when the engine's rating says the quotation stands here (not not-found or partly-found) */
  found: boolean;
  /** "Verbatim in Darwin, On the Origin of Species, ch. VI" */
  summary: string;
  /** share of the quotation's words this source reproduces, 0..1 */
  similarity: number;
  /** where the span stands, from the source's map of pages, chapters or headings */
  where?: Where;
  /** the stretch the quotation reproduces, with its text */
  passage?: { start: number; end: number; text: string };
  /** in the contract's shape, offsets into the whole source text */
  comparison: Comparison & { where?: Where };
}

export interface ChimeraPart {
  sourceId: number;
  title: string;
  /** the parts of the quotation found in this source (offsets into the quotation) */
  quote: Span[];
  text: string;
}

export interface FindResult {
  searched: { sources: number; characters: number };
  found: boolean;
  /** one plain sentence */
  summary: string;
  results: FoundPlace[];
  chimera?: { parts: ChimeraPart[] };
  /** when not found: the nearest passage the library holds, and how alike it is */
  nearest?: { sourceId: number; title: string; similarity: number; passage: { start: number; end: number; text: string } };
}


/** Checks a quotation for find; throws a UserError saying what is wrong. */
export function checkFindQuote(quote: unknown): asserts quote is string {
  if (typeof quote !== 'string') throw new UserError('The quotation must be text.');
  if (quote.trim() === '') throw new UserError(`The quotation is empty: give at least ${MIN_FIND_WORDS} words to search the library for.`);
  const bytes = Buffer.byteLength(quote, 'utf8');
  if (bytes > MAX_FIND_QUOTE_BYTES) {
    throw new UserError(`The quotation is ${Math.ceil(bytes / 1024)} KB; the library is searched for quotations up to ${MAX_FIND_QUOTE_BYTES / 1024} KB.`, 413);
  }
  const words = searchableWords(quote);
  if (words < MIN_FIND_WORDS) {
    throw new UserError(`The quotation has ${words === 0 ? 'no words' : words === 1 ? 'one word' : `${words} words`}: give at least ${MIN_FIND_WORDS} words to search the library for.`);
  }
}

function searchableWords(quote: string): number {
  const parsed = parseQuotation(quote);
  return parsed.tokens.keys.filter((key, i) => !parsed.editorial[i]).length;
}

/**
 * How a passage is compared with the quotation: the engine here by default (the CLI); the
 * web shell passes its compare pool, so no comparison runs on the server's main thread.
 */
export type PassageCompare = (quote: string, passage: string) => Promise<Comparison> | Comparison;

export async function findInLibrary(library: LibraryStore, quote: unknown, comparePassage: PassageCompare = compare): Promise<FindResult> {
  checkFindQuote(quote);
  const totals = await library.totals();
  if (totals.sources === 0) {
    throw new UserError('The library is empty: add sources first (npm run cli -- library add PATH, or the library page).', 409);
  }
  const searched = { sources: totals.sources, characters: totals.characters };
  const parsed = parseQuotation(quote);
  const queries: FragmentQuery[] = parsed.fragments
    .map((fragment, index) => ({
      fragment: index,
      keys: range(fragment.firstToken, fragment.endToken)
        .filter((t) => !parsed.editorial[t] && !parsed.bracketAltered[t])
        .map((t) => foldKey(parsed.tokens.keys[t]!)),
    }))
    .filter((q) => q.keys.length >= 2)
    .sort((a, b) => b.keys.length - a.keys.length)
    .slice(0, MAX_FRAGMENTS);
  const candidates = await library.index.candidates(queries, PER_FRAGMENT);

  const places: FoundPlace[] = [];
  const titles = new Map<number, { title: string; author?: string }>();
  const ranked = chooseSources(candidates);
  const bestScore = ranked[0]?.score ?? 0;
  const promising = (windows: CandidatePassage[]) => windows.some((w) => w.coverage >= MIN_COVERAGE);
  const anyPromising = ranked.some((r) => promising(r.windows));
  for (const [index, { sourceId, windows, score, fragmentTop }] of ranked.entries()) {
    if (anyPromising ? !promising(windows) : index > 0) continue;
    if (!fragmentTop && score < bestScore * WEAK_SCORE) continue;
    // once the quotation is found whole, weaker candidates cannot outrank it
    if (!fragmentTop && score < bestScore * 0.8 && places.some((p) => p.found && p.similarity >= 0.95)) continue;
    const source = await library.get(sourceId);
    if (!source) continue;
    titles.set(sourceId, { title: source.title, ...(source.author ? { author: source.author } : {}) });
    const region = regionOf(windows, source.text);
    const comparison = shiftComparison(await comparePassage(quote, source.text.slice(region.start, region.end)), region.start);
    const where = comparison.span ? whereAt(source.where, comparison.span.start) : undefined;
    // the map's entries hold page, chapter or heading (src/import/types.ts)
    if (where) comparison.where = where as Comparison['where'];
    const rating = comparison.verdict.rating;
    const { share, runs } = similarity(parsed.tokens.starts, parsed.editorial, comparison);
    const words = parsed.tokens.count;
    const changes = comparison.stats.silentOmissions + comparison.stats.alterations + comparison.stats.insertions;
    const patchwork = changes > Math.max(2, words / WORDS_PER_CHANGE) || (runs > 1 && (share * words) / runs < MIN_MEAN_RUN);
    const found = rating !== 'not-found' && rating !== 'partly-found' && share >= MIN_SIMILARITY && !patchwork;
    const place: FoundPlace = {
      sourceId,
      title: source.title,
      ...(source.author ? { author: source.author } : {}),
      rating,
      found,
      summary: found || rating === 'partly-found' || rating === 'not-found'
        ? `${RATING_LOOKS[rating].word} in ${label(source.title, source.author, where)}`
        : `Only ${Math.round(share * 100)}% of its words in ${label(source.title, source.author, where)}`,
      similarity: share,
      ...(where ? { where } : {}),
      comparison,
    };
    if (comparison.span) place.passage = { ...comparison.span, text: source.text.slice(comparison.span.start, comparison.span.end) };
    if (comparison.found) places.push(place);
  }
  places.sort((a, b) => Number(b.found) - Number(a.found) || rank(b.rating) - rank(a.rating) || b.similarity - a.similarity);

  const result: FindResult = { searched, found: places.some((p) => p.found), summary: '', results: places };
  if (result.found) {
    const best = places[0]!;
    const others = places.filter((p) => p.found).length - 1;
    result.summary = `${best.summary}.${others > 0 ? ` Also in ${others} other source${others === 1 ? '' : 's'}.` : ''}`;
    return result;
  }
  const chimera = chimeraOf(places, parsed.tokens.starts, parsed.tokens.ends, parsed.editorial, quote);
  if (chimera) {
    result.chimera = chimera;
    result.summary = `A chimera: no one source holds this quotation, but its parts stand in different works: ${chimera.parts
      .map((part) => `“${clip(part.text, 60)}” in ${part.title}`)
      .join('; ')}.`;
    return result;
  }
  const size = `${searched.sources.toLocaleString('en')} source${searched.sources === 1 ? '' : 's'}, ${searched.characters.toLocaleString('en')} characters searched`;
  const nearestPlace = places[0];
  if (nearestPlace && nearestPlace.passage) {
    result.nearest = { sourceId: nearestPlace.sourceId, title: nearestPlace.title, similarity: nearestPlace.similarity, passage: nearestPlace.passage };
  } else {
    const top = [...candidates].sort((a, b) => b.coverage - a.coverage)[0];
    if (top) {
      const text = (await library.text(top.sourceId, top.start, top.end)) ?? '';
      const title = titles.get(top.sourceId)?.title ?? (await library.get(top.sourceId))?.title ?? '';
      result.nearest = { sourceId: top.sourceId, title, similarity: round(top.coverage), passage: { start: top.start, end: top.end, text } };
    }
  }
  result.summary = `Not in the library (${size}).${
    result.nearest ? ` The nearest passage, in ${result.nearest.title}, shares ${Math.round(result.nearest.similarity * 100)}% of its words.` : ''
  }`;
  return result;
}

/** The sources to compare: the best overall, and the best for each fragment (so a chimera's parts are all seen). */
function chooseSources(candidates: CandidatePassage[]): Array<{ sourceId: number; windows: CandidatePassage[]; score: number; fragmentTop: boolean }> {
  const bySource = new Map<number, CandidatePassage[]>();
  for (const c of candidates) {
    const list = bySource.get(c.sourceId);
    if (list) list.push(c);
    else bySource.set(c.sourceId, [c]);
  }
  const scoreOf = (windows: CandidatePassage[]): number => {
    const best = new Map<number, number>();
    for (const w of windows) best.set(w.fragment, Math.max(best.get(w.fragment) ?? 0, w.score));
    return [...best.values()].reduce((a, b) => a + b, 0);
  };
  const ranked = [...bySource].map(([sourceId, windows]) => ({ sourceId, windows, score: scoreOf(windows) })).sort((a, b) => b.score - a.score);
  const chosen = new Set(ranked.slice(0, MAX_COMPARED).map((r) => r.sourceId));
  // the top source of every fragment too, for chimeras
  const fragmentTops = new Set<number>();
  for (const f of new Set(candidates.map((c) => c.fragment))) {
    const top = candidates.filter((c) => c.fragment === f).sort((a, b) => b.score - a.score)[0];
    if (top && fragmentTops.size < MAX_COMPARED) fragmentTops.add(top.sourceId);
  }
  return ranked
    .filter((r) => chosen.has(r.sourceId) || fragmentTops.has(r.sourceId))
    .map((r) => ({ ...r, fragmentTop: fragmentTops.has(r.sourceId) && !chosen.has(r.sourceId) }));
}

/**
 * The stretch of a source the engine reads: the best window of the best fragment,
 * joined by the best window of each other fragment that stands near it, with a margin.
 */
function regionOf(windows: CandidatePassage[], text: string): Span {
  const bestOfFragment = new Map<number, CandidatePassage>();
  for (const w of windows) {
    const known = bestOfFragment.get(w.fragment);
    if (!known || w.score > known.score) bestOfFragment.set(w.fragment, w);
  }
  const [first, ...others] = [...bestOfFragment.values()].sort((a, b) => b.score - a.score);
  let { start, end } = first!;
  for (const w of others) {
    if (w.start - end <= CLUSTER_GAP && start - w.end <= CLUSTER_GAP) {
      start = Math.min(start, w.start);
      end = Math.max(end, w.end);
    }
  }
  start = Math.max(0, start - REGION_MARGIN);
  end = Math.min(text.length, end + REGION_MARGIN);
  // never cut a word in two at the region's edges
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  while (end < text.length && !/\s/.test(text[end]!)) end++;
  return { start, end };
}

/** Moves every source offset of a comparison of a stretch to the whole source's offsets. */
export function shiftComparison(comparison: Comparison, by: number): Comparison & { where?: Where } {
  if (by === 0) return comparison;
  const shift = (span: Span | null | undefined): Span | null | undefined => (span ? { start: span.start + by, end: span.end + by } : span);
  return {
    ...comparison,
    span: shift(comparison.span) ?? null,
    fragments: comparison.fragments.map((f) => ({
      ...f,
      source: shift(f.source) ?? null,
      ...(f.alternatives ? { alternatives: f.alternatives.map((a) => ({ ...a, source: shift(a.source)! })) } : {}),
    })),
    segments: comparison.segments.map((s) => (s.source ? { ...s, source: shift(s.source)! } : s)),
    notes: comparison.notes.map((n) => (n.source ? { ...n, source: shift(n.source)! } : n)),
    cues: comparison.cues.map((c) => (c.source ? { ...c, source: shift(c.source)! } : c)),
  };
}

function label(title: string, author: string | undefined, where: Where | undefined): string {
  return [author, title, formatWhere(where)].filter((part) => part).join(', ');
}

/**
 * Share of the quotation's words that this comparison reproduces in runs of at least
 * MIN_RUN consecutive words (or the whole quotation, when shorter): its similarity.
 */
function similarity(starts: Int32Array, editorial: boolean[], comparison: Comparison): { share: number; runs: number } {
  const matches = comparison.segments.filter((s) => s.kind === 'match' && s.quote).map((s) => s.quote!);
  const words = range(0, starts.length).filter((i) => !editorial[i]);
  if (words.length === 0) return { share: 0, runs: 0 };
  const matched = words.map((i) => matches.some((m) => m.start <= starts[i]! && starts[i]! < m.end));
  let covered = 0;
  let runs = 0;
  for (let i = 0; i < matched.length; ) {
    if (!matched[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < matched.length && matched[j]) j++;
    if (j - i >= Math.min(MIN_RUN, words.length)) {
      covered += j - i;
      runs++;
    }
    i = j;
  }
  return { share: round(covered / words.length), runs };
}

/**
 * A chimera: no source holds the whole quotation, but two or more sources together
 * hold nearly all of its words (each part found in one of them).
 */
function chimeraOf(places: FoundPlace[], starts: Int32Array, ends: Int32Array, editorial: boolean[], quote: string): FindResult['chimera'] {
  const words = range(0, starts.length).filter((i) => !editorial[i]);
  if (words.length === 0) return undefined;
  const coveredBy = (place: FoundPlace): Set<number> => {
    const matches = place.comparison.segments.filter((s) => (s.kind === 'match' || s.kind === 'alteration') && s.quote).map((s) => s.quote!);
    return new Set(words.filter((i) => matches.some((m) => m.start <= starts[i]! && starts[i]! < m.end)));
  };
  const parts: ChimeraPart[] = [];
  const union = new Set<number>();
  for (const place of [...places].sort((a, b) => b.similarity - a.similarity)) {
    const covered = coveredBy(place);
    const fresh = [...covered].filter((i) => !union.has(i));
    if (fresh.length < 2) continue;
    fresh.forEach((i) => union.add(i));
    const spans = runsOf(fresh.sort((a, b) => a - b)).map(([first, last]) => ({ start: starts[first]!, end: ends[last]! }));
    parts.push({ sourceId: place.sourceId, title: place.title, quote: spans, text: spans.map((s) => quote.slice(s.start, s.end)).join(' … ') });
  }
  if (parts.length < 2 || union.size < words.length * 0.9) return undefined;
  return { parts };
}

/** Consecutive word indexes as [first, last] runs. */
function runsOf(indexes: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const i of indexes) {
    const last = runs[runs.length - 1];
    if (last && i === last[1] + 1) last[1] = i;
    else runs.push([i, i]);
  }
  return runs;
}

function rank(rating: Rating): number {
  return RATINGS.indexOf(rating);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1).trimEnd()}…`;
}
