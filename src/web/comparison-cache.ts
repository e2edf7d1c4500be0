/**
 * A small least-recently-used cache of comparisons, keyed by a SHA-256 of the
 * quotation, the source and the options, so the home page's verdicts and repeated
 * case views do not recompute what has not changed. Comparisons are pure functions
 * of their inputs (DESIGN.md), so a hit is always right; nothing is ever invalidated.
 *
 * Deliberately not here: persistence (a restart recomputes), sharing between
 * processes, or caching anything but comparisons.
 */
import { createHash } from 'node:crypto';
import type { CompareOptions, Comparison } from '../core/types.js';

export type CompareFunction = (quote: string, source: string, options?: CompareOptions) => Comparison;

/** Hashing a 10 MB source takes ~20 ms; comparing it takes longer, so the key pays for itself. */
export function comparisonKey(quote: string, source: string, options: CompareOptions = {}): string {
  const hash = createHash('sha256');
  // Lengths first, so ("ab", "c") and ("a", "bc") cannot collide.
  hash.update(`${quote.length}:${source.length}:${JSON.stringify(sortedOptions(options))}\n`);
  hash.update(quote);
  hash.update('\u0000');
  hash.update(source);
  return hash.digest('hex');
}

function sortedOptions(options: CompareOptions): Array<[string, unknown]> {
  return Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
}

export class ComparisonCache {
  private readonly entries = new Map<string, Comparison>();

  /** `capacity`: how many comparisons to keep (at least 1). */
  constructor(
    private readonly compareFn: CompareFunction,
    readonly capacity = 200,
  ) {
    if (!(capacity >= 1)) throw new RangeError('A comparison cache needs room for at least one comparison.');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The comparison of this pair under these options, computed at most once while it stays cached. */
  compare(quote: string, source: string, options: CompareOptions = {}): Comparison {
    const key = comparisonKey(quote, source, options);
    const hit = this.entries.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const comparison = this.compareFn(quote, source, options);
    this.entries.set(key, comparison);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return comparison;
  }
}
