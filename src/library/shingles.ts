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

/**
 * A 53-bit hash of a pair of keys (cyrb53), written in base 36: short, ASCII, the same
 * in every store. A collision only adds a false candidate, which the engine rejects.
 */
export function pairTerm(a: string, b: string): string {
  let h1 = 0xdeadbeef ^ a.length;
  let h2 = 0x41c6ce57 ^ b.length;
  const mix = (code: number) => {
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  };
  for (let i = 0; i < a.length; i++) mix(a.charCodeAt(i));
  mix(0);
  for (let i = 0; i < b.length; i++) mix(b.charCodeAt(i));
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The distinct shingle terms of a run of keys. */
export function shingleTerms(keys: readonly string[], from = 0, to = keys.length): string[] {
  const terms = new Set<string>();
  for (let i = from; i + 1 < to; i++) terms.add(pairTerm(keys[i]!, keys[i + 1]!));
  return [...terms];
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
  for (let first = 0; first < words.count; first += PASSAGE_WORDS) {
    const end = Math.min(words.count, first + PASSAGE_WORDS);
    passages.push({
      start: words.starts[first]!,
      end: words.ends[end - 1]!,
      terms: shingleTerms(words.keys, first, Math.min(words.count, end + 1)).join(' '),
    });
  }
  return { passages, words: words.count };
}
