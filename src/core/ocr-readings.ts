/**
 * OCR misreadings: a quotation taken from the printed page, checked against the page's
 * uncorrected OCR text, differs where the scan was misread — "neaped" for "heaped" (a
 * letter lost or misread at the left margin), "fich" for "sich" and "Befit" for "Besitz"
 * (Fraktur long s read as f, "tz" lost), "tbe" for "the". Those are the scan's errors, not
 * the quoter's changes, so such a word is a `match` flagged `ocrReading`, told in a note
 * and in the verdict's summary (never hidden), and counted as no change.
 *
 * Deliberately narrow, because a real change must never pass for one: only one word
 * standing for one word, of letters; either one letter lost or misread right where a
 * printed line begins or ends (margin damage), or at most two of the classic glyph
 * confusions below (one in a word of four letters or fewer).
 *
 * Deliberately not here: aligning the words (align.ts) and classifying them (classify.ts).
 */
import type { Item } from './classify.js';
import { wordKey, type Tokens } from './text.js';

/** Glyph confusions of OCR, as [what was printed, what the OCR read]. */
const CONFUSIONS: ReadonlyArray<readonly [string, string]> = [
  ['s', 'f'], // Fraktur and early roman long s "ſ" read as f
  ['u', 'n'], ['n', 'u'],
  ['m', 'rn'], ['rn', 'm'], ['m', 'in'], ['m', 'ni'], ['n', 'ri'], ['w', 'vv'],
  ['h', 'li'], ['d', 'cl'],
  ['l', '1'], ['l', 'i'], ['i', 'l'], ['i', '1'], ['o', '0'],
  ['tz', 'z'], ['tz', 'ß'], ['tz', 'g'], ['tz', 't'], ['z', 'ß'],
];
/** Confusions that make one real word of another at a word's start ("bad"/"had", "cat"/"eat"): only inside a word. */
const INSIDE_ONLY: ReadonlyArray<readonly [string, string]> = [['h', 'b'], ['e', 'c'], ['c', 'e']];

const LETTERS = /^[\p{L}\p{N}']+$/u;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/**
 * Can the source's `read` be an OCR misreading of the printed `printed` (both word keys)?
 * `lineEdges`: positions in `read` where a printed line begins (0 when the word starts a
 * line; inside the word when it was hyphenated across lines) or ends (its length, when it
 * ends a line).
 */
export function isOcrMisreading(printed: string, read: string, lineEdges: readonly number[]): boolean {
  if (printed === read || printed.length < 2 || read.length < 1) return false;
  if (!LETTERS.test(printed) || !LETTERS.test(read) || UNSPACED.test(printed) || UNSPACED.test(read)) return false;
  // digits for digits is a different number, never a misreading
  if (/^\p{N}+$/u.test(printed)) return false;
  return marginDamage(printed, read, lineEdges) || glyphConfusions(printed, read);
}

/** One letter lost, or misread, where a printed line begins or ends. */
function marginDamage(printed: string, read: string, lineEdges: readonly number[]): boolean {
  if (printed.length < 3) return false;
  for (const edge of lineEdges) {
    // the letter at a line's start is at `edge`; the one at a line's end just before it
    for (const k of [edge, edge - 1]) {
      if (k < 0 || k >= printed.length) continue;
      if (printed.slice(0, k) + printed.slice(k + 1) === read) return true;
      if (read.length === printed.length && printed.slice(0, k) === read.slice(0, k) && printed.slice(k + 1) === read.slice(k + 1)) return true;
    }
  }
  return false;
}

/** At most two (one in a short word) of the confusions, the rest letter for letter. */
function glyphConfusions(printed: string, read: string): boolean {
  const allowed = printed.length <= 4 ? 1 : 2;
  // fewest confusions to turn printed[i..] into read[j..]; small words, so a plain search
  const memo = new Map<number, number>();
  const cost = (i: number, j: number): number => {
    if (i === printed.length && j === read.length) return 0;
    const key = i * 64 + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let best = Infinity;
    if (i < printed.length && j < read.length && printed[i] === read[j]) best = cost(i + 1, j + 1);
    const tryPair = ([from, to]: readonly [string, string]) => {
      if (printed.startsWith(from, i) && read.startsWith(to, j)) best = Math.min(best, 1 + cost(i + from.length, j + to.length));
    };
    for (const pair of CONFUSIONS) tryPair(pair);
    if (i > 0) for (const pair of INSIDE_ONLY) tryPair(pair);
    memo.set(key, best);
    return best;
  };
  if (printed.length > 40 || read.length > 40) return false;
  return cost(0, 0) <= allowed;
}

/** Where printed lines begin or end inside or at the edges of source word `s`, as positions in its key. */
export function lineEdgesOf(source: string, tokens: Tokens, s: number): number[] {
  const start = tokens.starts[s]!;
  const end = tokens.ends[s]!;
  const edges: number[] = [];
  const before = source.slice(s > 0 ? tokens.ends[s - 1]! : 0, start);
  // a real line break only: the start or end of the whole text is no printed margin
  if (/\n/.test(before)) edges.push(0);
  const raw = source.slice(start, end);
  for (let k = raw.indexOf('\n'); k >= 0; k = raw.indexOf('\n', k + 1)) edges.push(wordKey(raw.slice(0, k)).length);
  const after = source.slice(end, s + 1 < tokens.count ? tokens.starts[s + 1]! : source.length);
  if (/\n/.test(after)) edges.push(wordKey(raw).length);
  return edges;
}

/**
 * Splits each unbracketed alteration of word for word (as many quotation words as source
 * words) so that a word the OCR misread becomes a `match` flagged `ocrReading`; the other
 * words stay alterations. Everything else is passed through as it is.
 */
export function readPastOcrErrors(items: Item[], quoteKeys: readonly string[], source: string, sourceTokens: Tokens): Item[] {
  const out: Item[] = [];
  for (const item of items) {
    const words = item.quoteTo - item.quoteFrom;
    if (item.kind !== 'alteration' || item.editorial || words === 0 || words !== item.sourceTo - item.sourceFrom) {
      out.push(item);
      continue;
    }
    const misread = Array.from({ length: words }, (_v, k) =>
      isOcrMisreading(quoteKeys[item.quoteFrom + k]!, sourceTokens.keys[item.sourceFrom + k]!, lineEdgesOf(source, sourceTokens, item.sourceFrom + k)));
    if (!misread.some(Boolean)) {
      out.push(item);
      continue;
    }
    for (let k = 0; k < words; ) {
      let end = k + 1;
      while (end < words && misread[end] === misread[k]) end++;
      out.push({
        ...item,
        kind: misread[k] ? 'match' : 'alteration',
        quoteFrom: item.quoteFrom + k, quoteTo: item.quoteFrom + end,
        sourceFrom: item.sourceFrom + k, sourceTo: item.sourceFrom + end,
        ...(misread[k] ? { ocrReading: true } : {}),
      });
      k = end;
    }
  }
  return out;
}
