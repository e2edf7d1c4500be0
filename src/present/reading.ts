/**
 * The passage read through: the source from the context before to the context after, in
 * the comparison's order, with what the quotation left out, added and altered inline —
 * as the CLI's text output and the exercise show it — and the changes listed by kind, as
 * the answer sheet shows them. Built from the Comparison alone, with the same rules as
 * the counts (src/present/words.ts) and the engine's stats: a cut of page furniture is
 * no omission, a bracketed capital no change, bracketed changes are counted apart.
 *
 * A quotation in pieces: the writer's words around its quoted pieces come as `paraphrase`
 * pieces where they stand, and the cut between two pieces is a `paraphrased` cut.
 *
 * Deliberately no markup: the CLI renders these pieces as plain text (plainReading,
 * below), the exercise's views as HTML with escaping.
 */
import type { ComparedTexts } from './pieces.js';
import { PARAPHRASE_TAG, splitEdges } from './pieces.js';
import { countWords, type CountedChange } from './words.js';

/** A piece of the passage read through. `segmentIndex` indexes comparison.segments. */
export type ReadThroughPiece =
  /** source text between two segments; `words` when it holds letters or digits (not only spaces and punctuation) */
  | { kind: 'gap'; text: string; words: boolean }
  | { kind: 'context-before' | 'context-after'; text: string; segmentIndex: number }
  /** quoted words, as the source has them */
  | { kind: 'match'; text: string; segmentIndex: number }
  /**
   * source words the quotation leaves out: `marked` by an ellipsis or not; `pageFurniture`
   * a page header or number OCR left in the source, which no count treats as an omission
   */
  | { kind: 'cut'; text: string; segmentIndex: number; marked: boolean; pageFurniture: boolean; words: number; paraphrased: boolean }
  /**
   * a quotation in pieces: the writer's own words around the quoted pieces, as the
   * quotation prints them (not quoted, not the source's), where they stand in its reading
   */
  | { kind: 'paraphrase'; text: string }
  /** words the quotation adds: in square brackets (`editorial`), or not in the source at all (`notFound`) */
  | { kind: 'insertion'; text: string; segmentIndex: number; editorial: boolean; notFound: boolean }
  /** the quotation's words where the source has `sourceText`; `caseOnly`: a bracketed capital, no change */
  | { kind: 'alteration'; text: string; sourceText: string; segmentIndex: number; editorial: boolean; caseOnly: boolean };

const HAS_WORDS = /[\p{L}\p{N}]/u;

/**
 * The passage in the comparison's order (context before, the quotation's segments,
 * context after), with the source text between segments as `gap` pieces.
 */
export function readThrough(input: ComparedTexts): ReadThroughPiece[] {
  const { comparison, quote, source } = input;
  const pieces: ReadThroughPiece[] = [];
  let cursor = -1;
  const gapBefore = (start: number): void => {
    if (cursor >= 0 && start > cursor) {
      const text = source.slice(cursor, start);
      pieces.push({ kind: 'gap', text, words: HAS_WORDS.test(text) });
    }
  };
  // the writer's words around quoted pieces, each before the first segment of the quotation after it
  const paraphrase = [...(comparison.paraphrase ?? [])].sort((a, b) => a.start - b.start);
  let nextParaphrase = 0;
  const paraphraseBefore = (at: number): void => {
    while (nextParaphrase < paraphrase.length && paraphrase[nextParaphrase]!.end <= at) {
      const span = paraphrase[nextParaphrase++]!;
      pieces.push({ kind: 'paraphrase', text: quote.slice(span.start, span.end) });
    }
  };
  comparison.segments.forEach((segment, segmentIndex) => {
    const quoteText = segment.quote ? quote.slice(segment.quote.start, segment.quote.end) : '';
    if (segment.quote) paraphraseBefore(segment.quote.start);
    if (segment.kind === 'insertion') {
      if (quoteText !== '') pieces.push({ kind: 'insertion', text: quoteText, segmentIndex, editorial: segment.editorial === true, notFound: segment.notFound === true });
      return;
    }
    if (!segment.source) return;
    const text = source.slice(segment.source.start, segment.source.end);
    gapBefore(segment.source.start);
    cursor = Math.max(cursor, segment.source.end);
    if (text === '' && segment.kind !== 'alteration') return;
    switch (segment.kind) {
      case 'context-before':
      case 'context-after':
      case 'match':
        pieces.push({ kind: segment.kind, text, segmentIndex });
        break;
      case 'omission':
        pieces.push({ kind: 'cut', text, segmentIndex, marked: segment.marked === true, pageFurniture: segment.pageFurniture === true, words: countWords(text), paraphrased: segment.paraphrased === true });
        break;
      case 'alteration':
        pieces.push({ kind: 'alteration', text: quoteText, sourceText: text, segmentIndex, editorial: segment.editorial === true, caseOnly: segment.caseOnly === true });
        break;
    }
  });
  // after the context: words the writer put after the last quoted piece
  const contextAfter = pieces.findIndex((p) => p.kind === 'context-after');
  if (contextAfter >= 0 && nextParaphrase < paraphrase.length) {
    const rest = pieces.splice(contextAfter);
    paraphraseBefore(quote.length);
    pieces.push(...rest);
  } else paraphraseBefore(quote.length);
  return pieces;
}

/** What a piece counts as, with the stats' rules; undefined for what no count includes. */
export type ChangeKind = CountedChange | 'notFound';

export function changeKind(piece: ReadThroughPiece): ChangeKind | undefined {
  switch (piece.kind) {
    case 'cut':
      return piece.pageFurniture ? undefined : piece.paraphrased ? 'paraphrasedOmissions' : piece.marked ? 'markedOmissions' : 'silentOmissions';
    case 'insertion':
      return piece.notFound ? 'notFound' : piece.editorial ? 'editorialChanges' : 'insertions';
    case 'alteration':
      return piece.caseOnly ? undefined : piece.editorial ? 'editorialChanges' : 'alterations';
    default:
      return undefined;
  }
}

export interface ChangeItem {
  /** the quotation's words (insertions, alterations), or the source's words left out (omissions) */
  text: string;
  /** alterations: what the source has instead */
  sourceText?: string;
}

export interface ChangeGroup {
  kind: ChangeKind;
  /** "Silent omissions": the kind's name as the counts line says it */
  heading: string;
  items: ChangeItem[];
}

const HEADINGS: Record<ChangeKind, string> = {
  markedOmissions: 'Marked omissions',
  paraphrasedOmissions: 'Cuts between quoted pieces',
  silentOmissions: 'Silent omissions',
  insertions: 'Insertions without brackets',
  alterations: 'Alterations without brackets',
  editorialChanges: 'Editorial changes in brackets',
  notFound: 'Not in the source at all',
};

/**
 * The changes of a comparison by kind, in reading order within each kind; every group is
 * there, empty or not, except `notFound` (only when some words are not in the source).
 * Each group's length is the matching count of `stats`.
 */
export function changeGroups(pieces: ReadThroughPiece[]): ChangeGroup[] {
  const groups = new Map<ChangeKind, ChangeGroup>(
    (Object.keys(HEADINGS) as ChangeKind[]).map((kind) => [kind, { kind, heading: HEADINGS[kind], items: [] }]),
  );
  for (const piece of pieces) {
    const kind = changeKind(piece);
    if (kind === undefined) continue;
    const item: ChangeItem = { text: piece.text.trim() };
    if (piece.kind === 'alteration') item.sourceText = piece.sourceText.trim();
    groups.get(kind)!.items.push(item);
  }
  // not found, and cuts between quoted pieces (a quotation in pieces), only when there are some
  return [...groups.values()].filter((group) => (group.kind !== 'notFound' && group.kind !== 'paraphrasedOmissions') || group.items.length > 0);
}

/** The context the passage shows before and after the quoted words ("" when the source has none). */
export function contextOf(pieces: ReadThroughPiece[]): { before: string; after: string } {
  const of = (kind: 'context-before' | 'context-after') => pieces.find((p) => p.kind === kind)?.text ?? '';
  return { before: of('context-before'), after: of('context-after') };
}

// ---- plain text -------------------------------------------------------------------------

/** What a plain-text surface may colour. */
export type PlainStyle = 'omittedSilent' | 'omittedMarked' | 'inserted' | 'altered' | 'context' | 'paraphrase';

/** The markers of plainReading, for a legend under it. */
export const PLAIN_READING_LEGEND = 'Legend: [-marked omission-] {-silent omission-} {+insertion+} [~altered~ for original]';

/**
 * The passage read through as one line of plain text: `[-…-]` a cut marked by an ellipsis,
 * `{-…-}` a silent cut, `{+…+}` an insertion, `[~quoted~ for original]` an alteration;
 * white space folded. `paint` may wrap each marked piece (terminal colours); markers
 * stand apart from the words around them by a space.
 */
export function plainReading(pieces: ReadThroughPiece[], paint: (style: PlainStyle, text: string) => string = (_style, text) => text): string {
  const core = (text: string) => splitEdges(text)[1];
  const marked = (style: PlainStyle, text: string) => ` ${paint(style, text)} `;
  const parts = pieces.map((piece): string => {
    switch (piece.kind) {
      case 'gap':
      case 'match':
        return piece.text;
      case 'paraphrase':
        // the writer's own words, not quoted: said in words, not only marked
        return marked('paraphrase', `⟨${PARAPHRASE_TAG}: ${core(piece.text)}⟩`);
      case 'context-before':
      case 'context-after': {
        const [lead, text, trail] = splitEdges(piece.text);
        return `${lead}${paint('context', text)}${trail}`;
      }
      case 'cut':
        // a page header or number is not the author's text: neither quoted nor left out
        if (piece.pageFurniture) return ' ';
        return piece.marked ? marked('omittedMarked', `[-${core(piece.text)}-]`) : marked('omittedSilent', `{-${core(piece.text)}-}`);
      case 'insertion':
        return marked('inserted', `{+${core(piece.text)}+}`);
      case 'alteration':
        // a bracketed capital is no change: read as quoted
        if (piece.caseOnly) return piece.text;
        return marked('altered', `[~${core(piece.text)}~ for ${core(piece.sourceText)}]`);
    }
  });
  // a marker is padded with spaces; punctuation right after it closes up again
  return parts.join('').replace(/\s+/g, ' ').replace(/(-\]|-\}|\+\}|\]) (?=[.,;:!?])/g, '$1').trim();
}
