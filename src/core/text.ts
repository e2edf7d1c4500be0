/**
 * Words and sentences of a text, in one linear pass, with every offset into the text
 * exactly as given.
 *
 * A word is a run of letters, marks and digits (any script), with inner apostrophes and
 * hyphens, a hyphen at a line break (`Cen-\ntral`), soft hyphens and zero-width
 * characters inside it. Each word carries a key: its typographic-neutral form (lower
 * case, NFKC, apostrophes unified, hyphens and invisible characters dropped), which is
 * what matching compares. Han and kana characters are one word each; Thai, Lao, Khmer and
 * Myanmar runs go through Intl.Segmenter in short chunks, because on Node 20 the
 * segmenter is quadratic in its input's length (985 ms for 80 K characters).
 *
 * Deliberately not here: stemming, spelling variants, transliteration.
 */

export interface Tokens {
  /** number of words */
  count: number;
  /** UTF-16 offset of each word's first code unit in the text */
  starts: Int32Array;
  /** UTF-16 offset just past each word */
  ends: Int32Array;
  /** each word's matching key */
  keys: string[];
}

const enum CharClass {
  Other = 0,
  Word = 1,
  /** soft hyphen, zero-width space/joiners, word joiner, BOM: invisible inside words */
  Ignorable = 2,
  Apostrophe = 3,
  Hyphen = 4,
  /** Han, kana, Hangul-free ideographic scripts: each character is a word */
  Ideograph = 5,
  /** scripts written without spaces that need a dictionary segmenter */
  Unspaced = 6,
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const IDEOGRAPH = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const UNSPACED = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Class of every BMP code unit, built once on first use (~65 K regex tests, a few ms). */
let bmpClasses: Uint8Array | undefined;

function classifyCodePoint(codePoint: number): CharClass {
  switch (codePoint) {
    case 0x00ad: case 0x200b: case 0x200c: case 0x200d: case 0x2060: case 0xfeff:
      return CharClass.Ignorable;
    case 0x27: case 0x2019: case 0x02bc:
      return CharClass.Apostrophe;
    case 0x2d: case 0x2010: case 0x2011:
      return CharClass.Hyphen;
  }
  const ch = String.fromCodePoint(codePoint);
  if (!WORD_CHAR.test(ch)) return CharClass.Other;
  if (IDEOGRAPH.test(ch)) return CharClass.Ideograph;
  if (UNSPACED.test(ch)) return CharClass.Unspaced;
  return CharClass.Word;
}

function classTable(): Uint8Array {
  if (bmpClasses) return bmpClasses;
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c < 0x80) {
      table[c] = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
        ? CharClass.Word
        : classifyCodePoint(c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      table[c] = CharClass.Other; // surrogates are classified by code point in classAt
    } else {
      table[c] = classifyCodePoint(c);
    }
  }
  bmpClasses = table;
  return table;
}

/** The class of the character at `i` and its length in code units (2 for astral characters). */
function classAt(text: string, i: number, table: Uint8Array): [CharClass, number] {
  const unit = text.charCodeAt(i);
  if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) {
      return [classifyCodePoint(((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000), 2];
    }
  }
  return [table[unit] as CharClass, 1];
}

/** Is a word-joining character at `i` followed by the rest of a word? Returns the offset of that rest, or -1. */
function joinedWordAt(text: string, i: number, cls: CharClass, table: Uint8Array): number {
  let j = i + 1;
  if (cls === CharClass.Hyphen) {
    // a hyphen at a line break: "Cen-\n  tral"
    let k = j;
    while (k < text.length && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09)) k++;
    if (text.charCodeAt(k) === 0x0d) k++;
    if (text.charCodeAt(k) === 0x0a) {
      k++;
      while (k < text.length) {
        const c = text.charCodeAt(k);
        if (c === 0x20 || c === 0x09 || c === 0x0c) k++;
        else break;
      }
      j = k;
    }
  }
  if (j >= text.length) return -1;
  const [nextClass] = classAt(text, j, table);
  return nextClass === CharClass.Word ? j : -1;
}

const NEEDS_NORMALISING = /[^a-z0-9]/;
// Superscript digits are note references ("proposal¹²"), never part of the word a reader sees.
const DROPPED_IN_KEY = /[\u00ad\u200b-\u200d\u2060\ufeff\-\u2010\u2011\s\u00b9\u00b2\u00b3\u2070-\u2079]/g;
const APOSTROPHES = /[\u2019\u02bc]/g;

/**
 * The matching key of a word's raw text: lower case, NFKC (so long s "ſ" is "s" and the
 * presentation ligatures "ﬁ", "ﬂ" are their letters; "æ", a letter in its own right, stays),
 * one apostrophe, no hyphens, invisibles or superscript note numbers, and Russian "ё" as "е"
 * (printed either way for the same word).
 */
export function wordKey(raw: string): string {
  const lower = raw.toLowerCase();
  if (!NEEDS_NORMALISING.test(lower)) return lower;
  return lower.replace(DROPPED_IN_KEY, '').replace(APOSTROPHES, "'").normalize('NFKC').toLowerCase().replace(/\u0451/g, '\u0435');
}

/**
 * Is the word [start, end) a note reference glued to the word before it, as printed
 * sources carry them: digits right after a letter's punctuation ("proposal.12 Members",
 * "end,3") or in brackets ("proposal[12]")? Such numbers are no words of the text.
 */
function isNoteReference(text: string, start: number, end: number): boolean {
  if (end - start > 3) return false;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  const after = text[end];
  const before = text[start - 1];
  if (before === '[') {
    return after === ']' && start >= 2 && /[\p{L}.,;:!?)\u201d\u2019"]/u.test(text[start - 2]!);
  }
  if (after !== undefined && !/[\s)\]]/.test(after)) return false;
  return before !== undefined && /[.,;:!?)\u201d\u2019"]/.test(before) && start >= 2 && /\p{L}/u.test(text[start - 2]!);
}

const SEGMENT_CHUNK = 200;
let wordSegmenter: Intl.Segmenter | undefined;

/**
 * Splits a text into words. Linear in the text's length; `Intl.Segmenter` sees only
 * runs of unspaced scripts, at most 200 characters at a time.
 */
export function tokenize(text: string): Tokens {
  const table = classTable();
  const length = text.length;
  // Lower-casing once is far cheaper than per word; usable only while it keeps offsets.
  const lowered = text.toLowerCase();
  const lowerKeepsOffsets = lowered.length === length;
  let capacity = Math.max(16, Math.ceil(length / 5));
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  const keys: string[] = [];
  let count = 0;

  const push = (start: number, end: number, key: string): void => {
    if (key === '') return;
    if (count === capacity) {
      capacity *= 2;
      const grownStarts = new Int32Array(capacity);
      grownStarts.set(starts);
      starts = grownStarts;
      const grownEnds = new Int32Array(capacity);
      grownEnds.set(ends);
      ends = grownEnds;
    }
    starts[count] = start;
    ends[count] = end;
    keys.push(key);
    count++;
  };

  let i = 0;
  while (i < length) {
    const [cls, width] = classAt(text, i, table);
    if (cls === CharClass.Word) {
      const start = i;
      // only ASCII letters and digits: the key is a slice of the lowered text
      let plain = text.charCodeAt(i) < 0x80;
      i += width;
      while (i < length) {
        const unit = text.charCodeAt(i);
        if (unit < 0x80) {
          if ((unit >= 0x61 && unit <= 0x7a) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x30 && unit <= 0x39)) {
            i++;
            continue;
          }
        }
        const [nextClass, nextWidth] = classAt(text, i, table);
        if (nextClass === CharClass.Word || nextClass === CharClass.Ignorable) {
          plain = false;
          i += nextWidth;
        } else if (nextClass === CharClass.Apostrophe || nextClass === CharClass.Hyphen) {
          const rest = joinedWordAt(text, i, nextClass, table);
          if (rest < 0) break;
          plain = false;
          i = rest;
        } else {
          break;
        }
      }
      if (plain && i - start <= 3 && isNoteReference(text, start, i)) continue;
      const key = plain && lowerKeepsOffsets ? lowered.slice(start, i) : wordKey(text.slice(start, i));
      push(start, i, key);
    } else if (cls === CharClass.Ideograph) {
      push(i, i + width, text.slice(i, i + width).normalize('NFKC'));
      i += width;
    } else if (cls === CharClass.Unspaced) {
      const runStart = i;
      while (i < length) {
        const [runClass, runWidth] = classAt(text, i, table);
        if (runClass !== CharClass.Unspaced) break;
        i += runWidth;
      }
      wordSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'word' });
      for (let chunkStart = runStart; chunkStart < i; chunkStart += SEGMENT_CHUNK) {
        let chunkEnd = Math.min(i, chunkStart + SEGMENT_CHUNK);
        if (chunkEnd < i && isHighSurrogate(text.charCodeAt(chunkEnd - 1))) chunkEnd++;
        for (const part of wordSegmenter.segment(text.slice(chunkStart, chunkEnd))) {
          if (part.isWordLike) push(chunkStart + part.index, chunkStart + part.index + part.segment.length, wordKey(part.segment));
        }
        chunkStart = chunkEnd - SEGMENT_CHUNK;
      }
    } else {
      const unit = text.charCodeAt(i);
      const annotationEnd = unit === 0x300a || unit === 0xff3b ? aozoraAnnotationEnd(text, i) : 0;
      i = annotationEnd > 0 ? annotationEnd : i + width;
    }
  }
  return { count, starts: starts.subarray(0, count), ends: ends.subarray(0, count), keys };
}

const AOZORA_RUBY = /^《[^《》\n]{1,40}》/u;
const AOZORA_NOTE = /^［＃[^［］\n]{0,200}］/u;

/**
 * Japanese texts in Aozora Bunko's notation carry ruby (the reading of the characters
 * before it) in 《》 and the editors' notes in ［＃…］: reading aids, not words of the
 * text, so a quotation printed without them leaves nothing out. Returns the offset just
 * past such an annotation starting at `i`, or 0.
 */
function aozoraAnnotationEnd(text: string, i: number): number {
  const unit = text.charCodeAt(i);
  if (unit === 0x300a) {
    if (i === 0 || !IDEOGRAPH.test(text[i - 1]!)) return 0;
    const m = AOZORA_RUBY.exec(text.slice(i, i + 42));
    return m ? i + m[0].length : 0;
  }
  if (unit === 0xff3b && text.charCodeAt(i + 1) === 0xff03) {
    const m = AOZORA_NOTE.exec(text.slice(i, i + 204));
    return m ? i + m[0].length : 0;
  }
  return 0;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** The engine's one word counter: how many words the engine reads in a text (context, cues, pages). */
export function countWords(text: string): number {
  return tokenize(text).count;
}

/** Does the text hold at least one word? Stops at the first. */
export function hasWords(text: string): boolean {
  const table = classTable();
  for (let i = 0; i < text.length; ) {
    const [cls, width] = classAt(text, i, table);
    if (cls === CharClass.Word || cls === CharClass.Ideograph || cls === CharClass.Unspaced) return true;
    i += width;
  }
  return false;
}

/** The first index in the sorted `offsets` whose value is >= `offset` (offsets.length when none). */
export function lowerBound(offsets: Int32Array, offset: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((offsets[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where the stretch between two words is cut between them: after its last white space,
 * so a word keeps its trailing punctuation ("times, ") and the next its opening bracket
 * or quotation mark ("[absolute", "‘I"). With no white space, all of it stays behind.
 */
export function splitGap(text: string, gapStart: number, gapEnd: number): number {
  for (let i = gapEnd; i > gapStart; i--) {
    if (/\s/.test(text[i - 1]!)) return i;
  }
  return gapEnd;
}
