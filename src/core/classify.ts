/**
 * Turns aligned runs into the contract's segments: match, omission (marked or silent),
 * insertion (editorial or not), alteration, and the context around the span; counts
 * the stats; and reports what the quoting conventions would object to as notes.
 *
 * Offsets: runs index words; this module turns them into UTF-16 offsets of the texts as
 * given. Segments tile each fragment of the quotation and the source span exactly: white
 * space and punctuation between words are cut after the last white space (see splitGap).
 *
 * Deliberately not here: locating (locate.ts) and word alignment (align.ts).
 */
import type { Run } from './align.js';
import type { ParsedQuotation } from './quotation.js';
import { splitGap, type Tokens } from './text.js';
import type { Note, Segment, Span, Stats } from './types.js';

/** One piece of a fragment's alignment before offsets are assigned. */
export interface Item {
  kind: 'match' | 'omission' | 'insertion' | 'alteration';
  /** omission only: a page header, footer or number on lines of its own */
  pageFurniture?: boolean;
  fragment?: number;
  /** quotation words [quoteFrom, quoteTo) */
  quoteFrom: number;
  quoteTo: number;
  /** source words [sourceFrom, sourceTo) */
  sourceFrom: number;
  sourceTo: number;
  marked?: boolean;
  /** omission between two quoted pieces of a quotation in pieces: the writer's own words stand there */
  paraphrased?: boolean;
  editorial?: boolean;
  /** editorial alteration of letter case only ("[T]he"): routine, never counted as a change */
  caseOnly?: boolean;
  /** insertion only: a fragment, or piece of one, that is not in the source */
  notFound?: boolean;
  /** match only: the source's word is the OCR's misreading of the quoted one (ocr-readings.ts) */
  ocrReading?: boolean;
}

/**
 * Items of one fragment from its runs: a change block (source-only and quotation-only
 * runs between two equal runs) becomes insertions for bracketed words, an alteration
 * where other words stand in place of source words, an insertion where they stand in
 * place of nothing, and a silent omission where source words stand in place of nothing.
 */
export function itemsFromRuns(runs: Run[], fragment: number, parsed: ParsedQuotation): Item[] {
  const items: Item[] = [];
  let i = 0;
  while (i < runs.length) {
    const run = runs[i]!;
    if (run.kind === 'equal') {
      pushEqual(items, run, fragment, parsed);
      i++;
      continue;
    }
    // gather one change block
    let sourceFrom = run.sourceFrom;
    let sourceTo = run.sourceFrom;
    let quoteFrom = run.quoteFrom;
    let quoteTo = run.quoteFrom;
    while (i < runs.length && runs[i]!.kind !== 'equal') {
      const r = runs[i]!;
      sourceTo = Math.max(sourceTo, r.sourceTo);
      quoteTo = Math.max(quoteTo, r.quoteTo);
      sourceFrom = Math.min(sourceFrom, r.sourceFrom);
      quoteFrom = Math.min(quoteFrom, r.quoteFrom);
      i++;
    }
    // The quotation side in stretches, bracketed or plain, in reading order. Bracketed means
    // the quoter shows the change: a group of its own ("[their]") or a word with a bracketed
    // part ("Stalin[’s]"). The first stretch stands for the source words (an alteration,
    // editorial when bracketed: "[their]" for "his" is one visible change, never a silent
    // cut); later stretches are insertions.
    const hasSource = sourceTo > sourceFrom;
    let sourceUsed = !hasSource;
    const blockItems: Item[] = [];
    const bracketed = (q: number) => parsed.editorial[q]! || parsed.bracketAltered[q]!;
    // a plain stretch takes the source words before a bracketed one does
    const plainTakesSource = hasSource && Array.from({ length: quoteTo - quoteFrom }, (_v, k) => quoteFrom + k).some((q) => !bracketed(q));
    for (let q = quoteFrom; q < quoteTo; ) {
      const isBracketed = bracketed(q);
      let end = q + 1;
      while (end < quoteTo && bracketed(end) === isBracketed) end++;
      if (!sourceUsed && (!isBracketed || !plainTakesSource)) {
        blockItems.push({ kind: 'alteration', fragment, quoteFrom: q, quoteTo: end, sourceFrom, sourceTo, ...(isBracketed ? { editorial: true } : {}) });
        sourceUsed = true;
      } else {
        blockItems.push({ kind: 'insertion', fragment, quoteFrom: q, quoteTo: end, sourceFrom, sourceTo: sourceFrom, editorial: isBracketed });
      }
      q = end;
    }
    if (!sourceUsed) {
      // source words left out where the quotation has nothing at all: a silent cut
      blockItems.unshift({ kind: 'omission', fragment, quoteFrom, quoteTo: quoteFrom, sourceFrom, sourceTo, marked: false });
    }
    items.push(...blockItems);
  }
  return items;
}

/** An equal run is a match, except words the quoter altered inside brackets ("[t]he"). */
function pushEqual(items: Item[], run: Run, fragment: number, parsed: ParsedQuotation): void {
  if (run.quoteTo - run.quoteFrom !== run.sourceTo - run.sourceFrom) {
    // a word split or joined ("Cen tral" for "Central"): one match as it stands
    items.push({ kind: 'match', fragment, quoteFrom: run.quoteFrom, quoteTo: run.quoteTo, sourceFrom: run.sourceFrom, sourceTo: run.sourceTo });
    return;
  }
  let q = run.quoteFrom;
  let s = run.sourceFrom;
  while (q < run.quoteTo) {
    const altered = parsed.bracketAltered[q]!;
    let end = q + 1;
    while (end < run.quoteTo && parsed.bracketAltered[end] === altered) end++;
    const n = end - q;
    // the same word in brackets: only its letter case changed ("[T]he" for "the")
    items.push(altered
      ? { kind: 'alteration', fragment, quoteFrom: q, quoteTo: end, sourceFrom: s, sourceTo: s + n, editorial: true, caseOnly: true }
      : { kind: 'match', fragment, quoteFrom: q, quoteTo: end, sourceFrom: s, sourceTo: s + n });
    q = end;
    s += n;
  }
}

/**
 * Assigns UTF-16 offsets so that the quotation-side items of each fragment tile the
 * fragment's span and the source-side items tile the source span.
 */
export function itemsToSegments(
  items: Item[],
  quote: string,
  quoteTokens: Tokens,
  fragmentSpans: Span[],
  source: string,
  sourceTokens: Tokens,
  span: Span | null,
): Segment[] {
  const segments: Segment[] = items.map((item) => {
    const segment: Segment = { kind: item.kind };
    if (item.fragment !== undefined) segment.fragment = item.fragment;
    if (item.kind === 'omission') segment.marked = item.marked ?? false;
    if (item.paraphrased) segment.paraphrased = true;
    if (item.pageFurniture) segment.pageFurniture = true;
    if (item.kind === 'insertion') segment.editorial = item.editorial ?? false;
    if (item.kind === 'alteration' && item.editorial) segment.editorial = true;
    if (item.caseOnly) segment.caseOnly = true;
    if (item.notFound) segment.notFound = true;
    if (item.ocrReading) segment.ocrReading = true;
    return segment;
  });

  // quotation side, fragment by fragment, in reading order
  const byFragment = new Map<number, number[]>();
  items.forEach((item, k) => {
    if (item.quoteTo > item.quoteFrom && item.fragment !== undefined) {
      const list = byFragment.get(item.fragment) ?? [];
      list.push(k);
      byFragment.set(item.fragment, list);
    }
  });
  for (const [fragment, list] of byFragment) {
    const fragmentSpan = fragmentSpans[fragment]!;
    let cursor = fragmentSpan.start;
    list.forEach((k, position) => {
      const item = items[k]!;
      const next = items[list[position + 1]!];
      const end = next ? splitGap(quote, quoteTokens.ends[item.quoteTo - 1]!, quoteTokens.starts[next.quoteFrom]!) : fragmentSpan.end;
      segments[k]!.quote = { start: cursor, end };
      cursor = end;
    });
  }

  // source side, in source order
  if (span) {
    const withSource = items
      .map((item, k) => ({ item, k }))
      .filter(({ item }) => item.sourceTo > item.sourceFrom)
      .sort((a, b) => a.item.sourceFrom - b.item.sourceFrom);
    let cursor = span.start;
    withSource.forEach(({ item, k }, position) => {
      const next = withSource[position + 1];
      const end = next ? splitGap(source, sourceTokens.ends[item.sourceTo - 1]!, sourceTokens.starts[next.item.sourceFrom]!) : span.end;
      segments[k]!.source = { start: cursor, end: Math.max(cursor, end) };
      cursor = Math.max(cursor, end);
    });
  }

  for (const segment of segments) {
    if (segment.quote) segment.quoteText = quote.slice(segment.quote.start, segment.quote.end);
    if (segment.source) segment.sourceText = source.slice(segment.source.start, segment.source.end);
  }
  return segments;
}

/** The contract's stats, from the segments and the word tokens. */
export function countStats(items: Item[]): Stats {
  const stats: Stats = { quotedWords: 0, omittedWords: 0, markedOmissions: 0, silentOmissions: 0, insertions: 0, alterations: 0, editorialChanges: 0 };
  for (const item of items) {
    switch (item.kind) {
      case 'match':
        stats.quotedWords += item.sourceTo - item.sourceFrom;
        break;
      case 'omission':
        if (item.pageFurniture) break;
        stats.omittedWords += item.sourceTo - item.sourceFrom;
        // a cut between quoted pieces shows (the marks close, the writer's words stand) but
        // no ellipsis marks it: counted apart, in paraphrasedOmissions
        if (item.paraphrased) break;
        if (item.marked) stats.markedOmissions++;
        else stats.silentOmissions++;
        break;
      case 'insertion':
      case 'alteration':
        // words not in the source at all are a finding of their own (fragment-not-found)
        if (item.notFound) break;
        // a bracketed change is the quoter's visible, legitimate edit: counted apart, and
        // a bracketed capital not at all
        if (item.caseOnly) stats.quotedWords += item.sourceTo - item.sourceFrom;
        else if (item.editorial) stats.editorialChanges++;
        else if (item.kind === 'insertion') stats.insertions++;
        else stats.alterations++;
        break;
    }
  }
  return stats;
}

/** Notes that follow from the items alone. */
export function itemNotes(segments: Segment[]): Note[] {
  const notes: Note[] = [];
  for (const s of segments) {
    if (s.kind === 'omission' && !s.marked && !s.pageFurniture) {
      notes.push({ code: 'silent-omission', message: `Words are left out here with no ellipsis: “${clip(s.sourceText ?? '')}”.`, ...(s.source ? { source: s.source } : {}) });
    }
    if (s.kind === 'insertion' && !s.editorial && !s.notFound && s.fragment !== undefined) {
      notes.push({ code: 'unbracketed-insertion', message: `The quotation adds “${clip(s.quoteText ?? '')}” without square brackets.`, ...(s.quote ? { quote: s.quote } : {}) });
    }
    if (s.kind === 'match' && s.ocrReading) {
      notes.push({ code: 'ocr-misreading', message: `The source’s text reads “${clip(s.sourceText ?? '', 40)}” where the quotation has “${clip(s.quoteText ?? '', 40)}”: by its shape, the scan’s misreading of the printed word, not a change.`, ...(s.quote ? { quote: s.quote } : {}), ...(s.source ? { source: s.source } : {}) });
    }
    if (s.kind === 'alteration' && !s.editorial) {
      notes.push({ code: 'unbracketed-alteration', message: `The quotation has “${clip(s.quoteText ?? '', 60)}” where the source has “${clip(s.sourceText ?? '', 60)}”, without square brackets.`, ...(s.quote ? { quote: s.quote } : {}), ...(s.source ? { source: s.source } : {}) });
    }
  }
  return notes;
}

export function clip(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const MAX_FURNITURE_WORDS = 12;

/**
 * Is this stretch of source words a page header, footer or page number that OCR left in
 * the running text? It must stand on lines of its own (a line break or form feed on both
 * sides), be short, and look the part: a bare number, capitals only, or a form feed by it.
 */
export function isPageFurniture(source: string, tokens: Tokens, from: number, to: number): boolean {
  if (to <= from || to - from > MAX_FURNITURE_WORDS) return false;
  const start = tokens.starts[from]!;
  const end = tokens.ends[to - 1]!;
  const before = source.slice(from > 0 ? tokens.ends[from - 1]! : Math.max(0, start - 200), start);
  const after = source.slice(end, to < tokens.count ? tokens.starts[to]! : source.length);
  if (!/[\n\f]\s*$/.test(before) || !/^[^\p{L}\p{N}]*[\n\f]/u.test(after)) return false;
  const text = source.slice(start, end);
  const formFeed = /\f/.test(before) || /\f/.test(after);
  const pageNumber = /(^|\s)\d{1,4}($|\s)/.test(text) || /^[ivxlc]+$/i.test(text.trim());
  const capitals = text === text.toUpperCase() && /\p{Lu}/u.test(text);
  return formFeed || pageNumber || capitals;
}
