/**
 * The library on SQLite, in the cases' own database file (table library_sources, and
 * the index of src/library/sqlite-index.ts). Adding a source writes its row and its
 * index in one transaction: a failure leaves the library as it was.
 *
 * The case store calls the synchronous functions inside its own transactions, so a
 * case and the library source it points at are saved together.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { UserError } from '../errors.js';
import { foldForSearch, searchTerms } from '../store/search-key.js';
import { keptOriginal, searchKeysOf, toLibrarySource, toSummary, type SourceRow, type SummaryRow } from './rows.js';
import { indexSourceSync, SqliteSearchIndex, unindexSourceSync } from './sqlite-index.js';
import type {
  AddOutcome,
  LibrarySource,
  LibraryStore,
  LibraryTotals,
  QuotingCase,
  SourceFilter,
  SourceInput,
  SourceOrigin,
  SourceSummary,
  WhereEntry,
} from './types.js';

export const LIBRARY_SCHEMA = `
  CREATE TABLE library_sources (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    citation TEXT NOT NULL DEFAULT '{}',
    provenance TEXT NOT NULL DEFAULT '{}',
    origin TEXT NOT NULL DEFAULT 'library',
    characters INTEGER NOT NULL,
    words INTEGER NOT NULL,
    search_key TEXT NOT NULL DEFAULT '',
    author_key TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    -- the large columns last: SQLite reads a row's columns in order, through the
    -- overflow pages of any large value before them, so lists and totals never touch these
    where_map TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL,
    original BLOB
  );
`;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const SUMMARY_COLUMNS = `s.id, s.title, s.citation, s.characters, s.words, s.sha256, s.origin, s.added_at,
  (SELECT count(*) FROM cases c WHERE c.source_id = s.id) AS case_count`;

/**
 * Finds the source with this text or adds it, inside the caller's transaction. A source
 * first brought by a case and later added to the library becomes the library's (its
 * title, citation and provenance then come from the library's add).
 */
export function ensureSourceSync(db: Database.Database, input: SourceInput, origin: SourceOrigin): { id: number; added: boolean } {
  const sha256 = sha256Hex(input.text);
  const existing = db.prepare<[string], { id: number; origin: SourceOrigin }>('SELECT id, origin FROM library_sources WHERE sha256 = ?').get(sha256);
  if (existing) {
    if (origin === 'library' && existing.origin === 'case') {
      db.prepare(`UPDATE library_sources SET origin = 'library', title = ?, citation = ?, provenance = ?, where_map = ?, original = ?,
                  search_key = ?, author_key = ? WHERE id = ?`)
        .run(input.title, JSON.stringify(input.citation ?? {}), JSON.stringify(input.provenance ?? {}), JSON.stringify(input.where ?? []),
          keptOriginal(input.original), ...searchKeysOf(input.title, input.citation ?? {}), existing.id);
    } else if (origin === 'case' && existing.origin === 'case' && (input.provenance || input.where || input.original)) {
      // a case that brings its source's provenance, map or original file (imported) gives it to the
      // shared text; a library source keeps its own, and a case that brings none leaves what is there
      if (input.provenance) db.prepare('UPDATE library_sources SET provenance = ? WHERE id = ?').run(JSON.stringify(input.provenance), existing.id);
      if (input.where) db.prepare('UPDATE library_sources SET where_map = ? WHERE id = ?').run(JSON.stringify(input.where), existing.id);
      const original = keptOriginal(input.original);
      if (original) db.prepare('UPDATE library_sources SET original = ? WHERE id = ?').run(original, existing.id);
    }
    return { id: existing.id, added: false };
  }
  const citation = input.citation ?? {};
  const { lastInsertRowid } = db
    .prepare(`INSERT INTO library_sources (sha256, text, title, citation, provenance, where_map, original, origin, characters, words, search_key, author_key, added_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`)
    .run(sha256, input.text, input.title, JSON.stringify(citation), JSON.stringify(input.provenance ?? {}), JSON.stringify(input.where ?? []),
      keptOriginal(input.original), origin, input.text.length, ...searchKeysOf(input.title, citation), new Date().toISOString());
  const id = Number(lastInsertRowid);
  const words = indexSourceSync(db, id, input.text);
  db.prepare('UPDATE library_sources SET words = ? WHERE id = ?').run(words, id);
  return { id, added: true };
}

/** Drops a source a case brought once no case quotes it any more (inside the caller's transaction). */
export function dropIfOrphanSync(db: Database.Database, id: number | null | undefined): void {
  if (id === null || id === undefined) return;
  const row = db
    .prepare<[number], { origin: SourceOrigin; uses: number }>('SELECT origin, (SELECT count(*) FROM cases WHERE source_id = s.id) AS uses FROM library_sources s WHERE id = ?')
    .get(id);
  if (!row || row.origin !== 'case' || row.uses > 0) return;
  unindexSourceSync(db, id);
  db.prepare('DELETE FROM library_sources WHERE id = ?').run(id);
}

export class SqliteLibraryStore implements LibraryStore {
  readonly index: SqliteSearchIndex;

  constructor(private readonly db: Database.Database) {
    this.index = new SqliteSearchIndex(db);
  }

  async add(input: SourceInput): Promise<AddOutcome> {
    if (input.text.trim() === '') throw new UserError('The source has no text.');
    const { id, added } = this.db.transaction(() => ensureSourceSync(this.db, input, 'library'))();
    return { outcome: added ? 'added' : 'already-there', source: (await this.summary(id))! };
  }

  async get(id: number): Promise<LibrarySource | undefined> {
    const row = this.db
      .prepare<[number], SourceRow>(`SELECT ${SUMMARY_COLUMNS}, s.text, s.provenance, s.where_map, coalesce(length(s.original), 0) AS original_bytes
                                     FROM library_sources s WHERE s.id = ?`)
      .get(id);
    if (!row) return undefined;
    return toLibrarySource(row);
  }

  async text(id: number, start?: number, end?: number): Promise<string | undefined> {
    // offsets are UTF-16 units, which SQLite's substr() does not count: slice here
    const text = this.db.prepare<[number], string>('SELECT text FROM library_sources WHERE id = ?').pluck().get(id);
    return text === undefined || start === undefined ? text : text.slice(start, end);
  }

  async whereMap(id: number): Promise<WhereEntry[]> {
    const json = this.db.prepare<[number], string>('SELECT where_map FROM library_sources WHERE id = ?').pluck().get(id);
    return json ? (JSON.parse(json) as WhereEntry[]) : [];
  }

  async original(id: number): Promise<Uint8Array | undefined> {
    const bytes = this.db.prepare<[number], Buffer | null>('SELECT original FROM library_sources WHERE id = ?').pluck().get(id);
    return bytes ? new Uint8Array(bytes) : undefined;
  }

  async list(filter: SourceFilter = {}): Promise<SourceSummary[]> {
    const where: string[] = [];
    const params: string[] = [];
    for (const term of searchTerms(filter.q ?? '')) {
      where.push('instr(s.search_key, ?) > 0');
      params.push(term);
    }
    const author = foldForSearch(filter.author ?? '').trim();
    if (author !== '') {
      where.push('instr(s.author_key, ?) > 0');
      params.push(author);
    }
    return this.db
      .prepare<string[], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM library_sources s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                                      ORDER BY s.title COLLATE NOCASE, s.id`)
      .all(...params)
      .map(toSummary);
  }

  async authors(): Promise<string[]> {
    return this.db
      .prepare<[], string>(`SELECT DISTINCT json_extract(citation, '$.author') AS a FROM library_sources WHERE a IS NOT NULL AND a != '' ORDER BY a COLLATE NOCASE`)
      .pluck()
      .all();
  }

  async totals(): Promise<LibraryTotals> {
    const row = this.db.prepare<[], { sources: number; characters: number | null }>('SELECT count(*) AS sources, sum(characters) AS characters FROM library_sources').get()!;
    return { sources: row.sources, characters: row.characters ?? 0 };
  }

  async casesQuoting(id: number): Promise<QuotingCase[]> {
    const cases = this.db.prepare<[number], { id: number; slug: string; title: string }>('SELECT id, slug, title FROM cases WHERE source_id = ? ORDER BY title COLLATE NOCASE, slug').all(id);
    const quotationsOf = this.db.prepare<[number], { text: string; author: string | null }>(
      "SELECT text, json_extract(quoted_by, '$.author') AS author FROM quotations WHERE case_id = ? ORDER BY position",
    );
    return cases.map((c) => ({
      slug: c.slug,
      title: c.title,
      quotations: quotationsOf.all(c.id).map((q) => (q.author ? { text: q.text, quotedBy: q.author } : { text: q.text })),
    }));
  }

  async remove(id: number): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.db.prepare<[number], { uses: number }>('SELECT (SELECT count(*) FROM cases WHERE source_id = s.id) AS uses FROM library_sources s WHERE id = ?').get(id);
      if (!row) return false;
      if (row.uses > 0) throw new UserError(`This source is quoted by ${row.uses} case${row.uses === 1 ? '' : 's'}; delete ${row.uses === 1 ? 'it' : 'them'} first.`, 409);
      unindexSourceSync(this.db, id);
      this.db.prepare('DELETE FROM library_sources WHERE id = ?').run(id);
      return true;
    })();
  }

  private async summary(id: number): Promise<SourceSummary | undefined> {
    const row = this.db.prepare<[number], SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM library_sources s WHERE s.id = ?`).get(id);
    return row ? toSummary(row) : undefined;
  }
}

