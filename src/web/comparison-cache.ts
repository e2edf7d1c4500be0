/**
 * The comparisons the compare pool (src/web/compare-pool.ts) has computed, kept so that
 * a case viewed again, its exports, its exercise and the home page's verdicts do not
 * compute again what has not changed. Comparisons are pure functions of (quotation,
 * source, options) (docs/design.md), so a hit is always right and nothing needs
 * invalidating: an edited case has other texts, hence other keys.
 *
 * Keys are SHA-256 hashes of the inputs, so a 10 MB source is never kept twice as a
 * key. The cache is bounded by size (an estimate of each comparison's bytes, measured in
 * the worker) and by age (lru-cache 11). It also remembers, for a shorter while, that a
 * case could not be compared within its budget, so that a stranger reloading such a
 * case does not put the workers to the same hopeless work again and again.
 *
 * Deliberately not here: computing (the pool does, in its workers), persistence (a
 * restart recomputes), sharing between processes.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CompareOptions, Comparison } from '../core/types.js';

export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
/** Comparisons are right forever; the age bound only frees memory of cases nobody reads. */
export const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;
/** How long "over budget" is believed: long enough to blunt reloads, short enough to forgive a busy moment. */
export const OVER_BUDGET_TTL_MS = 10 * 60 * 1000;

/** A SHA-256 of a source, computed once per request however many quotations it has (~20 ms for 10 MB). */
export function sourceDigest(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

/** The key of one comparison: the quotation and options in full, the source by its digest. */
export function comparisonKey(quote: string, digestOfSource: string, options: CompareOptions = {}): string {
  const hash = createHash('sha256');
  // Lengths and a separator first, so no text can pass for another field.
  hash.update(`${quote.length}:${digestOfSource}:${JSON.stringify(sortedOptions(options))}\n`);
  hash.update(quote);
  return hash.digest('hex');
}

/** The key of a whole job (a case's quotations, or one pasted pair) under its budgets. */
export function jobKey(quoteKeys: readonly string[], budgets: { totalMs: number; eachMs: number }): string {
  return createHash('sha256').update(`${budgets.totalMs}:${budgets.eachMs}:${quoteKeys.join(',')}`).digest('hex');
}

function sortedOptions(options: CompareOptions): Array<[string, unknown]> {
  return Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Which budget a job outran: one quotation's, or the whole case's. */
export interface OverBudget {
  scope: 'quotation' | 'case';
  budgetMs: number;
}

type Entry = { comparison: Comparison } | { overBudget: OverBudget };

export interface ComparisonCacheOptions {
  /** total estimated bytes of the comparisons kept */
  maxBytes?: number;
  ttlMs?: number;
}

export class ComparisonCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor({ maxBytes = DEFAULT_CACHE_BYTES, ttlMs = DEFAULT_CACHE_TTL_MS }: ComparisonCacheOptions = {}) {
    if (!(maxBytes >= 1)) throw new RangeError('A comparison cache needs room for at least one byte.');
    this.entries = new LRUCache<string, Entry>({ maxSize: maxBytes, ttl: ttlMs, ttlAutopurge: false, updateAgeOnGet: false });
  }

  /** How many entries are kept (comparisons and over-budget marks). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): Comparison | undefined {
    const entry = this.entries.get(key);
    return entry && 'comparison' in entry ? entry.comparison : undefined;
  }

  /** `bytes`: the comparison's size as JSON (the worker measures it, off the main thread). */
  set(key: string, comparison: Comparison, bytes: number): void {
    // A comparison larger than the whole cache is simply not kept (lru-cache refuses it).
    this.entries.set(key, { comparison }, { size: Math.max(1, Math.ceil(bytes)) });
  }

  /** Which budget a job outran, if it was stopped lately. */
  overBudget(key: string): OverBudget | undefined {
    const entry = this.entries.get(key);
    return entry && 'overBudget' in entry ? entry.overBudget : undefined;
  }

  markOverBudget(key: string, budget: OverBudget): void {
    this.entries.set(key, { overBudget: budget }, { size: 100 + key.length, ttl: OVER_BUDGET_TTL_MS });
  }
}
