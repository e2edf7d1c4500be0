/**
 * The prepared (tokenized) forms of recent sources, keyed by the source text itself, so a
 * source compared against many quotations is read once. The cache changes only speed,
 * never a result; it is the one piece of state in the core, and holds nothing but what
 * the inputs determine.
 */
import { prepareSource, type PreparedSource } from './locate.js';

const CACHE_LIMIT_CHARS = 64 * 1024 * 1024;
const preparedSources = new Map<string, PreparedSource>();
let cachedChars = 0;

/** The prepared form of a source, from the cache when this exact text was seen recently. */
export function preparedSourceFor(source: string): PreparedSource {
  const hit = preparedSources.get(source);
  if (hit) {
    // refresh its place in the insertion-ordered map: least recently used goes first
    preparedSources.delete(source);
    preparedSources.set(source, hit);
    return hit;
  }
  const prepared = prepareSource(source);
  preparedSources.set(source, prepared);
  cachedChars += source.length;
  for (const [text] of preparedSources) {
    if (cachedChars <= CACHE_LIMIT_CHARS || preparedSources.size <= 1) break;
    preparedSources.delete(text);
    cachedChars -= text.length;
  }
  return prepared;
}

/** Is this source's prepared form in the cache? */
export function isPrepared(source: string): boolean {
  return preparedSources.has(source);
}

/** Empties the cache of prepared sources (for benchmarks of cold comparisons). */
export function forgetPreparedSources(): void {
  preparedSources.clear();
  sightings.clear();
  cachedChars = 0;
}

const SIGHTINGS_KEPT = 16;
const sightings = new Set<string>();

/** Has this source been compared before (so preparing it whole will pay off)? Records it. */
export function seenBefore(source: string): boolean {
  if (sightings.has(source)) return true;
  sightings.add(source);
  if (sightings.size > SIGHTINGS_KEPT) sightings.delete(sightings.values().next().value!);
  return false;
}
