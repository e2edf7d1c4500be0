/**
 * A first look at a large source never seen before: where could the quotation stand,
 * found by searching the raw text for a few rare words of each fragment, so that only
 * that stretch of the source needs cutting into words.
 *
 * Reading every word of a 1 MB source costs about as much as lower-casing it and
 * splitting it with a regex (the benchmark's floor); a handful of `indexOf` scans for
 * long words costs a fraction of that. The answer is only a region to prepare: compare()
 * runs the whole pipeline inside it and falls back to the whole source whenever the
 * result could differ (a fragment not found there, a placement at the region's edge).
 * So this changes speed, never the comparison.
 *
 * Deliberately not here: any decision about the comparison itself.
 */
import type { ParsedQuotation } from './quotation.js';
import { tokenize, type Tokens } from './text.js';
import type { Span } from './types.js';

const MIN_ANCHOR_LENGTH = 5;
const MAX_ANCHORS = 8;
/** An anchor seen more often than this is no help in placing a fragment. */
const MAX_HITS = 4;
/** Characters of source prepared around the anchors, beyond each fragment's own length. */
const MARGIN = 2000;
const PLAIN_KEY = /^[\p{L}\p{N}]+$/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/**
 * The stretch of the source to prepare, or null when a quick look cannot be trusted:
 * the source changes length when lower-cased, or a fragment of three or more words has
 * not exactly one place where two of its rarer words stand close together (none: it may
 * be changed or absent; several: it may be repeated, and the whole source must say so).
 */
export function quickRegion(parsed: ParsedQuotation, source: string): Span | null {
  const plans = parsed.fragments
    .map((fragment) => {
      const keys = parsed.tokens.keys.slice(fragment.firstToken, fragment.endToken).filter((_k, t) => !parsed.editorial[fragment.firstToken + t]);
      const anchors = [...new Set(keys)]
        .filter((k) => k.length >= MIN_ANCHOR_LENGTH && PLAIN_KEY.test(k))
        .sort((a, b) => b.length - a.length)
        .slice(0, MAX_ANCHORS);
      return { keys, anchors, reach: (fragment.span.end - fragment.span.start) * 1.5 + 100 };
    })
    // fragments under three words are placed inside the region, or the fallback says so
    .filter((plan) => plan.keys.length >= 3);
  if (plans.length === 0 || plans.some((plan) => plan.anchors.length < 2)) return null;

  // One pass over the source for every anchor of every fragment.
  const allAnchors = [...new Set(plans.flatMap((plan) => plan.anchors))];
  const hits = new Map<string, number[]>(allAnchors.map((a) => [a, []]));
  const lowered = source.toLowerCase();
  if (lowered.length !== source.length) return null;
  const pattern = new RegExp(allAnchors.map(escapeRegExp).join('|'), 'g');
  for (const match of lowered.matchAll(pattern)) {
    const at = match.index;
    const text = match[0];
    const before = lowered[at - 1];
    const after = lowered[at + text.length];
    if ((before !== undefined && WORD_CHAR.test(before)) || (after !== undefined && WORD_CHAR.test(after))) continue;
    const list = hits.get(text);
    if (list && list.length <= MAX_HITS) list.push(at);
  }

  let lo = Infinity;
  let hi = -Infinity;
  for (const plan of plans) {
    const hitsByAnchor = plan.anchors.map((a) => hits.get(a)!).filter((h) => h.length > 0 && h.length <= MAX_HITS);
    // a place where two different anchors stand within the fragment's reach
    const places: number[] = [];
    hitsByAnchor.forEach((list, a) => {
      for (const p of list) {
        const supported = hitsByAnchor.some((other, b) => b !== a && other.some((q) => Math.abs(q - p) <= plan.reach));
        if (supported && !places.some((known) => Math.abs(known - p) <= plan.reach)) places.push(p);
      }
    });
    if (places.length !== 1) return null;
    lo = Math.min(lo, places[0]! - plan.reach - MARGIN);
    hi = Math.max(hi, places[0]! + plan.reach + MARGIN);
  }
  let start = Math.max(0, Math.floor(lo));
  let end = Math.min(source.length, Math.ceil(hi));
  // never cut a word in two at the region's edges
  while (start > 0 && !/\s/.test(source[start - 1]!)) start--;
  while (end < source.length && !/\s/.test(source[end]!)) end++;
  return { start, end };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The words of one stretch of a source, with offsets into the whole source. */
export function tokenizeRegion(source: string, region: Span): Tokens {
  const tokens = tokenize(source.slice(region.start, region.end));
  for (let i = 0; i < tokens.count; i++) {
    tokens.starts[i] = tokens.starts[i]! + region.start;
    tokens.ends[i] = tokens.ends[i]! + region.start;
  }
  return tokens;
}
