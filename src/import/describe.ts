/** What a form sends back of an imported source (its provenance and map, in hidden fields), parsed safely. */
import type { SourceProvenance, WhereEntry } from './types.js';

// (the provenance line a reader sees is src/present/provenance.ts)

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
