/**
 * An imported source's provenance as one line a reader can check: the same words under
 * the citation on the case page, the compare page and every export that prints a
 * citation (HTML, Markdown, TEI, Web Annotation, ClaimReview). Plain text: each surface
 * escapes it for its own format (a file name or an address is user text).
 */
import type { SourceProvenance } from '../import/types.js';
import { MAX_KEPT_ORIGINAL_BYTES } from '../limits.js';

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** "2026-11-29T22:00:05.000Z" → "2026-11-29 at 22:00 UTC"; anything else as it is. */
function when(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} at ${match[2]} UTC` : iso;
}

/**
 * "Imported from https://… (application/pdf, 1.2 MB, SHA-256 fd1a9c…), read by pdfjs-dist 5.6.205
 * on 2026-11-29 at 22:00 UTC; Project Gutenberg licence set aside." Undefined for a pasted source.
 */
export function describeProvenance(provenance: Partial<SourceProvenance> | undefined): string | undefined {
  if (!provenance || (!provenance.url && !provenance.file)) return undefined;
  const from = provenance.url ? provenance.url : `the file “${provenance.file}”`;
  const facts = [
    provenance.mediaType,
    typeof provenance.bytes === 'number' ? formatSize(provenance.bytes) : undefined,
    provenance.sha256 ? `SHA-256 ${provenance.sha256}` : undefined,
  ].filter(Boolean);
  const on = provenance.retrievedAt ? ` on ${when(provenance.retrievedAt)}` : '';
  const by = provenance.extractedBy ? `, read by ${provenance.extractedBy}${on}` : on;
  const extras = [
    provenance.encoding && provenance.encoding !== 'utf-8' ? `encoding ${provenance.encoding}` : undefined,
    provenance.gutenberg ? 'Project Gutenberg licence set aside' : undefined,
    provenance.notes?.length ? `${provenance.notes.length} note${provenance.notes.length === 1 ? '' : 's'} set apart` : undefined,
  ].filter(Boolean);
  return `Imported from ${from}${facts.length ? ` (${facts.join(', ')})` : ''}${by}${extras.length ? `; ${extras.join('; ')}` : ''}.`;
}

/**
 * Whether a stored source's original file is kept beside it: "original file kept (121 KB)",
 * "original file not kept (over 5 MB)", or "original file not kept"; undefined for plain
 * text, whose text is its original, and for a pasted source.
 */
export function describeOriginal(source: { provenance?: Partial<SourceProvenance>; originalBytes?: number }): string | undefined {
  const { provenance, originalBytes } = source;
  if (!provenance || (!provenance.url && !provenance.file)) return undefined;
  if (originalBytes && originalBytes > 0) return `original file kept (${formatSize(originalBytes)})`;
  if (provenance.mediaType === 'text/plain') return undefined;
  if (typeof provenance.bytes === 'number' && provenance.bytes > MAX_KEPT_ORIGINAL_BYTES) {
    return `original file not kept (over ${formatSize(MAX_KEPT_ORIGINAL_BYTES)})`;
  }
  return 'original file not kept';
}

/** A stored case's source: its provenance line, and whether its original file is kept. */
export function describeSourceProvenance(source: { provenance?: Partial<SourceProvenance>; originalBytes?: number }): string | undefined {
  const line = describeProvenance(source.provenance);
  const original = describeOriginal(source);
  return line && original ? `${line.replace(/\.$/, '')}; ${original}.` : line;
}
