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
import { clip, countStats, itemNotes, itemsFromRuns, itemsToSegments, type Item } from './classify.js';
import { findCues } from './cues.js';
import { choosePlacement, findCandidates, positionsOfKeys, prepareSource, slackFor, type Candidate, type PreparedSource } from './locate.js';
import { parseQuotation, type ParsedQuotation } from './quotation.js';
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

const DEFAULT_CONTEXT_SENTENCES = 2;

/**
 * Compares a quotation (as printed, with its ellipses and brackets) with a source.
 * Never throws on any pair of strings; a quotation with no words is simply not found.
 *
 * @example compare('It was … the worst of times', 'It was the best of times, it was the worst of times')
 */
export function compare(quote: string, source: string, options: CompareOptions = {}): Comparison {
  const parsed = parseQuotation(quote);
  const prepared = preparedSourceFor(source);
  const sourceTokens = prepared.tokens;
  const quoteKeys = parsed.tokens.keys;

  const positions = positionsOfKeys(prepared, new Set(quoteKeys));
  const fragmentKeys = parsed.fragments.map((f) => quoteKeys.slice(f.firstToken, f.endToken));
  const candidates = fragmentKeys.map((keys) => findCandidates(keys, sourceTokens.keys, positions));
  const placement = choosePlacement(candidates, fragmentKeys.map((k) => k.length));
  const regions = refineRegions(placement.chosen, parsed, sourceTokens.keys);

  // A source word starts a clause when punctuation or a line break stands before it.
  const startsClause = (word: number): boolean => {
    if (word <= 0 || word >= sourceTokens.count) return true;
    return /[,.;:!?\u2013\u2014)\]\n]/.test(source.slice(sourceTokens.ends[word - 1]!, sourceTokens.starts[word]!));
  };

  // Align each located fragment inside its region.
  const notes: Note[] = [];
  const items: Item[] = [];
  const itemsOfFragment: Item[][] = [];
  const fragments: Fragment[] = parsed.fragments.map((fragment, f) => {
    const region = regions[f];
    const quoteSpan = fragment.span;
    if (!region) {
      const item: Item = { kind: 'insertion', fragment: f, quoteFrom: fragment.firstToken, quoteTo: fragment.endToken, sourceFrom: 0, sourceTo: 0, editorial: false };
      itemsOfFragment.push([item]);
      notes.push({ code: 'fragment-not-found', message: `“${clip(quote.slice(quoteSpan.start, quoteSpan.end))}” is not in the source.`, quote: quoteSpan });
      return { quote: quoteSpan, found: false, source: null };
    }
    let runs: Run[] | null = alignWords(quoteKeys, fragment.firstToken, fragment.endToken, sourceTokens.keys, region.start, region.end, startsClause);
    if (!runs) {
      notes.push({ code: 'alignment-gave-up', message: 'This fragment differs from its source too much to align word by word; it is shown as one alteration.', quote: quoteSpan });
      runs = [{ kind: 'removed', sourceFrom: region.start, sourceTo: region.end, quoteFrom: fragment.firstToken, quoteTo: fragment.firstToken },
        { kind: 'added', sourceFrom: region.end, sourceTo: region.end, quoteFrom: fragment.firstToken, quoteTo: fragment.endToken }];
    }
    const fragmentItems = itemsFromRuns(runs, f, parsed);
    itemsOfFragment.push(fragmentItems);
    return describeFragment(quote, source, quoteSpan, fragmentItems, sourceTokens, fragment.endToken - fragment.firstToken);
  });

  // Source order of the located fragments; gaps between them are the cuts.
  const located = fragments
    .map((fragment, f) => ({ fragment, f, range: sourceWordRange(itemsOfFragment[f]!) }))
    .filter((x): x is { fragment: Fragment; f: number; range: { from: number; to: number } } => x.fragment.found && x.range !== null);
  let reordered = false;
  for (let k = 1; k < located.length; k++) {
    if (located[k]!.range.from < located[k - 1]!.range.to) reordered = true;
  }
  const bySource = located.slice().sort((a, b) => a.range.from - b.range.from);
  const gapAfterFragment = new Map<number, Item>();
  for (let k = 1; k < bySource.length; k++) {
    const left = bySource[k - 1]!;
    const right = bySource[k]!;
    const leftFragment = parsed.fragments[left.f]!;
    const mark = leftFragment.markAfter;
    const gapFrom = left.range.to;
    const gapTo = right.range.from;
    const gapCharsFrom = sourceTokens.ends[gapFrom - 1]!;
    const gapCharsTo = sourceTokens.starts[gapTo]!;
    if (gapTo > gapFrom) {
      const marked = mark !== null && (left.f + 1 === right.f || reordered);
      gapAfterFragment.set(left.f, { kind: 'omission', quoteFrom: 0, quoteTo: 0, sourceFrom: gapFrom, sourceTo: gapTo, marked });
      if (marked && mark && mark.dots === 3 && !mark.bracketed && crossesSentenceEnd(source, gapCharsFrom, gapCharsTo)
        && !/[.!?]\s*$/.test(quote.slice(leftFragment.span.end - 1, mark.start))) {
        notes.push({ code: 'three-dot-sentence-cut', message: 'This cut crosses the end of a sentence; the convention marks that with four dots (a full stop and an ellipsis).', quote: { start: mark.start, end: mark.end } });
      }
    } else if (mark && left.f + 1 === right.f) {
      const between = source.slice(gapCharsFrom, gapCharsTo);
      if (/\.\s?\.\s?\.|\u2026/.test(between)) {
        notes.push({ code: 'source-ellipsis', message: 'The source itself has an ellipsis here; the quotation cuts nothing at this point.', quote: { start: mark.start, end: mark.end } });
      } else {
        notes.push({ code: 'spurious-ellipsis', message: 'An ellipsis stands here, but nothing of the source was left out at this point.', quote: { start: mark.start, end: mark.end } });
      }
    }
  }

  // Reading order: each fragment's items, the cut that follows it in the source after it.
  for (let f = 0; f < fragments.length; f++) {
    items.push(...itemsOfFragment[f]!);
    const gap = gapAfterFragment.get(f);
    if (gap) items.push(gap);
  }

  const span = spanOf(items, sourceTokens);
  const segments = itemsToSegments(items, quote, parsed.tokens, parsed.fragments.map((f) => f.span), source, sourceTokens, span);
  notes.push(...itemNotes(segments));
  notes.push(...caseChangeNotes(quote, source, parsed, items, sourceTokens));
  if (reordered) {
    notes.push({ code: 'reordered', message: 'The quotation joins passages in an order other than the source’s.' });
  }
  fragments.forEach((fragment, f) => {
    const alternatives = placement.alternatives[f]!
      .map((c) => candidateSpan(c, sourceTokens))
      .filter((s) => fragment.source && (s.end <= fragment.source.start || s.start >= fragment.source.end));
    if (fragment.found && alternatives.length > 0 && placement.chosen[f]) {
      fragment.alternatives = alternatives.map((s, k) => ({ source: s, score: placement.alternatives[f]![k]!.score }));
      notes.push({ code: 'ambiguous-placement', message: `This fragment also stands elsewhere in the source (${alternatives.length} more place${alternatives.length > 1 ? 's' : ''}); it is placed where it fits its neighbours.`, quote: fragment.quote });
    }
  });

  if (span) {
    const context = contextSpans(source, span, options);
    if (context.before) segments.unshift({ kind: 'context-before', source: context.before, sourceText: source.slice(context.before.start, context.before.end) });
    if (context.after) segments.push({ kind: 'context-after', source: context.after, sourceText: source.slice(context.after.start, context.after.end) });
  }

  const stats = countStats(items);
  const cues = findCues({ quote, source, segments, span });
  return {
    version: 1,
    found: fragments.some((f) => f.found),
    span,
    fragments,
    segments,
    stats,
    reordered,
    notes,
    cues,
  };
}

/**
 * Widens each chosen candidate by a couple of words so edge words the quoter changed
 * can pair up as alterations, without reaching into a neighbour's region.
 */
function refineRegions(chosen: Array<Candidate | null>, parsed: ParsedQuotation, sourceKeys: string[]): Array<{ start: number; end: number } | null> {
  const order = chosen
    .map((c, f) => ({ c, f }))
    .filter((x): x is { c: Candidate; f: number } => x.c !== null)
    .sort((a, b) => a.c.start - b.c.start);
  const regions: Array<{ start: number; end: number } | null> = chosen.map(() => null);
  order.forEach(({ c, f }, k) => {
    const fragment = parsed.fragments[f]!;
    const words = fragment.endToken - fragment.firstToken;
    const unmatched = words - c.matched;
    const widen = Math.min(slackFor(words), unmatched + 1);
    const floor = k > 0 ? order[k - 1]!.c.end : 0;
    const ceiling = k < order.length - 1 ? order[k + 1]!.c.start : sourceKeys.length;
    regions[f] = { start: Math.max(floor, Math.min(c.start, c.start - widen)), end: Math.min(ceiling, Math.max(c.end, c.end + widen)) };
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
    if (item.kind !== 'match') continue;
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
