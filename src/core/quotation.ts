/**
 * Reads a quotation as its quoter printed it: strips its outer quotation marks, cuts it
 * into fragments at its ellipsis marks, and finds its editorial square brackets.
 *
 * Ellipsis marks: `...`, `…`, `. . .` (with ordinary, non-breaking or thin spaces), the
 * four-dot forms (`....`, `. . . .`, `.…`, `….`), the doubled Chinese `……`, and the same
 * inside `[ ]`, `( )` or `< >`. Brackets: a group standing alone (`[as the]`, `[sic]`)
 * inserts words; a group inside a word (`[t]he`, `Stalin[’s]`) alters that word.
 *
 * A quotation in pieces (`The committee "did … approve the budget"`) has a second reading,
 * parseQuotationInPieces: only the words inside its own pairs of quotation marks are
 * quoted, the words outside are the writer's paraphrase. compare() chooses between the two.
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
  /** read in pieces: the writer's own words (or a closing and an opening mark) follow this fragment before the next piece */
  paraphraseAfter?: boolean;
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
  /** read in pieces: the writer's own words outside every pair of quotation marks (trimmed); [] when read whole */
  paraphrase: Span[];
  /** read in pieces: the whole stretches outside the pairs that hold words (marks excluded); [] when read whole */
  outside: Span[];
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

/** What a quotation's two readings share: its notes blanked out, its words, its brackets. */
interface QuotationWords {
  unnoted: string;
  editorialNotes: Span[];
  allMarks: EllipsisMark[];
  tokens: Tokens;
  editorial: boolean[];
  bracketAltered: boolean[];
}

function readWords(quote: string): QuotationWords {
  // The quoter's notes ("[sic]", "(emphasis mine)") are blanked out first (same length,
  // so offsets hold): they are neither words of the quotation nor a change.
  const editorialNotes = findEditorialNotes(quote);
  let unnoted = quote;
  if (editorialNotes.length > 0) {
    const chars = quote.split('');
    for (const note of editorialNotes) for (let k = note.start; k < note.end; k++) chars[k] = ' ';
    unnoted = chars.join('');
  }
  const allMarks = findEllipsisMarks(unnoted);
  const groups = findBracketGroups(unnoted, allMarks);

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
  return { unnoted, editorialNotes, allMarks, tokens, editorial, bracketAltered };
}

/**
 * Cuts the quoted regions (the body, or each quoted piece) into fragments at their
 * ellipsis marks. The last fragment of a region followed by another region is marked
 * `paraphraseAfter`: the writer's own words stand between them.
 */
function cutFragments(words: QuotationWords, regions: Span[], marks: EllipsisMark[]): QuoteFragment[] {
  const { tokens, unnoted } = words;
  const fragments: QuoteFragment[] = [];
  let tokenCursor = 0;
  regions.forEach((region, r) => {
    let pieceStart = region.start;
    let markBefore: EllipsisMark | null = null;
    const firstOfRegion = fragments.length;
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
      } else if (fragments.length > firstOfRegion && markAfter) {
        // a piece with no words between two marks: the marks count as one cut
        fragments[fragments.length - 1]!.markAfter = markAfter;
      }
    };
    for (const mark of marks) {
      if (mark.start < region.start || mark.end > region.end) continue;
      cut(mark.start, mark);
      pieceStart = mark.end;
      markBefore = mark;
    }
    cut(region.end, null);
    if (r < regions.length - 1 && fragments.length > firstOfRegion) fragments[fragments.length - 1]!.paraphraseAfter = true;
  });
  return fragments;
}

/**
 * Parses a quotation read whole: its outer quotation marks stripped, everything inside
 * claimed as quoted. Never throws; a quotation without words yields no fragments
 * (the shells refuse such input before it gets here).
 */
export function parseQuotation(quote: string): ParsedQuotation {
  const words = readWords(quote);
  const body = quotationBody(words.unnoted);
  const marks = words.allMarks.filter((m) => m.start >= body.start && m.end <= body.end);
  const fragments = cutFragments(words, [body], marks);
  const { tokens, editorial, bracketAltered, editorialNotes } = words;
  return { tokens, editorial, bracketAltered, marks, fragments, body, editorialNotes, paraphrase: [], outside: [] };
}

/**
 * Reads a quotation "in pieces", as news prints it: `The committee "did … approve the
 * budget"`, `"The plan," he said, "is dead."`. Only the words inside its own pairs of
 * quotation marks are claimed as quoted (each piece still cut at its ellipsis marks); the
 * words outside every pair are the writer's paraphrase. Null when the quotation holds no
 * balanced pair of marks, or no words stand outside them (then its marks are its own outer
 * ones, read by parseQuotation).
 */
export function parseQuotationInPieces(quote: string): ParsedQuotation | null {
  // a quotation in pieces is a sentence or a paragraph of news: a longer text is read whole,
  // so no input pays for a second reading it cannot need
  if (quote.length > MAX_PIECES_QUOTE_LENGTH) return null;
  const words = readWords(quote);
  const { unnoted } = words;
  let start = 0;
  let end = unnoted.length;
  while (start < end && /\s/.test(unnoted[start]!)) start++;
  while (end > start && /\s/.test(unnoted[end - 1]!)) end--;
  const pairs = findQuotedPairs(unnoted, start, end);
  // news quotes a handful of pieces; past that the marks are the text's own (dialogue, a
  // list of titles) and a second reading would only cost time: it is read whole
  if (!pairs || pairs.length === 0 || pairs.length > MAX_QUOTED_PIECES) return null;
  // the text outside every pair (marks excluded), in order
  const outside: Span[] = [];
  let cursor = start;
  for (const pair of pairs) {
    if (pair.open > cursor) outside.push({ start: cursor, end: pair.open });
    cursor = pair.close + 1;
  }
  if (end > cursor) outside.push({ start: cursor, end });
  const hasWords = (span: Span) => {
    for (let t = 0; t < words.tokens.count; t++) {
      if (words.tokens.starts[t]! >= span.start && words.tokens.ends[t]! <= span.end) return true;
    }
    return false;
  };
  const worded = outside.filter(hasWords);
  if (worded.length === 0) return null;
  // An ellipsis, a bracket or a quoter's note outside the pairs is the quoter's apparatus on
  // quoted words: the words outside are quoted too, and the quotation is read whole.
  const apparatus = [...words.allMarks, ...words.editorialNotes, ...findBracketGroups(unnoted, words.allMarks)];
  if (apparatus.some((a) => worded.some((o) => a.start < o.end && o.start < a.end))) return null;
  const regions = pairs.map((pair) => ({ start: pair.open + 1, end: pair.close }));
  const inside = (m: Span) => regions.some((r) => m.start >= r.start && m.end <= r.end);
  const marks = words.allMarks.filter(inside);
  const fragments = cutFragments(words, regions, marks);
  if (fragments.length === 0) return null;
  const paraphrase = worded.map((span) => {
    let s = span.start;
    let e = span.end;
    while (s < e && /[\s,;:]/.test(unnoted[s]!)) s++;
    while (e > s && /[\s,;:]/.test(unnoted[e - 1]!)) e--;
    return { start: s, end: e };
  });
  const { tokens, editorial, bracketAltered, editorialNotes } = words;
  return { tokens, editorial, bracketAltered, marks, fragments, body: { start, end }, editorialNotes, paraphrase, outside: worded };
}

/** A quotation with more pairs of inner quotation marks than this is read whole only. */
export const MAX_QUOTED_PIECES = 24;
/** A quotation longer than this (UTF-16 units) is read whole only. */
export const MAX_PIECES_QUOTE_LENGTH = 10_000;

/** A pair of quotation marks: the offsets of its opening and closing characters. */
interface QuotePair {
  open: number;
  close: number;
}

/**
 * Which closing characters can end a pair opened by each character. Directional marks
 * only; the straight `"` pairs with itself, the straight `'` never counts (apostrophes).
 */
const CLOSERS: Record<string, string> = {
  '"': '"',
  '\u201c': '\u201d', // “ … ”
  '\u201e': '\u201c\u201d', // „ … “ (German), „ … ” (Polish)
  '\u00ab': '\u00bb', // « … »
  '\u00bb': '\u00ab', // » … « (German)
  '\u2039': '\u203a', // ‹ … ›
  '\u203a': '\u2039', // › … ‹
  '\u300c': '\u300d', // 「 … 」
  '\u300e': '\u300f', // 『 … 』
  '\u2018': '\u2019', // ‘ … ’
  '\u201a': '\u2018\u2019', // ‚ … ‘
};
/** Characters that only ever close: one with nothing open to close is unbalanced. */
const ONLY_CLOSING = new Set(['\u201d', '\u300d', '\u300f']);

/**
 * The top-level pairs of quotation marks in text[from, to), or null when the marks do not
 * balance (a closing mark with nothing open, a pair left open). The curly single `’` closes
 * only an open `‘` and only where it is not inside a word (`don’t`, `Stalin’s` are
 * apostrophes); a straight or curly mark with letters on both sides is no mark.
 */
export function findQuotedPairs(text: string, from: number, to: number): QuotePair[] | null {
  const pairs: QuotePair[] = [];
  const stack: Array<{ ch: string; at: number }> = [];
  const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{M}\p{N}]/u.test(ch);
  const isSpace = (ch: string | undefined) => ch === undefined || /\s/.test(ch);
  for (let i = from; i < to; i++) {
    const ch = text[i]!;
    if (!(ch in CLOSERS) && ch !== '\u201d' && ch !== '\u2019' && ch !== '\u300d' && ch !== '\u300f') continue;
    const before = i > from ? text[i - 1] : undefined;
    const after = i + 1 < to ? text[i + 1] : undefined;
    const inWord = isWordChar(before) && isWordChar(after);
    const top = stack[stack.length - 1];
    const closesTop = top !== undefined && CLOSERS[top.ch]!.includes(ch);
    // an opening position: nothing or a space or an opening punctuation before, a non-space after
    const canOpen = !isSpace(after) && (before === undefined || /[\s([{\u2014\u2013\-/]/.test(before) || (ch in CLOSERS && !isWordChar(before)));
    const canClose = !isSpace(before) && !isWordChar(after);
    if (ch === '\u2019') {
      // an apostrophe unless it closes an open ‘ from outside a word
      if (closesTop && !inWord && canClose) pop(i);
      continue;
    }
    if (ch === '"' || ch === '\u2018') {
      if (inWord) continue;
      if (closesTop && canClose) pop(i);
      else if (canOpen) stack.push({ ch, at: i });
      else if (ch === '"') return null;
      continue;
    }
    // a mark that closes the open one does (French « … » has spaces inside its marks)
    if (closesTop) {
      pop(i);
      continue;
    }
    if (ONLY_CLOSING.has(ch)) return null;
    if (ch in CLOSERS && ch !== '\u2019') stack.push({ ch, at: i });
  }
  if (stack.length > 0) return null;
  return pairs;

  function pop(at: number): void {
    const opened = stack.pop()!;
    if (stack.length === 0) pairs.push({ open: opened.at, close: at });
  }
}

/** Whether a span of the quotation (between fragments) holds an ellipsis mark. */
export function markBetween(parsed: ParsedQuotation, from: number, to: number): EllipsisMark | null {
  return parsed.marks.find((m) => m.start >= from && m.end <= to) ?? null;
}
