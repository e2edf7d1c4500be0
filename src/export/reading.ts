/**
 * The neutral reading every exporter renders: the quotation and the source passage cut
 * into pieces that carry their segment's kind and text, plus the one-sentence summary
 * and the short verdict. Built from the Comparison alone (never a second diff), so the
 * HTML, Markdown, TEI and the rest cannot disagree about what was cut where.
 *
 * Deliberately no markup here: escaping belongs to each format.
 */
import type { Comparison, Segment, Span } from '../core/types.js';
import { tokenize } from '../core/text.js';
import type { ExportInput } from './types.js';

/** A piece of the quotation in quotation order. */
export type QuotePiece =
  /** quotation text no segment covers: spaces, punctuation, ellipsis marks, an unlocated fragment */
  | { kind: 'text'; text: string }
  | { kind: 'match'; text: string; segmentIndex: number }
  | { kind: 'insertion'; text: string; segmentIndex: number; editorial: boolean }
  /** `sourceText` is what the source has where the quotation has `text` */
  | { kind: 'alteration'; text: string; segmentIndex: number; sourceText: string }
  /** where the quotation leaves source text out; `text` is the omitted source text */
  | { kind: 'cut'; text: string; segmentIndex: number; marked: boolean; words: number };

/** A piece of the source passage (context through context) in source order. */
export type SourcePiece =
  /** source text no segment covers (usually white space between segments) */
  | { kind: 'text'; text: string }
  | { kind: 'context-before' | 'context-after' | 'match'; text: string; segmentIndex: number }
  | { kind: 'omission'; text: string; segmentIndex: number; marked: boolean; words: number }
  | { kind: 'alteration'; text: string; segmentIndex: number; quoteText: string };

export interface SourcePassage {
  pieces: SourcePiece[];
  /** UTF-16 offsets of the passage in the source: > 0 / < source.length means the source goes on */
  start: number;
  end: number;
}

/** Words as the engine counts them (so a cut's word count agrees with `stats`). "" → 0. */
export function countWords(text: string): number {
  return tokenize(text).count;
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

/** Ellipsis marks as the contract lists them: `...`, `…`, `. . .`, `[...]`, `[…]` (and four-dot forms). */
export const ELLIPSIS_PATTERN = /\[\s*(?:…|(?:\.\s*){3,4})\s*\]|(?:\.[ \u00a0]){2,3}\.|\.{3,4}|…/gu;

function slice(text: string, span: Span | undefined): string {
  return span ? text.slice(span.start, span.end) : '';
}

/**
 * The quotation in quotation order: every character of it exactly once (in `text`,
 * `match`, `insertion` or `alteration` pieces) except white space at either end, with a
 * `cut` piece wherever an omission falls. Segments are read in the comparison's order; a segment that would step back
 * over text already emitted (a reordered quotation) is clipped, never repeated.
 */
export function readQuotation(input: Pick<ExportInput, 'comparison' | 'quote' | 'source'>): QuotePiece[] {
  const { comparison, quote, source } = input;
  const pieces: QuotePiece[] = [];
  let quoteCursor = 0;
  const emitGap = (until: number): void => {
    if (until > quoteCursor) pieces.push({ kind: 'text', text: quote.slice(quoteCursor, until) });
    quoteCursor = Math.max(quoteCursor, until);
  };
  comparison.segments.forEach((segment, segmentIndex) => {
    if (segment.kind === 'omission') {
      const text = slice(source, segment.source);
      pieces.push({ kind: 'cut', text, segmentIndex, marked: segment.marked === true, words: countWords(text) });
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
export function readSourcePassage(input: Pick<ExportInput, 'comparison' | 'quote' | 'source'>): SourcePassage | null {
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
        pieces.push({ kind: 'omission', text, segmentIndex, marked: segment.marked === true, words: countWords(text) });
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

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Counts the summaries need beyond `stats`. */
export function tallyComparison(comparison: Comparison): {
  fragments: number;
  fragmentsNotFound: number;
  editorialInsertions: number;
  unbracketedInsertions: number;
} {
  const insertions = comparison.segments.filter((s) => s.kind === 'insertion');
  const editorialInsertions = insertions.filter((s) => s.editorial === true).length;
  return {
    fragments: comparison.fragments.length,
    fragmentsNotFound: comparison.fragments.filter((f) => !f.found).length,
    editorialInsertions,
    unbracketedInsertions: insertions.length - editorialInsertions,
  };
}

/**
 * One plain sentence (or two) saying what the comparison found, e.g.
 * "The quotation reproduces 57 words of the source and leaves out 31: 1 cut marked with
 * an ellipsis, 2 silent omissions. It adds 1 editorial insertion in square brackets."
 */
export function summariseComparison(comparison: Comparison): string {
  const { stats } = comparison;
  const tally = tallyComparison(comparison);
  if (!comparison.found) {
    return 'The quotation was not found in the source: none of its words could be located there.';
  }
  const sentences: string[] = [];
  if (tally.fragmentsNotFound > 0) {
    sentences.push(`${tally.fragmentsNotFound} of the quotation's ${plural(tally.fragments, 'fragment')} could not be located in the source.`);
  }
  let first = `The quotation reproduces ${plural(stats.quotedWords, 'word')} of the source`;
  if (stats.omittedWords === 0) {
    first += ' and leaves nothing out between its first and last word.';
  } else {
    const cuts = [
      stats.markedOmissions > 0 ? `${plural(stats.markedOmissions, 'cut')} marked with an ellipsis` : '',
      stats.silentOmissions > 0 ? `${plural(stats.silentOmissions, 'silent omission')} (no ellipsis)` : '',
    ].filter(Boolean);
    first += ` and leaves out ${stats.omittedWords}${cuts.length > 0 ? `: ${cuts.join(', ')}` : ''}.`;
  }
  sentences.push(first);
  const changes = [
    tally.editorialInsertions > 0 ? `${plural(tally.editorialInsertions, 'editorial insertion')} in square brackets` : '',
    tally.unbracketedInsertions > 0 ? `${plural(tally.unbracketedInsertions, 'insertion')} without brackets` : '',
    stats.alterations > 0 ? plural(stats.alterations, 'alteration') : '',
  ].filter(Boolean);
  if (changes.length > 0) sentences.push(`It has ${changes.join(', ')}.`);
  if (comparison.reordered) sentences.push('Its fragments stand in the source in a different order.');
  return sentences.join(' ');
}

/**
 * A short verdict for a rating (ClaimReview's `alternateName`), derived only from the
 * comparison: "Quoted out of context: 2 silent omissions", "Altered quotation: 1
 * alteration", "Accurate, with 1 marked cut", "Accurate quotation", "Not found in the source".
 */
export function verdictOf(comparison: Comparison): string {
  const { stats } = comparison;
  const tally = tallyComparison(comparison);
  if (!comparison.found) return 'Not found in the source';
  if (tally.fragmentsNotFound > 0) {
    return `Partly not found in the source: ${tally.fragmentsNotFound} of ${plural(tally.fragments, 'fragment')} missing`;
  }
  const changes = [
    stats.alterations > 0 ? plural(stats.alterations, 'alteration') : '',
    tally.unbracketedInsertions > 0 ? plural(tally.unbracketedInsertions, 'unbracketed insertion') : '',
  ].filter(Boolean);
  if (stats.silentOmissions > 0) {
    return `Quoted out of context: ${[plural(stats.silentOmissions, 'silent omission'), ...changes].join(', ')}`;
  }
  if (changes.length > 0) return `Altered quotation: ${changes.join(', ')}`;
  if (comparison.reordered) return 'Reordered quotation';
  const accurate = stats.markedOmissions > 0 ? `Accurate, with ${plural(stats.markedOmissions, 'marked cut')}` : 'Accurate quotation';
  // Cues are hints, not findings: they soften the verdict into "worth a look", never worsen it.
  const cues = comparison.cues?.length ?? 0;
  return cues > 0 ? `${accurate}; context worth a look (${plural(cues, 'cue')})` : accurate;
}

/** The export's title: the one given, else the case's, else a plain description. */
export function exportTitle(input: Pick<ExportInput, 'title' | 'case'>): string {
  return input.title?.trim() || input.case?.title.trim() || 'A quotation compared with its source';
}
