/**
 * The texts of finding 3 of the second hardening review: an 80 KB source written with a
 * vocabulary of 13 words, and a verbatim excerpt of 5 KB from its middle. Every word
 * occurs thousands of times, so nothing rare anchors the excerpt; an early engine spent
 * 19 s on one such pair on the main thread. Deterministic (a fixed linear congruential
 * sequence), and `variant` shifts the excerpt so that no cache already holds it.
 */
const VOCABULARY = ['the', 'of', 'and', 'to', 'in', 'a', 'is', 'that', 'it', 'was', 'for', 'on', 'be'];

export function finding3Source(): string {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const words: string[] = [];
  let length = 0;
  while (length < 80_000) {
    const word = VOCABULARY[Math.floor(next() * VOCABULARY.length)] as string;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

/** A verbatim excerpt of about 5 KB, whole words, starting near `30,000 + 97 × variant`. */
export function finding3Excerpt(source: string, variant = 0): string {
  const from = source.indexOf(' ', 30_000 + 97 * variant) + 1;
  return source.slice(from, source.indexOf(' ', from + 5_000));
}
