/**
 * The app's one cache of comparisons (lru-cache 11), keyed by a SHA-256 of the
 * quotation, the source and the options, so the home page's verdicts, a case's page, its
 * exercise and its exports do not recompute what has not changed. Comparisons are pure
 * functions of their inputs (DESIGN.md), so a hit is always right; entries still expire
 * (`ttlMs`) and the whole cache is bounded by the size of what it holds (`maxBytes`,
 * counted from the texts the comparisons copy), not only by their number.
 *
 * `compare` is asynchronous and computes a pair at most once at a time: requests that
 * ask for the same pair while it is being computed wait for that one computation.
 * Where the computation runs (the main thread, a worker pool) is the `compareFn`'s
 * business, given by src/web/app.ts.
 *
 * Deliberately not here: persistence (a restart recomputes), sharing between
 * processes, or caching anything but comparisons.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CompareOptions, Comparison } from '../core/types.js';

export type CompareFunction = (quote: string, source: string, options: CompareOptions) => Comparison | Promise<Comparison>;

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

/** Roughly what a comparison occupies: its segments and the text they copy (UTF-16, two bytes a character). */
export function comparisonSize(comparison: Comparison): number {
  let size = 1024;
  for (const segment of comparison.segments) {
    size += 64 + 2 * ((segment.quoteText?.length ?? 0) + (segment.sourceText?.length ?? 0));
  }
  return size;
}

export interface ComparisonCacheOptions {
  /** how many comparisons to keep (at least 1; default 200) */
  capacity?: number;
  /** how much they may occupy in all (default 64 MB) */
  maxBytes?: number;
  /** how long one is kept after it was computed (default an hour) */
  ttlMs?: number;
}

interface Pair {
  quote: string;
  source: string;
  options: CompareOptions;
}

export class ComparisonCache {
  private readonly entries: LRUCache<string, Comparison, Pair>;
  readonly capacity: number;

  constructor(
    private readonly compareFn: CompareFunction,
    { capacity = 200, maxBytes = 64 * 1024 * 1024, ttlMs = 60 * 60_000 }: ComparisonCacheOptions = {},
  ) {
    if (!(capacity >= 1)) throw new RangeError('A comparison cache needs room for at least one comparison.');
    this.capacity = capacity;
    this.entries = new LRUCache<string, Comparison, Pair>({
      max: capacity,
      maxSize: maxBytes,
      // a comparison larger than the whole cache is still returned, just not kept
      sizeCalculation: (comparison) => Math.min(comparisonSize(comparison), maxBytes),
      ttl: ttlMs,
      fetchMethod: async (_key, _stale, { context }) => this.compareFn(context.quote, context.source, context.options),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The comparison of this pair under these options, computed at most once while it stays cached. */
  async compare(quote: string, source: string, options: CompareOptions = {}): Promise<Comparison> {
    const key = comparisonKey(quote, source, options);
    const comparison = await this.entries.fetch(key, { context: { quote, source, options } });
    // fetch() resolves undefined only when fetchMethod does, which compareFn never does
    return comparison as Comparison;
  }

  /** Forgets every comparison (e.g. after the engine changed under a running test). */
  clear(): void {
    this.entries.clear();
  }
}
