/**
 * The one entry point: `compare(quote, source, options)` → Comparison (the contract in
 * docs/contract.md). A pure function of its inputs: it composes the stages
 *
 *   parse quotation → locate fragments → silent joins → align words → classify →
 *   context, notes, cues → verdict
 *
 * reading sources through the cache of prepared sources (source-cache.ts), which changes
 * only speed, never the result.
 */
import { alignWords, type Run } from './align.js';
import { readPastOcrErrors } from './ocr-readings.js';
import { clip, countStats, isPageFurniture, itemNotes, itemsFromRuns, itemsToSegments, type Item } from './classify.js';
import { findCues } from './cues.js';
import { judge } from './verdict.js';
import { findCandidates, positionsOfKeys, type Candidate, type PreparedSource } from './locate.js';
import { ownKeys, placePieces, type Piece, type QuoteWords } from './silent-joins.js';
import { isPrepared, preparedSourceFor, seenBefore } from './source-cache.js';
import { parseQuotation, parseQuotationInPieces, type ParsedQuotation } from './quotation.js';
import { quickRegion, tokenizeRegion } from './quick-locate.js';
import { contextEnd, contextStart, crossesSentenceEnd } from './sentences.js';
import { RATINGS, type CompareOptions, type Comparison, type Confidence, type Fragment, type Nearest, type Note, type Segment, type Span } from './types.js';

export type { CompareOptions, Comparison } from './types.js';
export { forgetPreparedSources, preparedSourceFor } from './source-cache.js';

const DEFAULT_CONTEXT_SENTENCES = 2;

/**
 * Compares a quotation (as printed, with its ellipses and brackets) with a source.
 * Never throws on any pair of strings; a quotation with no words is simply not found.
 *
 * @example compare('It was … the worst of times', 'It was the best of times, it was the worst of times')
 */
export function compare(quote: string, source: string, options: CompareOptions = {}): Comparison {
  const whole = compareReading(parseQuotation(quote), quote, source, options);
  // A quotation in pieces (`The committee "did … approve the budget"`) is read whole first:
  // a source may itself hold the quoted speech. The pieces reading is taken only when the
  // whole reading stumbles on the words outside the inner marks and the pieces read better.
  const inPieces = parseQuotationInPieces(quote);
  if (!inPieces || !stumblesOutside(whole, inPieces)) return whole;
  const pieces = compareReading(inPieces, quote, source, options);
  return readsBetter(pieces, whole) ? pieces : whole;
}

function compareReading(parsed: ParsedQuotation, quote: string, source: string, options: CompareOptions): Comparison {
  // A large source seen for the first time: prepare only where the quotation can stand,
  // and keep the answer only when the whole source could not have changed it.
  if (!isPrepared(source) && !seenBefore(source) && source.length >= (options.quickLocateAbove ?? QUICK_LOCATE_ABOVE)) {
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

/**
 * Does the whole reading fail on the words outside the inner quotation marks: are some of
 * them inserted, altered or not found (the writer's words, not the source's)?
 */
function stumblesOutside(whole: Comparison, inPieces: ParsedQuotation): boolean {
  const { outside } = inPieces;
  const { segments } = whole;
  const touches = (from: number, to: number) => outside.some((o) => from <= o.end && to >= o.start);
  if (whole.fragments.some((f) => !f.found && touches(f.quote.start, f.quote.end))) return true;
  return segments.some((segment) => {
    if ((segment.kind === 'insertion' || segment.kind === 'alteration') && segment.quote && (!segment.editorial || segment.notFound)) {
      return touches(segment.quote.start, segment.quote.end - 1);
    }
    // A silent cut beside them is no sign on its own: words the source holds around speech
    // are quoted, not the writer's, and their cut stays silent.
    return false;
  });
}

/** The pieces reading wins on a better rating, or the same rating with fewer changes. */
function readsBetter(pieces: Comparison, whole: Comparison): boolean {
  const rank = (c: Comparison) => RATINGS.indexOf(c.verdict.rating);
  if (rank(pieces) !== rank(whole)) return rank(pieces) > rank(whole);
  const changes = (c: Comparison) => c.stats.silentOmissions + c.stats.insertions + c.stats.alterations + c.fragments.filter((f) => !f.found).length;
  return changes(pieces) < changes(whole);
}

/** Sources below this many characters are always prepared whole (it costs under a few ms). */
const QUICK_LOCATE_ABOVE = 100_000;

function comparePrepared(parsed: ParsedQuotation, quote: string, source: string, prepared: PreparedSource, options: CompareOptions): Comparison {
  const sourceTokens = prepared.tokens;
  const quoteKeys = parsed.tokens.keys;

  const positions = positionsOfKeys(prepared, new Set(quoteKeys));

  // A source word starts a clause when punctuation or a line break stands before it.
  const startsClause = (word: number): boolean => {
    if (word <= 0 || word >= sourceTokens.count) return true;
    return /[,.;:!?\u2013\u2014)\]\n]/.test(source.slice(sourceTokens.ends[word - 1]!, sourceTokens.starts[word]!));
  };

  // Each fragment is placed; one that silently joins distant passages is cut into pieces,
  // each placed on its own (silent-joins.ts).
  const words: QuoteWords = { keys: quoteKeys, editorial: parsed.editorial };
  const { pieces, located } = placePieces(parsed.fragments, words, sourceTokens.keys, positions, startsClause);

  const notes: Note[] = [];
  const itemsOfPiece: Item[][] = pieces.map((piece, p) => {
    const region = located.regions[p];
    if (!region) {
      return [{ kind: 'insertion', fragment: piece.fragment, quoteFrom: piece.firstToken, quoteTo: piece.endToken, sourceFrom: 0, sourceTo: 0, editorial: false, notFound: true }];
    }
    let runs: Run[] | null = alignWords(quoteKeys, piece.firstToken, piece.endToken, sourceTokens.keys, region.start, region.end, startsClause, parsed.editorial);
    if (!runs) {
      const quoteSpan = { start: parsed.tokens.starts[piece.firstToken]!, end: parsed.tokens.ends[piece.endToken - 1]! };
      notes.push({ code: 'alignment-gave-up', message: 'This passage differs from its source too much to align word by word; it is shown as one alteration.', quote: quoteSpan });
      runs = [{ kind: 'removed', sourceFrom: region.start, sourceTo: region.end, quoteFrom: piece.firstToken, quoteTo: piece.firstToken },
        { kind: 'added', sourceFrom: region.end, sourceTo: region.end, quoteFrom: piece.firstToken, quoteTo: piece.endToken }];
    }
    const pieceItems = readPastOcrErrors(itemsFromRuns(runs, piece.fragment, parsed), quoteKeys, source, sourceTokens);
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
  // A quotation in pieces: two fragments of different quoted pieces have the writer's words
  // between them; each piece is a quotation of its own, so the cut between them shows and
  // their order is the writer's to choose.
  const acrossPieces = (a: number, b: number): boolean =>
    a !== b && parsed.fragments.slice(Math.min(a, b), Math.max(a, b)).some((f) => f.paraphraseAfter === true);
  let reordered = false;
  let piecesOutOfOrder = false;
  // pieces of one fragment out of the source's order: words moved with no ellipsis to show it
  const silentlyReordered = new Set<number>();
  for (let k = 1; k < placed.length; k++) {
    if (placed[k]!.range.from < placed[k - 1]!.range.to) {
      if (acrossPieces(placed[k]!.piece.fragment, placed[k - 1]!.piece.fragment)) {
        piecesOutOfOrder = true;
        continue;
      }
      reordered = true;
      if (placed[k]!.piece.fragment === placed[k - 1]!.piece.fragment) silentlyReordered.add(placed[k]!.piece.fragment);
    }
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
    const lastOwn = ownPieces[ownPieces.length - 1] === left.p;
    const mark = lastOwn ? leftFragment.markAfter : null;
    // between two quoted pieces the marks close and the writer's own words stand: that shows the cut
    const paraphrased = mark === null && ((lastOwn && leftFragment.paraphraseAfter === true) || acrossPieces(left.piece.fragment, right.piece.fragment));
    const adjacentInQuote = right.p > left.p && placedBefore[right.p] === placedBefore[left.p + 1];
    const gapFrom = left.range.to;
    const gapTo = right.range.from;
    const gapCharsFrom = sourceTokens.ends[gapFrom - 1]!;
    const gapCharsTo = sourceTokens.starts[gapTo]!;
    if (gapTo > gapFrom) {
      const marked = (mark !== null && (adjacentInQuote || reordered || piecesOutOfOrder)) || paraphrased;
      gapAfterPiece.set(left.p, { kind: 'omission', quoteFrom: 0, quoteTo: 0, sourceFrom: gapFrom, sourceTo: gapTo, marked, ...(marked && paraphrased ? { paraphrased: true } : {}) });
      if (marked && mark && mark.dots === 3 && !mark.bracketed && isEnglishAt(source, gapCharsFrom, gapCharsTo)
        && !/[\u2026\u22ef]{2}|\u22ef/.test(quote.slice(mark.start, mark.end)) && crossesSentenceEnd(source, gapCharsFrom, gapCharsTo)
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
  dropWordlessOmissions(items, segments, source);
  notes.push(...itemNotes(segments));
  notes.push(...caseChangeNotes(quote, source, parsed, items, sourceTokens));
  if (reordered) {
    notes.push({ code: 'reordered', message: 'The quotation joins passages in an order other than the source’s.' });
  }
  for (const f of silentlyReordered) {
    notes.push({ code: 'reordered', message: `“${clip(quote.slice(parsed.fragments[f]!.span.start, parsed.fragments[f]!.span.end))}” puts the source’s words in another order, with no ellipsis to show the join.`, quote: parsed.fragments[f]!.span });
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
  if (parsed.paraphrase.length > 0) stats.paraphrasedOmissions = items.filter((item) => item.paraphrased).length;
  // one finding is told once
  const told = new Set<string>();
  const uniqueNotes = notes.filter((note) => {
    const key = `${note.code}|${note.message}|${note.quote?.start ?? ''}|${note.source?.start ?? ''}`;
    if (told.has(key)) return false;
    told.add(key);
    return true;
  });
  notes.length = 0;
  notes.push(...uniqueNotes);
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
    editorialNotes: parsed.editorialNotes,
    paraphrase: parsed.paraphrase,
    ...(fragments.some((f) => f.found) ? {} : { nearest: nearestPassage(words, parsed.fragments, sourceTokens, positions) }),
  };
  return { ...judged, verdict: judge(judged, source, quote) };
}

/**
 * An omission with no word in its source text (two placements that met on the same
 * words) is no omission: its characters go to the segment before it in the source, and
 * it is dropped, so no "words left out: “”" is ever told.
 */
function dropWordlessOmissions(items: Item[], segments: Segment[], source: string): void {
  for (let k = segments.length - 1; k >= 0; k--) {
    const segment = segments[k]!;
    if (segment.kind !== 'omission' || !segment.source || /[\p{L}\p{N}]/u.test(source.slice(segment.source.start, segment.source.end))) continue;
    const { start, end } = segment.source;
    const before = segments.find((other) => other !== segment && other.source && other.source.end === start);
    if (before && end > start) {
      before.source!.end = end;
      before.sourceText = source.slice(before.source!.start, end);
    } else if (end > start) {
      const after = segments.find((other) => other !== segment && other.source && other.source.start === end);
      if (!after) continue; // nowhere to put its characters: keep the tiling
      after.source!.start = start;
      after.sourceText = source.slice(start, after.source!.end);
    }
    segments.splice(k, 1);
    items.splice(k, 1);
  }
}

const ENGLISH_WORD = /(?<![\p{L}])(?:the|and|of|to|in|is|was|that|it|he|she|they|with|for|as|his|her|not|be)(?![\p{L}])/giu;

/**
 * Is the text around a cut English? The four-dot convention (a full stop and an ellipsis
 * where a cut crosses a sentence end) is English practice; German, Russian, Chinese and
 * Japanese print three dots or their own marks.
 */
function isEnglishAt(source: string, from: number, to: number): boolean {
  const around = source.slice(Math.max(0, from - 300), Math.min(source.length, to + 300));
  const letters = around.match(/\p{L}/gu)?.length ?? 0;
  const latin = around.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (letters === 0 || latin / letters < 0.8 || /[äöüß]/i.test(around)) return false;
  const words = around.match(/\p{L}+/gu)?.length ?? 0;
  return (around.match(ENGLISH_WORD)?.length ?? 0) >= Math.max(1, words * 0.15);
}

/** The source passage sharing most of the quotation's words in order, for a quotation not found. */
function nearestPassage(words: QuoteWords, quoted: ReadonlyArray<{ firstToken: number; endToken: number }>, sourceTokens: { keys: string[]; starts: Int32Array; ends: Int32Array }, positions: Map<string, number[]>): Nearest | null {
  // the quoted words only: a quotation in pieces claims none of the writer's words around them
  const own = quoted.flatMap((f) => ownKeys(words, f.firstToken, f.endToken));
  const best = findCandidates(own, sourceTokens.keys, positions)[0];
  if (!best || best.matched === 0 || best.end <= best.start) return null;
  return { source: { start: sourceTokens.starts[best.start]!, end: sourceTokens.ends[best.end - 1]! }, sharedWords: best.matched, quoteWords: own.length };
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
  // a word the scan misread is no change, but not the same text either
  if (changedWords === 0 && !items.some((item) => item.ocrReading)) {
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
