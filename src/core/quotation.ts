/**
 * Reads a quotation as its quoter printed it: strips its outer quotation marks, cuts it
 * into fragments at its ellipsis marks, and finds its editorial square brackets.
 *
 * Ellipsis marks: `...`, `…`, `. . .` (with ordinary, non-breaking or thin spaces), the
 * four-dot forms (`....`, `. . . .`, `.…`, `….`), the doubled Chinese `……`, and the same
 * inside `[ ]`, `( )` or `< >`. Brackets: a group standing alone (`[as the]`, `[sic]`)
 * inserts words; a group inside a word (`[t]he`, `Stalin[’s]`) alters that word.
 *
 * Deliberately not here: where the fragments stand in the source (locate.ts).
 */
import type { Span } from './types.js';
import { tokenize, type Tokens } from './text.js';

export interface EllipsisMark extends Span {
  /** 3, or 4 when the mark includes a sentence's full stop */
  dots: number;
  bracketed: boolean;
}

export interface QuoteFragment {
  /** trimmed span of the fragment in the quotation */
  span: Span;
  /** indexes into ParsedQuotation.tokens: [firstToken, endToken) */
  firstToken: number;
  endToken: number;
  /** the mark just before this fragment, if any (null for the first fragment unless the quotation opens with one) */
  markBefore: EllipsisMark | null;
  markAfter: EllipsisMark | null;
}

export interface ParsedQuotation {
  tokens: Tokens;
  /**
   * per token: stands inside a square-bracketed group of its own (the quoter's words, an
   * editorial insertion or substitution); such words never stand for source words
   */
  editorial: boolean[];
  /** per token: has a bracketed part inside the word (an editorial alteration such as `[t]he`) */
  bracketAltered: boolean[];
  marks: EllipsisMark[];
  fragments: QuoteFragment[];
  /** the quotation without its outer quotation marks and surrounding white space */
  body: Span;
  /** the quoter's notes about the quotation ("[sic]", "[emphasis added]", "(emphasis mine)"): no words of it */
  editorialNotes: Span[];
}

/**
 * Notes a quoter adds about the quotation, in square or round brackets: not inserted text
 * and not a change. English, German and Russian forms.
 */
const EDITORIAL_NOTE = new RegExp(
  `[\\[(]\\s*(?:${[
    'sic!?',
    '(?:emphasis|italics|italic|bold|underlining|underline|stress)(?:\\s+(?:added|mine|supplied|ours|in\\s+(?:the\\s+)?original|original|removed|omitted))',
    '(?:my|our|original)\\s+(?:emphasis|italics|stress)',
    '(?:footnotes?|citations?|notes?|internal\\s+quotation\\s+marks|references?)\\s+omitted',
    '(?:alterations?|brackets|ellipsis|ellipses)\\s+in\\s+(?:the\\s+)?original',
    'hervorhebung(?:en)?\\s+(?:im\\s+original|(?:von\\s+)?mir|durch\\s+(?:mich|(?:den|d\\.)\\s*verf(?:asser|\\.)?)|hinzugefügt|nicht\\s+im\\s+original)',
    'im\\s+original\\s+(?:hervorgehoben|kursiv)',
    '(?:курсив|выделено|подчёркнуто|подчеркнуто|разрядка)\\s+(?:мой|моё|мое|моя|наш|наше|наша|мною|мной|нами|в\\s+оригинале|автора)',
  ].join('|')})\\s*[.;,]?(?:\\s*[—–-]\\s*[^\\])\\n]{1,40})?\\s*[\\])]`,
  'giu',
);

/** The quoter's notes about the quotation, in order. */
export function findEditorialNotes(quote: string): Span[] {
  return [...quote.matchAll(EDITORIAL_NOTE)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

const SPACE = '[ \\u00a0\\u2009\\u202f]';
const DOTS = `\\.(?:${SPACE}?\\.){2,3}`;
// A full stop followed by an ellipsis character, or the reverse, is the four-dot form.
const ELLIPSIS_CHAR = `(?:\\.${SPACE}?)?(?:\u2026{1,2}|\u22ef{1,2})(?:${SPACE}?\\.)?`;
const BARE = `(?:${DOTS}|${ELLIPSIS_CHAR})`;
const MARK = new RegExp(`\\[${SPACE}*${BARE}${SPACE}*\\]|\\(${SPACE}*${BARE}${SPACE}*\\)|<${SPACE}*${BARE}${SPACE}*>|${BARE}`, 'gu');

const OPENING_QUOTES = new Set(['"', '\u201c', '\u201e', '\u00ab', '\u2018', "'", '\u201a', '\u300c', '\u300e', '\u2039', '\u00bb']);
const CLOSING_QUOTES = new Set(['"', '\u201d', '\u201c', '\u00bb', '\u2019', "'", '\u300d', '\u300f', '\u203a', '\u00ab']);

/** Finds every ellipsis mark in a quotation, in order. */
export function findEllipsisMarks(quote: string): EllipsisMark[] {
  const marks: EllipsisMark[] = [];
  for (const match of quote.matchAll(MARK)) {
    const text = match[0];
    const dotCount = (text.match(/\./g)?.length ?? 0) + (text.match(/[\u2026\u22ef]/g)?.length ?? 0) * 3;
    // The doubled Chinese ellipsis "……" is one mark of one ellipsis, not a four-dot form.
    const isChineseDouble = /[\u2026\u22ef]{2}/.test(text) && !/\./.test(text);
    marks.push({
      start: match.index,
      end: match.index + text.length,
      dots: isChineseDouble ? 3 : dotCount >= 4 ? 4 : 3,
      bracketed: /^[[(<]/.test(text),
    });
  }
  return marks;
}

/** The quotation without its outer quotation marks (when they pair up) and surrounding white space. */
export function quotationBody(quote: string): Span {
  let start = 0;
  let end = quote.length;
  while (start < end && /\s/.test(quote[start]!)) start++;
  while (end > start && /\s/.test(quote[end - 1]!)) end--;
  const first = quote[start];
  if (first !== undefined && OPENING_QUOTES.has(first)) {
    // strip the closing mark too, allowing a final full stop or comma after it
    let closing = end - 1;
    if (closing > start && /[.,;:!?]/.test(quote[closing]!)) {
      let k = closing - 1;
      while (k > start && /\s/.test(quote[k]!)) k--;
      if (CLOSING_QUOTES.has(quote[k]!)) closing = k;
    }
    if (closing > start && CLOSING_QUOTES.has(quote[closing]!)) {
      const inner = quote.slice(start + 1, closing);
      // only when the marks are the quotation's own, not a quoted phrase at its very start
      if (countQuoteChars(inner) % 2 === 0 || first === "'" || first === '\u2018') {
        start++;
        end = closing;
      }
    } else if (![...quote.slice(start + 1, end)].some((ch) => CLOSING_QUOTES.has(ch) && ch !== "'" && ch !== '\u2019')) {
      start++; // an opening mark never closed: a quotation that runs on
    }
    while (start < end && /\s/.test(quote[start]!)) start++;
    while (end > start && /\s/.test(quote[end - 1]!)) end--;
  }
  return { start, end };
}

function countQuoteChars(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '"' || ch === '\u201c' || ch === '\u201d') n++;
  return n;
}

interface BracketGroup extends Span {
  /** attached to a letter on either side: alters a word rather than inserting words */
  inWord: boolean;
}

function findBracketGroups(quote: string, marks: EllipsisMark[]): BracketGroup[] {
  const groups: BracketGroup[] = [];
  const isMarkAt = (i: number) => marks.some((m) => m.start <= i && i < m.end);
  const isLetter = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{M}\p{N}]/u.test(ch);
  for (let i = 0; i < quote.length; i++) {
    if (quote[i] !== '[' || isMarkAt(i)) continue;
    const close = quote.indexOf(']', i + 1);
    if (close < 0) break;
    const nested = quote.indexOf('[', i + 1);
    if (nested >= 0 && nested < close) continue; // unbalanced: the inner one is the group
    const inWord = (isLetter(quote[i - 1]) || isLetter(quote[close + 1])) && !/\s/.test(quote.slice(i + 1, close));
    groups.push({ start: i, end: close + 1, inWord });
    i = close;
  }
  return groups;
}

/**
 * Parses a quotation. Never throws; a quotation without words yields no fragments
 * (the shells refuse such input before it gets here).
 */
export function parseQuotation(quote: string): ParsedQuotation {
  // The quoter's notes ("[sic]", "(emphasis mine)") are blanked out first (same length,
  // so offsets hold): they are neither words of the quotation nor a change.
  const editorialNotes = findEditorialNotes(quote);
  let unnoted = quote;
  if (editorialNotes.length > 0) {
    const chars = quote.split('');
    for (const note of editorialNotes) for (let k = note.start; k < note.end; k++) chars[k] = ' ';
    unnoted = chars.join('');
  }
  const body = quotationBody(unnoted);
  const marks = findEllipsisMarks(unnoted).filter((m) => m.start >= body.start && m.end <= body.end);
  const groups = findBracketGroups(unnoted, marks);

  // In-word brackets are made invisible to the tokenizer (same length, so offsets hold):
  // "[t]he" is one word, "the", marked as altered by the quoter.
  let masked = unnoted;
  const inWordGroups = groups.filter((g) => g.inWord);
  if (inWordGroups.length > 0) {
    const chars = unnoted.split('');
    for (const g of inWordGroups) {
      chars[g.start] = '\u200b';
      chars[g.end - 1] = '\u200b';
    }
    masked = chars.join('');
  }
  // Masked marks keep the tokenizer from reading "…" neighbours as one word.
  const tokens = tokenize(masked);
  const editorial: boolean[] = [];
  const bracketAltered: boolean[] = [];
  for (let t = 0; t < tokens.count; t++) {
    const start = tokens.starts[t]!;
    const end = tokens.ends[t]!;
    const isEditorial = groups.some((g) => !g.inWord && g.start < start && end < g.end);
    editorial.push(isEditorial);
    bracketAltered.push(inWordGroups.some((g) => g.start < end && start < g.end));
  }

  const fragments: QuoteFragment[] = [];
  let pieceStart = body.start;
  let markBefore: EllipsisMark | null = null;
  let tokenCursor = 0;
  const cut = (pieceEnd: number, markAfter: EllipsisMark | null) => {
    let firstToken = tokenCursor;
    while (firstToken < tokens.count && tokens.starts[firstToken]! < pieceStart) firstToken++;
    let endToken = firstToken;
    while (endToken < tokens.count && tokens.ends[endToken]! <= pieceEnd) endToken++;
    tokenCursor = endToken;
    if (endToken > firstToken) {
      let start = pieceStart;
      let end = pieceEnd;
      while (start < end && /\s/.test(unnoted[start]!)) start++;
      while (end > start && /\s/.test(unnoted[end - 1]!)) end--;
      fragments.push({ span: { start, end }, firstToken, endToken, markBefore, markAfter });
    } else if (fragments.length > 0 && markAfter) {
      // a piece with no words between two marks: the marks count as one cut
      fragments[fragments.length - 1]!.markAfter = markAfter;
    }
  };
  for (const mark of marks) {
    cut(mark.start, mark);
    pieceStart = mark.end;
    markBefore = mark;
  }
  cut(body.end, null);
  return { tokens, editorial, bracketAltered, marks, fragments, body, editorialNotes };
}

/** Whether a span of the quotation (between fragments) holds an ellipsis mark. */
export function markBetween(parsed: ParsedQuotation, from: number, to: number): EllipsisMark | null {
  return parsed.marks.find((m) => m.start >= from && m.end <= to) ?? null;
}
