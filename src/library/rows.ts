/**
 * The library's rows read back, and the keys and bytes written, the same on both engines
 * (src/library/sqlite-library.ts, src/library/pg-library.ts). Each engine keeps its own SQL.
 */
import type { Citation } from '../cases/types.js';
import { foldForSearch } from '../store/search-key.js';
import type { LibrarySource, Provenance, SourceOrigin, SourceSummary, WhereEntry } from './types.js';

/** The summary columns of library_sources (added_at as SQLite's text or PostgreSQL's timestamp). */
export interface SummaryRow {
  id: number;
  title: string;
  citation: string;
  characters: number;
  words: number;
  sha256: string;
  origin: SourceOrigin;
  added_at: string | Date;
  case_count: number;
}

/** A whole source's columns: the summary, its text, provenance and page map (JSON), and the kept original's size. */
export interface SourceRow extends SummaryRow {
  text: string;
  provenance: string;
  where_map: string;
  original_bytes: number | string;
}

export function toSummary(row: SummaryRow): SourceSummary {
  const citation = JSON.parse(row.citation) as Citation;
  const summary: SourceSummary = {
    id: row.id,
    title: row.title,
    characters: row.characters,
    words: row.words,
    sha256: row.sha256,
    origin: row.origin,
    caseCount: row.case_count,
    addedAt: row.added_at instanceof Date ? row.added_at.toISOString() : row.added_at,
  };
  if (citation.author) summary.author = citation.author;
  return summary;
}

export function toLibrarySource(row: SourceRow): LibrarySource {
  return {
    ...toSummary(row),
    text: row.text,
    citation: JSON.parse(row.citation) as Citation,
    provenance: JSON.parse(row.provenance) as Provenance,
    where: JSON.parse(row.where_map) as WhereEntry[],
    originalBytes: Number(row.original_bytes),
  };
}

/** The original file is kept beside its text up to this size (an extraction can then be redone). */
export const MAX_ORIGINAL_BYTES = 20 * 1024 * 1024;

/** The original file's bytes to keep, or null when there are none or too many. */
export function keptOriginal(original: Uint8Array | undefined): Buffer | null {
  return original && original.byteLength <= MAX_ORIGINAL_BYTES ? Buffer.from(original) : null;
}

/** The search keys of a source: its title and citation words, and its author. */
export function searchKeysOf(title: string, citation: Citation): [string, string] {
  const parts = [title, ...Object.values(citation).filter((v): v is string => typeof v === 'string')];
  return [foldForSearch(parts.join('\n')), foldForSearch(citation.author ?? '')];
}
