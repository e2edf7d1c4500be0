/**
 * Sentence and paragraph edges near an offset, found by scanning outward from it (never
 * the whole text, so a book costs no more than a paragraph).
 *
 * A sentence ends at `.`, `!`, `?`, `…` or their CJK forms, with any closing quotes or
 * brackets, before white space — except after an initial ("G. F. Alexandrov") or a
 * common abbreviation ("Mr.", "p.", "e.g."). A paragraph ends at a blank line.
 *
 * Deliberately not here: language-specific abbreviation lists beyond a handful.
 */

const MAX_SCAN = 20_000;
const CLOSERS = '"\'\u201d\u2019\u00bb\u203a)\\]\u300d\u300f';

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

/** Abbreviations whose full stop ends no sentence (English, German, Russian), lower case. */
const ABBREVIATION_BEFORE = /(?:^|[^\p{L}])(?:mr|mrs|ms|dr|st|jr|sr|vs|etc|e\.g|i\.e|cf|pp?|vol|fig|ch|eds?|trans|prof|gen|col|capt|lt|sgt|rev|hon|gov|sen|rep|ibid|op|cit|al|ca|viz|repr|nr|bzw|usw|vgl|z\.b|d\.h|т\.е|т\.д|т\.п|гг?|см|стр|тов)$/iu;
/** An initial: one capital letter standing alone ("G. F. Alexandrov"). */
const INITIAL_BEFORE = /(?:^|[^\p{L}])\p{Lu}$/u;

/**
 * The one sentence detector of the engine (context, cues, verdict): is there a sentence
 * end whose final punctuation is at `i`? Returns the offset just past it and any closing
 * quotation marks or brackets, or null. `.`, `!`, `?`, `…` end a sentence before white space
 * (or a run-in heading's dash, "_Organs_.—To suppose") unless the next word starts in lower
 * case, or the stop follows an initial, an abbreviation or a digit of a decimal; inside
 * "..." only the last dot counts. Chinese and Japanese `。！？` end one as they stand.
 */
export function isSentenceEndAt(text: string, i: number): { end: number } | null {
  const ch = text[i];
  if (ch === '\u3002' || ch === '\uff01' || ch === '\uff1f') {
    let j = i + 1;
    while (j < text.length && CLOSERS.includes(text[j]!)) j++;
    return { end: j };
  }
  if (ch !== '.' && ch !== '!' && ch !== '?' && ch !== '\u2026') return null;
  if (ch === '.') {
    if (text[i + 1] === '.') return null;
    const before = text.slice(Math.max(0, i - 6), i);
    if (ABBREVIATION_BEFORE.test(before) || INITIAL_BEFORE.test(before)) return null;
    if (/\d/.test(text[i - 1] ?? '') && /\d/.test(text[i + 1] ?? '')) return null;
  }
  let j = i + 1;
  while (j < text.length && (text[j] === '!' || text[j] === '?')) j++;
  while (j < text.length && CLOSERS.includes(text[j]!)) j++;
  if (j >= text.length) return { end: j };
  if ((text[j] === '\u2014' || text[j] === '\u2013') && /\p{Lu}/u.test(text[j + 1] ?? '')) return { end: j };
  if (!isSpace(text[j])) return null;
  let k = j;
  while (k < text.length && isSpace(text[k])) k++;
  // a lower-case word after the stop continues the sentence
  if (k < text.length && /\p{Ll}/u.test(text[k]!)) return null;
  return { end: j };
}

function paragraphBreakAt(text: string, i: number): boolean {
  // a newline followed (after spaces) by another newline
  if (text[i] !== '\n') return false;
  let j = i + 1;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r' || text[j] === '\f')) j++;
  return text[j] === '\n';
}

export interface Boundary {
  /** where the sentence (or paragraph) starts or ends */
  offset: number;
  /** the boundary is a paragraph break (or the text's edge), not only a sentence end */
  paragraph: boolean;
}

/** The start of the sentence that contains `offset` (scanning back at most 20 K characters). */
export function sentenceStartBefore(text: string, offset: number): Boundary {
  const limit = Math.max(0, offset - MAX_SCAN);
  for (let i = offset - 1; i >= limit; i--) {
    const ch = text[i]!;
    if (ch === '\n') {
      let k = i - 1;
      while (k >= 0 && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r')) k--;
      if (k >= 0 && text[k] === '\n') return { offset: skipSpaceForward(text, i + 1), paragraph: true };
      continue;
    }
    if (ch === '\f') return { offset: skipSpaceForward(text, i + 1), paragraph: true };
    if (isSpace(ch)) continue;
    const end = isSentenceEndAt(text, i);
    if (end && end.end < offset) return { offset: skipSpaceForward(text, end.end), paragraph: false };
  }
  return { offset: limit === 0 ? skipSpaceForward(text, 0) : limit, paragraph: limit === 0 };
}

/** The end of the sentence that contains `offset` (just past its final punctuation and closers). */
export function sentenceEndAfter(text: string, offset: number): Boundary {
  const limit = Math.min(text.length, offset + MAX_SCAN);
  for (let i = offset; i < limit; i++) {
    const ch = text[i]!;
    if (ch === '\n' && paragraphBreakAt(text, i)) return { offset: skipSpaceBackward(text, i), paragraph: true };
    if (ch === '\f') return { offset: skipSpaceBackward(text, i), paragraph: true };
    const end = isSentenceEndAt(text, i);
    if (end) return { offset: end.end, paragraph: false };
  }
  return { offset: limit === text.length ? skipSpaceBackward(text, limit) : limit, paragraph: limit === text.length };
}

function skipSpaceForward(text: string, i: number): number {
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

function skipSpaceBackward(text: string, i: number): number {
  while (i > 0 && isSpace(text[i - 1])) i--;
  return i;
}

/**
 * Context before `offset`: the rest of the sentence it stands in plus `sentences` whole
 * sentences, not crossing a paragraph break once some context has been gathered.
 */
export function contextStart(text: string, offset: number, sentences: number): number {
  let boundary = sentenceStartBefore(text, offset);
  let start = boundary.offset;
  for (let k = 0; k < sentences; k++) {
    if (start <= 0) break;
    const gathered = start < offset;
    if (boundary.paragraph && gathered) break;
    const previous = sentenceStartBefore(text, skipSpaceBackward(text, start));
    if (previous.offset >= start) break;
    boundary = previous;
    start = previous.offset;
  }
  return Math.min(start, offset);
}

/** Context after `offset`: the rest of its sentence plus `sentences` whole sentences, within the paragraph likewise. */
export function contextEnd(text: string, offset: number, sentences: number): number {
  let boundary = sentenceEndAfter(text, offset);
  let end = boundary.offset;
  for (let k = 0; k < sentences; k++) {
    if (end >= text.length) break;
    const gathered = end > offset;
    if (boundary.paragraph && gathered) break;
    const next = sentenceEndAfter(text, skipSpaceForward(text, end));
    if (next.offset <= end) break;
    boundary = next;
    end = next.offset;
  }
  return Math.max(end, offset);
}

/** Does this stretch of text cross a sentence end? (used for the four-dot convention) */
export function crossesSentenceEnd(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const end = isSentenceEndAt(text, i);
    if (end && end.end <= to + 1) return true;
  }
  return false;
}
