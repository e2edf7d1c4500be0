/**
 * Turns a Comparison and its two texts into what the side-by-side page draws: runs of
 * text on each side with their kind, element ids that link each run to its
 * counterpart, fragment badges, the ordered list of differences (for n/p navigation),
 * density-strip marks, and the engine's verdict as src/present shows it.
 *
 * Deliberately not here: any HTML (views/partials/comparison.ejs renders the model and
 * escapes every text), any comparing (src/core/compare.ts), any I/O.
 *
 * Robust to what the engine may emit: segments are painted onto each text by offset,
 * so gaps (ellipsis marks, white space between segments), overlaps and reordered
 * fragments all render as text in its own order, each character exactly once.
 */
import { compare } from '../core/compare.js';
import { tokenize } from '../core/text.js';
import type { Comparison, Cue, Segment, Span, Stats } from '../core/types.js';
import { countsLine, countWords, excerpt, PARAPHRASE_LABEL, PARAPHRASED_CUT_LABEL, plural, presentVerdict, tally, type VerdictView } from '../present/index.js';

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export type SourceMode = 'region' | 'whole';

export interface ViewOptions {
  /** prefixes every element id, so several comparisons can share one page (e.g. "c0-") */
  idPrefix?: string;
  /** 'region' (default): the quoted span and its context; 'whole': the entire source */
  mode?: SourceMode;
  /** hide context and shorten long matching stretches of the source to their ends */
  onlyDifferences?: boolean;
  /** show exactly this stretch of the source (the debate view's shared region); overrides `mode` */
  region?: Span;
}

export type RunKind =
  /** quotation text reproducing the source (either side) */
  | 'match'
  /** source text around the span that the quotation does not reach */
  | 'context'
  /** source text beyond the context, shown only in 'whole' mode */
  | 'outside'
  | 'omission-marked'
  | 'omission-silent'
  | 'insertion-editorial'
  | 'insertion-unbracketed'
  /** quotation side: the quoted words; source side: the original words */
  | 'alteration'
  /** an ellipsis mark in the quotation (linked to its omission when there is one) */
  | 'ellipsis'
  /** a quotation in pieces: the writer's own words around the quoted pieces, not quoted (linked to the cut between pieces when there is one) */
  | 'paraphrase'
  /** quotation text of a fragment the engine did not find in the source */
  | 'unfound'
  /** any other text: white space between segments, punctuation the engine left out */
  | 'plain'
  /** zero-width marker in the quotation where words were cut without an ellipsis */
  | 'silent-cut'
  /** zero-width marker in the source where the quotation inserted words */
  | 'insertion-point'
  /** a fragment's number, drawn on both sides where the fragment starts */
  | 'badge';

export interface Run {
  kind: RunKind;
  text: string;
  /** element id, unique on the page */
  id?: string;
  /** element id of the run on the other side that this one stands for */
  counterpart?: string;
  /** 1-based fragment number, for runs inside a fragment and for badges */
  fragment?: number;
  /** 1-based position among the differences, on the run that n/p jumps to */
  difference?: number;
  /** what a screen reader says before the text, e.g. "silent omission" */
  label?: string;
  /** the other side's words: for an alteration, the source's on the quotation side and vice versa */
  otherText?: string;
  /** match only, source side: the source's word is its OCR's misreading of the quoted word (`otherText`) */
  ocrReading?: boolean;
  /** insertion-point only: whether the inserted words stand in square brackets */
  editorial?: boolean;
  /** omission only: the cut between two quoted pieces, where the writer's words stand in the quotation */
  paraphrased?: boolean;
  /** only-differences mode: the end of a shortened match, after `hiddenWords` words not shown */
  tail?: string;
  hiddenWords?: number;
}

export type DifferenceKind =
  | 'omission-marked'
  | 'omission-silent'
  | 'insertion-editorial'
  | 'insertion-unbracketed'
  | 'alteration'
  | 'unfound';

export interface Difference {
  /** 1-based, in reading order */
  number: number;
  kind: DifferenceKind;
  /** id of the element n/p focuses */
  targetId: string;
  /** e.g. "Silent omission: 6 words" */
  title: string;
  quoteText?: string;
  sourceText?: string;
}

export interface StripMark {
  kind: 'match' | 'omission-marked' | 'omission-silent' | 'alteration';
  /** position in the whole source, in thousandths of its length */
  top: number;
  height: number;
  href: string;
  label: string;
}

export interface SummaryView {
  stats: Stats;
  /** source words inside the span (quoted + omitted) */
  spanWords: number;
  /** share of the span's words left out, 0..100, rounded */
  omittedPercent: number;
  fragmentsTotal: number;
  fragmentsFound: number;
  reordered: boolean;
  /** the engine's verdict, with its icon and word (views/partials/verdict.ejs draws it) */
  verdict: VerdictView;
  /** the counts in one line, as every surface gives them */
  counts: string;
}

export interface ComparisonView {
  idPrefix: string;
  mode: SourceMode;
  onlyDifferences: boolean;
  quoteRuns: Run[];
  sourceRuns: Run[];
  differences: Difference[];
  /** density-strip marks; empty when the source is short enough to see whole */
  strip: StripMark[];
  /** the region shown is not the whole source: text was left out before / after it */
  sourceCutBefore: boolean;
  sourceCutAfter: boolean;
  summary: SummaryView;
  notes: Comparison['notes'];
  /** the comparison's cues, each with a link to the run it concerns when there is one */
  cues: Array<Cue & { href?: string }>;
}

/** Sources longer than this (UTF-16 units) get a density strip down their column. */
export const STRIP_MIN_SOURCE_LENGTH = 1500;
/** When nothing is found, 'region' mode shows this much of the source's start. */
const UNFOUND_PREVIEW_LENGTH = 2000;
/** only-differences mode shortens matches longer than this many words */
const COLLAPSE_MIN_WORDS = 14;
const COLLAPSE_KEEP_WORDS = 5;

/** Builds the view model of one comparison. Never throws on any Comparison of these texts. */
export function buildComparisonView(
  comparison: Comparison,
  quote: string,
  source: string,
  options: ViewOptions = {},
): ComparisonView {
  const idPrefix = options.idPrefix ?? '';
  const mode = options.mode ?? 'region';
  const onlyDifferences = options.onlyDifferences ?? false;
  const ids = idScheme(idPrefix);

  const differences: Difference[] = [];
  const quoteMarks: Marker[] = [];
  const sourceMarks: Marker[] = [];
  const quotePaint: Paint[] = [];
  const sourcePaint: Paint[] = [];

  // Fragments not found claim their quotation text first: whatever segment the engine
  // may also emit for it, the reader must see "not found".
  comparison.fragments.forEach((fragment, index) => {
    const number = index + 1;
    if (!fragment.found) {
      quotePaint.push({ span: fragment.quote, priority: 2, run: { kind: 'unfound', text: '', id: ids.unfound(number), fragment: number, label: `fragment ${number}, not found in the source` } });
      return;
    }
    quoteMarks.push({ at: fragment.quote.start, order: 0, run: { kind: 'badge', text: String(number), id: ids.quoteBadge(number), counterpart: ids.sourceBadge(number), fragment: number } });
    if (fragment.source) {
      sourceMarks.push({ at: fragment.source.start, order: 0, run: { kind: 'badge', text: String(number), id: ids.sourceBadge(number), counterpart: ids.quoteBadge(number), fragment: number } });
    }
  });

  // The engine's ellipsis marks, in quotation order: never looked for again here.
  const ellipses = [...comparison.ellipses].sort((a, b) => a.start - b.start);
  const linkedEllipses = new Set<number>();
  const ellipsisRun = new Map<number, Run>();
  // The writer's words around quoted pieces (a quotation in pieces), likewise.
  const paraphrase = [...(comparison.paraphrase ?? [])].sort((a, b) => a.start - b.start);
  const linkedParaphrase = new Set<number>();
  const paraphraseRun = new Map<number, Run>();
  let lastQuoteEnd = 0;
  let lastSourceEnd = comparison.span?.start ?? 0;

  // Differences are numbered in reading order: a segment's by its index, an unfound
  // fragment's just before the first segment that follows it in the quotation.
  const pendingDifferences: Array<{ order: number; difference: Omit<Difference, 'number'> }> = [];
  let currentOrder = 0;
  const addDifference = (difference: Omit<Difference, 'number'>): void => {
    pendingDifferences.push({ order: currentOrder, difference });
  };

  const unfoundSpans = comparison.fragments.filter((f) => !f.found).map((f) => f.quote);
  const withinUnfound = (span: Span | undefined): boolean =>
    span !== undefined && unfoundSpans.some((u) => span.start >= u.start && span.end <= u.end);

  comparison.segments.forEach((segment, index) => {
    currentOrder = index;
    // An unfound fragment is one difference, "not found"; whatever else the engine says of its words would only repeat it.
    if (withinUnfound(segment.quote) && !segment.source) return;
    const fragment = segment.fragment === undefined ? undefined : segment.fragment + 1;
    const quoteText = segment.quote ? slice(quote, segment.quote) : undefined;
    const sourceText = segment.source ? slice(source, segment.source) : undefined;
    switch (segment.kind) {
      case 'context-before':
      case 'context-after':
        if (segment.source) sourcePaint.push({ span: segment.source, priority: 0, run: { kind: 'context', text: '' } });
        break;
      case 'match':
        if (segment.quote) quotePaint.push({ span: segment.quote, priority: 1, run: { kind: 'match', text: '', id: ids.quote(index), counterpart: segment.source ? ids.source(index) : undefined, fragment } });
        if (segment.source) sourcePaint.push({ span: segment.source, priority: 1, run: { kind: 'match', text: '', id: ids.source(index), counterpart: segment.quote ? ids.quote(index) : undefined, fragment, ...(segment.ocrReading ? { ocrReading: true, otherText: quoteText } : {}) } });
        break;
      case 'omission': {
        if (!segment.source) break;
        const marked = segment.marked === true;
        const paraphrased = segment.paraphrased === true;
        const kind: RunKind = marked ? 'omission-marked' : 'omission-silent';
        const words = countWords(sourceText ?? '');
        const title = paraphrased
          ? `${capitalised(PARAPHRASED_CUT_LABEL)}: ${plural(words, 'word')} left out where the writer’s own words stand`
          : `${marked ? 'Marked omission' : 'Silent omission'}: ${plural(words, 'word')} left out${marked ? ', shown by an ellipsis' : ' with no ellipsis'}`;
        const sourceRun: Run = { kind, text: '', id: ids.source(index), counterpart: ids.quote(index), fragment, label: paraphrased ? `omitted, ${PARAPHRASED_CUT_LABEL}` : marked ? 'omitted, marked by an ellipsis' : 'omitted silently, no ellipsis', ...(paraphrased ? { paraphrased: true } : {}) };
        sourcePaint.push({ span: segment.source, priority: 1, run: sourceRun });
        const until = nextQuoteStart(comparison.segments, index) ?? quote.length;
        const paraphraseIndex = paraphrased ? ellipsisBetween(paraphrase, linkedParaphrase, lastQuoteEnd, until) : -1;
        const ellipsisIndex = marked && paraphraseIndex < 0 ? ellipsisBetween(ellipses, linkedEllipses, lastQuoteEnd, until) : -1;
        if (paraphraseIndex >= 0) {
          linkedParaphrase.add(paraphraseIndex);
          paraphraseRun.set(paraphraseIndex, { kind: 'paraphrase', text: '', id: ids.quote(index), counterpart: ids.source(index), label: PARAPHRASE_LABEL });
        } else if (ellipsisIndex >= 0) {
          linkedEllipses.add(ellipsisIndex);
          ellipsisRun.set(ellipsisIndex, { kind: 'ellipsis', text: '', id: ids.quote(index), counterpart: ids.source(index), label: 'ellipsis marking an omission' });
        } else {
          // No ellipsis to hang the counterpart on: mark the cut in the quotation itself.
          quoteMarks.push({ at: lastQuoteEnd, order: 1, run: { kind: 'silent-cut', text: marked ? '…' : '✂', id: ids.quote(index), counterpart: ids.source(index), label: marked ? 'cut here, marked' : 'cut here with no ellipsis' } });
        }
        addDifference({ kind, targetId: ids.source(index), title, sourceText });
        break;
      }
      case 'insertion': {
        if (!segment.quote) break;
        const editorial = segment.editorial === true;
        const kind: RunKind = editorial ? 'insertion-editorial' : 'insertion-unbracketed';
        const quoteRun: Run = { kind, text: '', id: ids.quote(index), counterpart: ids.source(index), fragment, label: editorial ? 'inserted in square brackets' : 'inserted without brackets' };
        quotePaint.push({ span: segment.quote, priority: 1, run: quoteRun });
        sourceMarks.push({ at: lastSourceEnd, order: 1, run: { kind: 'insertion-point', text: '⁁', id: ids.source(index), counterpart: ids.quote(index), otherText: quoteText, editorial, label: `the quotation inserts here: ${quoteText ?? ''}` } });
        addDifference({ kind, targetId: ids.quote(index), title: `${editorial ? 'Editorial insertion' : 'Insertion without brackets'}: “${quoteText ?? ''}”`, quoteText });
        break;
      }
      case 'alteration': {
        const quoteRun: Run | undefined = segment.quote ? { kind: 'alteration', text: '', id: ids.quote(index), counterpart: segment.source ? ids.source(index) : undefined, fragment, otherText: sourceText, label: 'altered' } : undefined;
        if (quoteRun && segment.quote) quotePaint.push({ span: segment.quote, priority: 1, run: quoteRun });
        if (segment.source) sourcePaint.push({ span: segment.source, priority: 1, run: { kind: 'alteration', text: '', id: ids.source(index), counterpart: segment.quote ? ids.quote(index) : undefined, fragment, otherText: quoteText, label: 'original words, altered in the quotation' } });
        addDifference({ kind: 'alteration', targetId: segment.quote ? ids.quote(index) : ids.source(index), title: `Alteration: “${quoteText ?? ''}” for “${sourceText ?? ''}”`, quoteText, sourceText });
        break;
      }
    }
    if (segment.quote) lastQuoteEnd = Math.max(lastQuoteEnd, segment.quote.end);
    if (segment.source && segment.kind !== 'context-before' && segment.kind !== 'context-after') lastSourceEnd = segment.source.end;
  });

  // Unfound fragments are differences too, in quotation order after the segments that precede them.
  comparison.fragments.forEach((fragment, index) => {
    if (fragment.found) return;
    const text = slice(quote, fragment.quote);
    const following = comparison.segments.findIndex((s) => s.quote !== undefined && s.quote.start >= fragment.quote.end);
    currentOrder = (following < 0 ? comparison.segments.length : following) - 0.5;
    addDifference({ kind: 'unfound', targetId: ids.unfound(index + 1), title: `Fragment ${index + 1} not found in the source: “${excerpt(text, 60)}”`, quoteText: text });
  });

  ellipses.forEach((span, index) => {
    quotePaint.push({ span, priority: 0, run: ellipsisRun.get(index) ?? { kind: 'ellipsis', text: '', label: 'ellipsis' } });
  });
  paraphrase.forEach((span, index) => {
    quotePaint.push({ span, priority: 0, run: paraphraseRun.get(index) ?? { kind: 'paraphrase', text: '', label: PARAPHRASE_LABEL } });
  });

  pendingDifferences
    .sort((a, b) => a.order - b.order)
    .forEach((pending, index) => differences.push({ ...pending.difference, number: index + 1 }));
  const numberByTarget = new Map(differences.map((d) => [d.targetId, d.number]));

  const quoteRuns = paint(quote, { start: 0, end: quote.length }, quotePaint, quoteMarks, 'plain');
  const region = options.region ?? shownRegion(comparison, source, mode);
  // Inside the quoted region, uncovered text is plain; beyond it (whole mode, or nothing
  // found) it is 'outside', muted further than context.
  const bounds = contextBounds(comparison);
  if (bounds) sourcePaint.push({ span: bounds, priority: -1, run: { kind: 'plain', text: '' } });
  let sourceRuns = paint(source, region, sourcePaint, sourceMarks, 'outside');
  for (const run of [...quoteRuns, ...sourceRuns]) {
    if (run.id && numberByTarget.has(run.id)) run.difference = numberByTarget.get(run.id);
  }
  if (onlyDifferences) sourceRuns = collapseForDifferences(sourceRuns);

  return {
    idPrefix,
    mode,
    onlyDifferences,
    quoteRuns,
    sourceRuns,
    differences,
    strip: source.length >= STRIP_MIN_SOURCE_LENGTH ? stripMarks(comparison, source.length, ids) : [],
    sourceCutBefore: region.start > 0,
    sourceCutAfter: region.end < source.length,
    summary: summarise(comparison),
    notes: comparison.notes ?? [],
    cues: (comparison.cues ?? []).map((cue) => ({ ...cue, href: cueTarget(cue, comparison, [...quoteRuns, ...sourceRuns], ids) })),
  };
}

/** The verdict and the numbers alone, for pages that list many comparisons. */
export function summarise(comparison: Comparison): SummaryView {
  const t = tally(comparison);
  return {
    stats: comparison.stats,
    spanWords: t.spanWords,
    omittedPercent: t.omittedPercent,
    fragmentsTotal: t.fragments,
    fragmentsFound: t.fragmentsFound,
    reordered: comparison.reordered === true,
    verdict: presentVerdict(comparison),
    counts: countsLine(comparison),
  };
}

// ---------------------------------------------------------------------------------
// Painting segments onto a text

interface Paint {
  span: Span;
  /** higher wins where paints overlap */
  priority: number;
  /** the run this paint produces; its text is filled in from the span */
  run: Run;
}

interface Marker {
  at: number;
  /** among markers at one offset: badges (0) before cut/insertion marks (1) */
  order: number;
  run: Run;
}

/**
 * Cuts `text[region]` at every paint and marker boundary and gives each piece the
 * highest-priority paint covering it (`fallback` where none does). Adjacent pieces of
 * one paint merge back, so a run is one segment's text (or one gap's).
 */
function paint(text: string, region: Span, paints: Paint[], markers: Marker[], fallback: RunKind): Run[] {
  const clamp = (n: number): number => Math.min(Math.max(n, region.start), region.end);
  const usable = paints
    .map((p, order) => ({ ...p, order, start: clamp(p.span.start), end: clamp(p.span.end) }))
    .filter((p) => p.end > p.start);
  const cuts = new Set<number>([region.start, region.end]);
  for (const p of usable) {
    cuts.add(p.start);
    cuts.add(p.end);
  }
  const usableMarkers = markers.filter((m) => m.at >= region.start && m.at <= region.end);
  for (const m of usableMarkers) cuts.add(m.at);
  const bounds = [...cuts].sort((a, b) => a - b);

  // Sweep: paints sorted by start; an active list is small (segments rarely overlap).
  const byStart = [...usable].sort((a, b) => a.start - b.start || a.order - b.order);
  const markersAt = new Map<number, Marker[]>();
  for (const m of usableMarkers) {
    const list = markersAt.get(m.at) ?? [];
    list.push(m);
    markersAt.set(m.at, list);
  }

  const runs: Run[] = [];
  let active: typeof usable = [];
  let next = 0;
  let current: { paint: (typeof usable)[number] | undefined; start: number } | undefined;
  const flush = (end: number): void => {
    if (!current || end <= current.start) return;
    const base: Run = current.paint ? { ...current.paint.run } : { kind: fallback, text: '' };
    base.text = text.slice(current.start, end);
    runs.push(base);
  };
  for (let i = 0; i < bounds.length; i++) {
    const at = bounds[i]!;
    while (next < byStart.length && byStart[next]!.start <= at) active.push(byStart[next++]!);
    active = active.filter((p) => p.end > at);
    const winner = active.reduce<(typeof usable)[number] | undefined>((best, p) => (!best || p.priority > best.priority || (p.priority === best.priority && p.order < best.order) ? p : best), undefined);
    const atMarkers = (markersAt.get(at) ?? []).sort((a, b) => a.order - b.order);
    if (atMarkers.length > 0 || !current || current.paint !== winner) {
      flush(at);
      for (const m of atMarkers) runs.push({ ...m.run });
      current = { paint: winner, start: at };
    }
  }
  flush(region.end);
  return runs;
}

function shownRegion(comparison: Comparison, source: string, mode: SourceMode): Span {
  if (mode === 'whole') return { start: 0, end: source.length };
  const bounds = contextBounds(comparison);
  if (bounds) return bounds;
  if (source.length <= UNFOUND_PREVIEW_LENGTH) return { start: 0, end: source.length };
  const cut = source.lastIndexOf(' ', UNFOUND_PREVIEW_LENGTH);
  return { start: 0, end: cut > UNFOUND_PREVIEW_LENGTH / 2 ? cut : UNFOUND_PREVIEW_LENGTH };
}

/** The source text any segment covers (context included); undefined when none does. */
function contextBounds(comparison: Comparison): Span | undefined {
  let start = Infinity;
  let end = -Infinity;
  for (const segment of comparison.segments) {
    if (!segment.source) continue;
    start = Math.min(start, segment.source.start);
    end = Math.max(end, segment.source.end);
  }
  if (comparison.span) {
    start = Math.min(start, comparison.span.start);
    end = Math.max(end, comparison.span.end);
  }
  return Number.isFinite(start) && end >= start ? { start, end } : undefined;
}

// ---------------------------------------------------------------------------------
// Ellipses, differences, strip

function ellipsisBetween(ellipses: Span[], taken: Set<number>, from: number, to: number): number {
  return ellipses.findIndex((e, i) => !taken.has(i) && e.start >= from && e.end <= Math.max(to, from));
}

function nextQuoteStart(segments: Segment[], after: number): number | undefined {
  for (let i = after + 1; i < segments.length; i++) {
    const q = segments[i]!.quote;
    if (q) return q.start;
  }
  return undefined;
}

function stripMarks(comparison: Comparison, sourceLength: number, ids: IdScheme): StripMark[] {
  const marks: StripMark[] = [];
  const scale = (n: number): number => Math.round((1000 * n) / sourceLength);
  comparison.segments.forEach((segment, index) => {
    if (!segment.source) return;
    let kind: StripMark['kind'];
    let label: string;
    if (segment.kind === 'match') {
      kind = 'match';
      label = `quoted text${segment.fragment !== undefined ? ` (fragment ${segment.fragment + 1})` : ''}`;
    } else if (segment.kind === 'omission') {
      kind = segment.marked ? 'omission-marked' : 'omission-silent';
      label = segment.marked ? 'marked omission' : 'silent omission';
    } else if (segment.kind === 'alteration') {
      kind = 'alteration';
      label = 'alteration';
    } else {
      return;
    }
    const top = scale(segment.source.start);
    marks.push({ kind, top, height: Math.max(4, scale(segment.source.end) - top), href: `#${ids.source(index)}`, label });
  });
  return marks;
}

/** The run a cue is about: its segment's source side (or quotation side), if that run is shown. */
function cueTarget(cue: Cue, comparison: Comparison, runs: Run[], ids: IdScheme): string | undefined {
  if (cue.segment === undefined) return undefined;
  const segment = comparison.segments[cue.segment];
  if (!segment) return undefined;
  const candidates = [ids.source(cue.segment), ids.quote(cue.segment)];
  const shown = candidates.find((id) => runs.some((r) => r.id === id));
  return shown ? `#${shown}` : undefined;
}

function collapseForDifferences(runs: Run[]): Run[] {
  const kept: Run[] = [];
  for (const run of runs) {
    if (run.kind === 'context' || run.kind === 'outside') continue;
    if (run.kind !== 'match') {
      kept.push(run);
      continue;
    }
    const words = tokenize(run.text);
    if (words.count < COLLAPSE_MIN_WORDS) {
      kept.push(run);
      continue;
    }
    const headEnd = words.ends[COLLAPSE_KEEP_WORDS - 1]!;
    const tailStart = words.starts[words.count - COLLAPSE_KEEP_WORDS]!;
    kept.push({ ...run, text: run.text.slice(0, headEnd), tail: run.text.slice(tailStart), hiddenWords: words.count - 2 * COLLAPSE_KEEP_WORDS });
  }
  return kept;
}

// ---------------------------------------------------------------------------------
// Small helpers

interface IdScheme {
  quote(segment: number): string;
  source(segment: number): string;
  quoteBadge(fragment: number): string;
  sourceBadge(fragment: number): string;
  unfound(fragment: number): string;
}

function idScheme(prefix: string): IdScheme {
  return {
    quote: (segment) => `${prefix}q${segment}`,
    source: (segment) => `${prefix}s${segment}`,
    quoteBadge: (fragment) => `${prefix}qf${fragment}`,
    sourceBadge: (fragment) => `${prefix}sf${fragment}`,
    unfound: (fragment) => `${prefix}qu${fragment}`,
  };
}

function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

// ---------------------------------------------------------------------------------
// The debate view: several quotations of one source

export interface HeatRun {
  text: string;
  /** how many quotations reproduce this text (match or alteration) */
  count: number;
  /** 0-based indexes of those quotations */
  quotedBy: number[];
}

export interface Lane {
  /** 0-based quotation index */
  index: number;
  /** each quotation's own side by side, its source runs cut to the shared region */
  view: ComparisonView;
}

export interface DebateView {
  /** the source over the stretch any quotation reaches (with context), by how many quotations reproduce each part */
  heatRuns: HeatRun[];
  quotationCount: number;
  /** the highest count in heatRuns */
  maxCount: number;
  lanes: Lane[];
  sourceCutBefore: boolean;
  sourceCutAfter: boolean;
}

/**
 * Lines several comparisons of one source up: a heat map of the source (how many
 * quotations reproduce each stretch) and one lane per quotation, each showing the
 * same stretch of the source as that quotation treats it.
 */
export function buildDebateView(
  entries: Array<{ comparison: Comparison; quote: string }>,
  source: string,
  options: Pick<ViewOptions, 'onlyDifferences'> = {},
): DebateView {
  let start = Infinity;
  let end = -Infinity;
  for (const { comparison } of entries) {
    const bounds = contextBounds(comparison);
    if (!bounds) continue;
    start = Math.min(start, bounds.start);
    end = Math.max(end, bounds.end);
  }
  const region: Span = Number.isFinite(start) ? { start, end } : shownRegion(entries[0]?.comparison ?? emptyComparison(), source, 'region');

  const quotedSpans = entries.map(({ comparison }) =>
    comparison.segments.filter((s) => (s.kind === 'match' || s.kind === 'alteration') && s.source).map((s) => s.source as Span),
  );
  const cuts = new Set<number>([region.start, region.end]);
  for (const spans of quotedSpans) {
    for (const span of spans) {
      if (span.start > region.start && span.start < region.end) cuts.add(span.start);
      if (span.end > region.start && span.end < region.end) cuts.add(span.end);
    }
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const heatRuns: HeatRun[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const pieceStart = bounds[i]!;
    const pieceEnd = bounds[i + 1]!;
    const quotedBy = quotedSpans.flatMap((spans, index) => (spans.some((s) => s.start <= pieceStart && s.end >= pieceEnd) ? [index] : []));
    const previous = heatRuns[heatRuns.length - 1];
    if (previous && previous.quotedBy.join() === quotedBy.join()) previous.text += source.slice(pieceStart, pieceEnd);
    else heatRuns.push({ text: source.slice(pieceStart, pieceEnd), count: quotedBy.length, quotedBy });
  }

  const lanes = entries.map(({ comparison, quote }, index) => ({
    index,
    view: buildComparisonView(comparison, quote, source, { idPrefix: `c${index}-`, region, onlyDifferences: options.onlyDifferences }),
  }));
  return {
    heatRuns,
    quotationCount: entries.length,
    maxCount: heatRuns.reduce((max, run) => Math.max(max, run.count), 0),
    lanes,
    sourceCutBefore: region.start > 0,
    sourceCutAfter: region.end < source.length,
  };
}

function emptyComparison(): Comparison {
  // the engine's own answer for nothing against nothing, verdict included
  return compare('', '');
}
