/**
 * What the search index stores and asks for, shared by every store (SQLite, PostgreSQL):
 * a source is cut into passages of PASSAGE_WORDS words, and each passage is indexed by
 * the hashed pairs of consecutive words it holds ("word shingles"). Words are the
 * engine's own keys (src/core/text.ts: case, quotes, dashes, line-break hyphens, soft
 * hyphens and NFKC folded away) with ё folded to е, so typographic noise never hides
 * a passage. Han and kana characters are words of their own, so their pairs are the
 * character bigrams CJK search uses.
 *
 * Pure: no I/O.
 */
import { tokenize } from '../core/text.js';

/** Words per passage: a 40-word fragment straddles at most two; small enough to tell passages apart. */
export const PASSAGE_WORDS = 256;

/** The index's form of an engine word key. */
export function foldKey(key: string): string {
  return key.includes('ё') ? key.replaceAll('ё', 'е') : key;
}

/** The folded keys of a text's words, with their offsets. */
export function foldedWords(text: string): { keys: string[]; starts: Int32Array; ends: Int32Array; count: number } {
  const tokens = tokenize(text);
  const keys = tokens.keys.map(foldKey);
  return { keys, starts: tokens.starts, ends: tokens.ends, count: tokens.count };
}

/** Two 32-bit FNV-1a style hashes of a key (different primes), as one pair. */
function wordHash(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 16777619);
    h2 = Math.imul(h2 ^ code, 2246822519);
  }
  return [h1 >>> 0, h2 >>> 0];
}

/** A 40-bit code of a pair of word hashes (order matters), as a number below 2^40. */
function pairCode(a: [number, number], b: [number, number]): number {
  let x = Math.imul(a[0] ^ Math.imul(b[1], 0x85ebca6b), 0xc2b2ae35) ^ b[0];
  x = Math.imul(x ^ (x >>> 16), 0x27d4eb2f) >>> 0;
  let y = Math.imul(a[1] ^ Math.imul(b[0], 0x9e3779b1), 0x165667b1) ^ b[1];
  y = Math.imul(y ^ (y >>> 15), 0x85ebca77) >>> 0;
  return (y & 0xff) * 4294967296 + x;
}

const DIGITS = '0123456789abcdefghijklmnopqrstuv';

/** A pair code written as eight base-32 digits: short, ASCII, one FTS5 token. */
function encode(code: number): string {
  const low = code % 4294967296;
  const high = (code - low) / 4294967296;
  return (
    DIGITS[high >>> 3]! + DIGITS[((high & 7) << 2) | (low >>> 30)]! + DIGITS[(low >>> 25) & 31]! + DIGITS[(low >>> 20) & 31]! +
    DIGITS[(low >>> 15) & 31]! + DIGITS[(low >>> 10) & 31]! + DIGITS[(low >>> 5) & 31]! + DIGITS[low & 31]!
  );
}

/**
 * The index term of a pair of consecutive word keys: a 40-bit hash in base 32, the same
 * in every store. A collision only adds a false candidate, which the engine rejects.
 */
export function pairTerm(a: string, b: string): string {
  return encode(pairCode(wordHash(a), wordHash(b)));
}

/** The distinct shingle terms of a run of keys (word hashes cached, since words repeat). */
export function shingleTerms(keys: readonly string[], from = 0, to = keys.length, cache = new Map<string, [number, number]>()): string[] {
  const hashOf = (key: string) => {
    let h = cache.get(key);
    if (!h) {
      h = wordHash(key);
      cache.set(key, h);
    }
    return h;
  };
  if (to - from < 2) return [];
  // a sorted typed array, not a Set: codes above 2^31 would each be a heap number there
  const codes = new Float64Array(to - from - 1);
  let previous = hashOf(keys[from]!);
  for (let i = from + 1; i < to; i++) {
    const current = hashOf(keys[i]!);
    codes[i - from - 1] = pairCode(previous, current);
    previous = current;
  }
  codes.sort();
  const terms: string[] = [];
  for (let i = 0; i < codes.length; i++) {
    if (i === 0 || codes[i] !== codes[i - 1]) terms.push(encode(codes[i]!));
  }
  return terms;
}

export interface Passage {
  /** offsets into the source text */
  start: number;
  end: number;
  /** its distinct shingle terms, joined by spaces */
  terms: string;
}

/**
 * The passages of a source, in order. Each also holds the pair that joins it to the
 * next passage, so no pair of consecutive words is lost at a boundary.
 */
export function passagesOf(text: string): { passages: Passage[]; words: number } {
  const words = foldedWords(text);
  const passages: Passage[] = [];
  const cache = new Map<string, [number, number]>();
  for (let first = 0; first < words.count; first += PASSAGE_WORDS) {
    const end = Math.min(words.count, first + PASSAGE_WORDS);
    passages.push({
      start: words.starts[first]!,
      end: words.ends[end - 1]!,
      terms: shingleTerms(words.keys, first, Math.min(words.count, end + 1), cache).join(' '),
    });
  }
  return { passages, words: words.count };
}
