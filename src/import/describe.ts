/** Provenance as one line a reader can check, for pages, citations and exports. */
import type { SourceProvenance, WhereEntry } from './types.js';

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * "Imported from https://… (application/pdf, 1.2 MB, SHA-256 fd1a9c…2c), read by pdfjs-dist 5.6.205
 * on 2026-11-29; Project Gutenberg licence set aside."
 */
export function describeProvenance(provenance: Partial<SourceProvenance> | undefined): string | undefined {
  if (!provenance || (!provenance.url && !provenance.file)) return undefined;
  const from = provenance.url ? provenance.url : `the file “${provenance.file}”`;
  const facts = [
    provenance.mediaType,
    typeof provenance.bytes === 'number' ? size(provenance.bytes) : undefined,
    provenance.sha256 ? `SHA-256 ${provenance.sha256}` : undefined,
  ].filter(Boolean);
  const when = provenance.retrievedAt ? ` on ${provenance.retrievedAt.slice(0, 10)}` : '';
  const by = provenance.extractedBy ? `, read by ${provenance.extractedBy}${when}` : when;
  const extras = [
    provenance.encoding && provenance.encoding !== 'utf-8' ? `encoding ${provenance.encoding}` : undefined,
    provenance.gutenberg ? 'Project Gutenberg licence set aside' : undefined,
    provenance.notes?.length ? `${provenance.notes.length} note${provenance.notes.length === 1 ? '' : 's'} set apart` : undefined,
  ].filter(Boolean);
  return `Imported from ${from}${facts.length ? ` (${facts.join(', ')})` : ''}${by}${extras.length ? `; ${extras.join('; ')}` : ''}.`;
}

/** Parses a where map sent back by a form (a hidden field); anything malformed is no map at all. */
export function parseWhereMap(json: string): WhereEntry[] | undefined {
  if (json.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length > 100_000) return undefined;
  const entries: WhereEntry[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') return undefined;
    const { start, page, chapter, heading } = item as Record<string, unknown>;
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) return undefined;
    const entry: WhereEntry = { start };
    if (typeof page === 'number' || (typeof page === 'string' && page.length <= 100)) entry.page = page;
    if (typeof chapter === 'string' && chapter.length <= 1000) entry.chapter = chapter;
    if (typeof heading === 'string' && heading.length <= 1000) entry.heading = heading;
    entries.push(entry);
  }
  return entries.sort((a, b) => a.start - b.start);
}

/** Parses provenance sent back by a form; only its known fields, as text or numbers. */
export function parseProvenance(json: string): Partial<SourceProvenance> | undefined {
  if (json.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['url', 'file', 'mediaType', 'extractedBy', 'retrievedAt', 'sha256', 'encoding', 'title', 'author'] as const) {
    if (typeof raw[key] === 'string' && (raw[key] as string).length <= 2000) out[key] = raw[key];
  }
  for (const key of ['bytes', 'pages', 'chapters'] as const) if (typeof raw[key] === 'number') out[key] = raw[key];
  const gutenberg = raw.gutenberg as Record<string, unknown> | undefined;
  if (gutenberg && typeof gutenberg.header === 'string' && typeof gutenberg.footer === 'string') out.gutenberg = { header: gutenberg.header, footer: gutenberg.footer };
  if (Array.isArray(raw.notes) && raw.notes.every((note) => typeof note === 'string')) out.notes = raw.notes;
  if (typeof out.url === 'string' && !/^https?:\/\//i.test(out.url as string)) delete out.url;
  return Object.keys(out).length > 0 ? (out as Partial<SourceProvenance>) : undefined;
}
