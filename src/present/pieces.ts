/**
 * A comparison read in order, as every surface that prints it needs it: the quotation cut
 * into pieces that carry their segment's kind and text (the engine's ellipsis marks, and
 * the writer's own words around the quoted pieces of a quotation in pieces, as pieces of
 * their own, never found again by a pattern), and the source passage with what
 * was quoted, left out or altered. Built from the Comparison alone (never a second diff),
 * so the HTML, Markdown, TEI and the rest cannot disagree about what was cut where.
 *
 * Deliberately no markup here: escaping belongs to each format (./escape.ts).
 */
import type { Comparison, Segment, Span } from '../core/types.js';
import { countWords } from './words.js';

/** How every surface names the writer's words around quoted pieces (a legend entry, a screen reader's label). */
export const PARAPHRASE_LABEL = 'the writer’s own words, not quoted';
/** The short word shown with them where a label must be brief (a tag in exports, the CLI). */
export const PARAPHRASE_TAG = 'writer’s words';
/** How every surface names the cut between two quoted pieces. */
export const PARAPHRASED_CUT_LABEL = 'cut between quoted pieces';

/**
 * The writer's words around the quoted pieces in one line, the same on every plain-text
 * surface: "The writer’s own words, not quoted: “The committee”; “and called it”." "" when the
 * quotation is read whole.
 */
export function paraphraseLine(input: Pick<ComparedTexts, 'comparison' | 'quote'>): string {
  const spans = input.comparison.paraphrase ?? [];
  if (spans.length === 0) return '';
  const label = PARAPHRASE_LABEL.charAt(0).toUpperCase() + PARAPHRASE_LABEL.slice(1);
  return `${label}: ${spans.map((span) => `“${input.quote.slice(span.start, span.end).replace(/\s+/g, ' ')}”`).join('; ')}.`;
}

/** What reading a comparison needs: the comparison and the two texts its spans index. */
export interface ComparedTexts {
  comparison: Comparison;
  /** the quotation exactly as given */
  quote: string;
  /** the source exactly as given */
  source: string;
}

/** A piece of the quotation in quotation order. */
export type QuotePiece =
  /** quotation text no segment covers: spaces, punctuation, an unlocated fragment */
  | { kind: 'text'; text: string }
  /** an ellipsis mark, as the engine found it (comparison.ellipses) */
  | { kind: 'ellipsis'; text: string }
  /**
   * a quotation in pieces: the writer's own words around the quoted pieces, not quoted
   * (comparison.paraphrase); every surface shows them as such, never as an insertion
   */
  | { kind: 'paraphrase'; text: string }
  | { kind: 'match'; text: string; segmentIndex: number }
  | { kind: 'insertion'; text: string; segmentIndex: number; editorial: boolean }
  /** `sourceText` is what the source has where the quotation has `text` */
  | { kind: 'alteration'; text: string; segmentIndex: number; sourceText: string }
  /**
   * where the quotation leaves source text out; `text` is the omitted source text.
   * `paraphrased`: the cut between two quoted pieces, where the writer's words stand
   */
  | { kind: 'cut'; text: string; segmentIndex: number; marked: boolean; paraphrased: boolean; words: number };

/** A piece of the source passage (context through context) in source order. */
export type SourcePiece =
  /** source text no segment covers (usually white space between segments) */
  | { kind: 'text'; text: string }
  | { kind: 'context-before' | 'context-after' | 'match'; text: string; segmentIndex: number }
  | { kind: 'omission'; text: string; segmentIndex: number; marked: boolean; paraphrased: boolean; words: number }
  | { kind: 'alteration'; text: string; segmentIndex: number; quoteText: string };

export interface SourcePassage {
  pieces: SourcePiece[];
  /** UTF-16 offsets of the passage in the source: > 0 / < source.length means the source goes on */
  start: number;
  end: number;
}

/**
 * Splits text into its leading white space, its core and its trailing white space, so
 * markup can wrap the core alone (the engine's segments may carry a space at either end).
 */
export function splitEdges(text: string): [lead: string, core: string, trail: string] {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  return [match[1]!, match[2]!, match[3]!];
}

/** Does the source go on, with more than white space, before `start` / after `end`? */
export function sourceGoesOn(source: string, start: number, end: number): { before: boolean; after: boolean } {
  return { before: /\S/.test(source.slice(0, start)), after: /\S/.test(source.slice(end)) };
}

function slice(text: string, span: Span | undefined): string {
  return span ? text.slice(span.start, span.end) : '';
}

/**
 * The quotation in quotation order: every character of it exactly once (in `text`,
 * `match`, `insertion` or `alteration` pieces) except white space at either end, with a
 * `cut` piece wherever an omission falls. Segments are read in the comparison's order; a segment that would step back
 * over text already emitted (a reordered quotation) is clipped, never repeated.
 */
export function readQuotation(input: ComparedTexts): QuotePiece[] {
  const { comparison, quote, source } = input;
  const pieces: QuotePiece[] = [];
  let quoteCursor = 0;
  // The engine's ellipsis marks and the writer's words around quoted pieces, in order.
  const spans = [
    ...comparison.ellipses.map((span) => ({ span, kind: 'ellipsis' as const })),
    ...(comparison.paraphrase ?? []).map((span) => ({ span, kind: 'paraphrase' as const })),
  ].sort((a, b) => a.span.start - b.span.start);
  // Text no segment covers, with those as pieces of their own.
  const emitGap = (until: number): void => {
    for (const { span: mark, kind } of spans) {
      if (mark.end <= quoteCursor || mark.start < quoteCursor) continue;
      if (mark.end > until) break;
      if (mark.start > quoteCursor) pieces.push({ kind: 'text', text: quote.slice(quoteCursor, mark.start) });
      pieces.push({ kind, text: quote.slice(mark.start, mark.end) });
      quoteCursor = mark.end;
    }
    if (until > quoteCursor) pieces.push({ kind: 'text', text: quote.slice(quoteCursor, until) });
    quoteCursor = Math.max(quoteCursor, until);
  };
  comparison.segments.forEach((segment, segmentIndex) => {
    if (segment.kind === 'omission') {
      const text = slice(source, segment.source);
      if (segment.paraphrased) {
        // the cut between quoted pieces stands where the quotation marks close: after the
        // closing mark, just before the writer's words
        const next = comparison.segments.slice(segmentIndex + 1).find((s) => s.quote)?.quote?.start ?? quote.length;
        const words = (comparison.paraphrase ?? []).find((p) => p.start >= quoteCursor && p.end <= next);
        if (words) emitGap(words.start);
      }
      pieces.push({ kind: 'cut', text, segmentIndex, marked: segment.marked === true, paraphrased: segment.paraphrased === true, words: countWords(text) });
      return;
    }
    if (!segment.quote || (segment.kind !== 'match' && segment.kind !== 'insertion' && segment.kind !== 'alteration')) return;
    emitGap(segment.quote.start);
    const start = Math.max(segment.quote.start, quoteCursor);
    if (segment.quote.end <= start) return;
    const text = quote.slice(start, segment.quote.end);
    quoteCursor = segment.quote.end;
    if (segment.kind === 'match') pieces.push({ kind: 'match', text, segmentIndex });
    else if (segment.kind === 'insertion') pieces.push({ kind: 'insertion', text, segmentIndex, editorial: segment.editorial === true });
    else pieces.push({ kind: 'alteration', text, segmentIndex, sourceText: slice(source, segment.source) });
  });
  emitGap(quote.length);
  keepBracketsWithInsertions(pieces);
  // White space around the whole quotation (a file's final newline) is nobody's reading.
  const first = pieces[0];
  if (first?.kind === 'text') first.text = first.text.trimStart();
  const last = pieces[pieces.length - 1];
  if (last?.kind === 'text') last.text = last.text.trimEnd();
  return pieces.filter((piece) => piece.kind !== 'text' || piece.text !== '');
}

/**
 * An editorial insertion is its brackets and what they hold. When a neighbouring piece
 * ends with the opening "[" or starts with the closing "]" (a segment boundary drawn a
 * character off), the bracket moves into the insertion, so every format wraps the whole
 * "[as the]". Pieces still cover every character once.
 */
function keepBracketsWithInsertions(pieces: QuotePiece[]): void {
  pieces.forEach((piece, i) => {
    if (piece.kind !== 'insertion' || !piece.editorial) return;
    const before = pieces[i - 1];
    if (!/^\s*\[/.test(piece.text) && before && (before.kind === 'text' || before.kind === 'match')) {
      const open = /\[\s*$/.exec(before.text);
      if (open) {
        before.text = before.text.slice(0, open.index);
        piece.text = open[0] + piece.text;
      }
    }
    const after = pieces[i + 1];
    if (!/\]\s*$/.test(piece.text) && after && (after.kind === 'text' || after.kind === 'match')) {
      const close = /^\s*\]/.exec(after.text);
      if (close) {
        after.text = after.text.slice(close[0].length);
        piece.text += close[0];
      }
    }
  });
}

/**
 * The source passage in source order, from the start of the context before to the end
 * of the context after; null when the quotation was not found. Segments are sorted by
 * their source offsets, so a reordered quotation still shows the source as it stands.
 */
export function readSourcePassage(input: ComparedTexts): SourcePassage | null {
  const { comparison, quote, source } = input;
  if (!comparison.found || !comparison.span) return null;
  const located = comparison.segments
    .map((segment, segmentIndex) => ({ segment, segmentIndex }))
    .filter((entry): entry is { segment: Segment & { source: Span }; segmentIndex: number } =>
      entry.segment.source !== undefined && entry.segment.kind !== 'insertion',
    )
    .sort((a, b) => a.segment.source.start - b.segment.source.start || a.segmentIndex - b.segmentIndex);
  const start = Math.min(comparison.span.start, ...located.map((e) => e.segment.source.start));
  const end = Math.max(comparison.span.end, ...located.map((e) => e.segment.source.end));
  const pieces: SourcePiece[] = [];
  let sourceCursor = start;
  for (const { segment, segmentIndex } of located) {
    if (segment.source.start > sourceCursor) {
      pieces.push({ kind: 'text', text: source.slice(sourceCursor, segment.source.start) });
    }
    const pieceStart = Math.max(segment.source.start, sourceCursor);
    if (segment.source.end <= pieceStart) continue;
    const text = source.slice(pieceStart, segment.source.end);
    sourceCursor = segment.source.end;
    switch (segment.kind) {
      case 'omission':
        pieces.push({ kind: 'omission', text, segmentIndex, marked: segment.marked === true, paraphrased: segment.paraphrased === true, words: countWords(text) });
        break;
      case 'alteration':
        pieces.push({ kind: 'alteration', text, segmentIndex, quoteText: slice(quote, segment.quote) });
        break;
      case 'context-before':
      case 'context-after':
      case 'match':
        pieces.push({ kind: segment.kind, text, segmentIndex });
        break;
    }
  }
  if (end > sourceCursor) pieces.push({ kind: 'text', text: source.slice(sourceCursor, end) });
  return { pieces, start, end };
}

