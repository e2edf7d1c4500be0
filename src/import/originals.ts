/**
 * The original files of recent imports, held in this process's memory until a case is
 * saved with their text, so the case keeps its original (in the library, beside the
 * text: src/library) without the form carrying megabytes of bytes back and forth.
 *
 * The forms and POST /api/sources import; the user checks the text, then saves. The
 * save finds the bytes here by the SHA-256 its provenance names — a key this server
 * computed from the bytes themselves, so a form cannot attach other bytes. Bounded:
 * each original at most MAX_KEPT_ORIGINAL_BYTES (and never plain text, which is its own
 * original), all together at most `maxBytes`, each for at most `ttlMs`. With several
 * servers a save that reaches another server than the import did finds nothing here:
 * the case is then saved without its original, and its provenance says so.
 */
import { LRUCache } from 'lru-cache';
import type { SourceProvenance } from './types.js';

import { MAX_KEPT_ORIGINAL_BYTES } from '../limits.js';

export { MAX_KEPT_ORIGINAL_BYTES };

/** Whether an original of this media type and size is kept: not plain text (its text is its original), at most 5 MB. */
export function keepsOriginal(provenance: Pick<SourceProvenance, 'mediaType'>, bytes: number): boolean {
  return provenance.mediaType !== 'text/plain' && bytes > 0 && bytes <= MAX_KEPT_ORIGINAL_BYTES;
}

export class RecentOriginals {
  private readonly entries: LRUCache<string, Uint8Array>;

  constructor(options: { maxBytes?: number; ttlMs?: number } = {}) {
    this.entries = new LRUCache<string, Uint8Array>({
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (bytes) => Math.max(1, bytes.byteLength),
      ttl: options.ttlMs ?? 60 * 60 * 1000,
      updateAgeOnGet: false,
    });
  }

  /** Holds the bytes of an import just read, when they are of a kind and size kept. */
  remember(bytes: Uint8Array, provenance: Pick<SourceProvenance, 'mediaType' | 'sha256'>): void {
    if (!keepsOriginal(provenance, bytes.byteLength)) return;
    // a copy: an upload's bytes may be a view into a larger buffer, which would stay alive with it
    this.entries.set(provenance.sha256, new Uint8Array(bytes));
  }

  /** The original whose bytes hash to `sha256`, if it was imported here lately. */
  find(sha256: string | undefined): Uint8Array | undefined {
    return sha256 ? this.entries.get(sha256) : undefined;
  }
}
