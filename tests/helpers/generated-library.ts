/**
 * A generated library for the find tests: seeded pseudo-random prose over a made-up
 * vocabulary (no two sources alike), with real passages from the built-in cases'
 * sources planted in known sources.
 */
import fs from 'node:fs';
import path from 'node:path';

/** mulberry32: a small seeded generator, so every run builds the same library. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'di', 'pa', 'gu', 'ze', 'bo', 'fi', 'ha', 'jo', 'wen', 'tor', 'mal', 'sid'];

/** A vocabulary of made-up words, with a few very common ones as real prose has. */
export function vocabulary(random: () => number, size: number): string[] {
  const words = new Set<string>(['the', 'of', 'and', 'to', 'in', 'a', 'was', 'that']);
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length: n }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

/** Prose of about `words` words: Zipf-like picks, sentences of 8–20 words. */
export function prose(random: () => number, vocab: string[], words: number): string {
  const out: string[] = [];
  let sentence = 0;
  let length = 8 + Math.floor(random() * 12);
  for (let i = 0; i < words; i++) {
    const pick = vocab[Math.floor(vocab.length * random() ** 2.5)]!;
    out.push(sentence === 0 ? pick[0]!.toUpperCase() + pick.slice(1) : pick);
    sentence++;
    if (sentence >= length) {
      out[out.length - 1] += '.';
      sentence = 0;
      length = 8 + Math.floor(random() * 12);
    }
  }
  return out.join(' ') + '.';
}

export function builtInSource(slug: string): string {
  return fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'data', 'cases', slug, 'source.txt'), 'utf8').replace(/\n$/, '');
}
