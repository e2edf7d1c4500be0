/**
 * The library of sources on PostgreSQL: the same tables and rules as on SQLite
 * (src/library/sqlite-library.ts, sqlite-index.ts), so `find` gives the same answers on
 * both engines. Each source once (keyed by the SHA-256 of its text), shared by the cases
 * that quote it; its passages indexed by the same hashed word pairs
 * (src/library/shingles.ts), kept per passage in a `text[]` column under a GIN index —
 * PostgreSQL's inverted index, which plays the part of SQLite's contentless FTS5 table:
 * "which passages hold this pair" is one index lookup (`terms @> ARRAY[pair]`), and
 * "which hold all of these" one more.
 *
 * The case store (src/store/pg-case-store.ts) calls ensureSource and dropIfOrphan inside
 * its own transactions, so a case and the source it points at are saved together.
 */
import type pg from 'pg';
import { chooseWindows, rankWindows, scoreCommonOnly, scorePostings, spread, usableTerms, type PassageScore } from './windows.js';
import { UserError } from '../errors.js';
import { foldForSearch, searchTerms } from '../store/search-key.js';
import { keptOriginal, searchKeysOf, toLibrarySource, toSummary, type SourceRow, type SummaryRow } from './rows.js';
import { passagesOf, shingleTerms } from './shingles.js';
import { sha256Hex } from './sqlite-library.js';
// the same limits as on SQLite, so both engines propose the same candidates
import { MAX_AND_TERMS, MAX_TERMS_PER_FRAGMENT, RARE_LIMIT } from './sqlite-index.js';
import type {
  AddOutcome,
  CandidatePassage,
  FragmentQuery,
  LibrarySource,
  LibraryStore,
  LibraryTotals,
  QuotingCase,
  SearchIndex,
  SourceFilter,
  SourceInput,
  SourceOrigin,
  SourceSummary,
  WhereEntry,
} from './types.js';

/** The schema (src/store/pg-migrations.ts, version 2). */
export const PG_LIBRARY_SCHEMA = `
  CREATE TABLE library_sources (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256 text NOT NULL UNIQUE,
    text text NOT NULL,
    title text NOT NULL,
    citation text NOT NULL DEFAULT '{}',
    provenance text NOT NULL DEFAULT '{}',
    where_map text NOT NULL DEFAULT '[]',
    original bytea,
    origin text NOT NULL DEFAULT 'library',
    characters integer NOT NULL,
    words integer NOT NULL,
    search_key text NOT NULL DEFAULT '',
    author_key text NOT NULL DEFAULT '',
    added_at timestamptz NOT NULL
  );
  CREATE TABLE library_passages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id integer NOT NULL REFERENCES library_sources(id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    terms text[] NOT NULL
  );
  CREATE INDEX library_passages_by_source ON library_passages(source_id, id);
  CREATE INDEX library_passages_terms ON library_passages USING gin (terms);
`;


type Queryable = Pick<pg.PoolClient, 'query'>;

/** Indexes one source's passages (inside the caller's transaction); returns its number of words. */
export async function indexSource(client: Queryable, sourceId: number, text: string): Promise<number> {
  const { passages, words } = passagesOf(text);
  // a few hundred passages per statement, from arrays
  for (let from = 0; from < passages.length; from += 500) {
    const chunk = passages.slice(from, from + 500);
    await client.query(
      // in order, so a passage's neighbour in the text has the neighbouring id (the scoring joins them)
      `INSERT INTO library_passages (source_id, start_offset, end_offset, terms)
       SELECT $1, s, e, string_to_array(t, ' ') FROM unnest($2::int[], $3::int[], $4::text[]) WITH ORDINALITY AS x(s, e, t, ord) ORDER BY ord`,
      [sourceId, chunk.map((p) => p.start), chunk.map((p) => p.end), chunk.map((p) => p.terms)],
    );
  }
  return words;
}

/** Finds the source with this text or adds it (inside the caller's transaction). */
export async function ensureSource(client: Queryable, input: SourceInput, origin: SourceOrigin): Promise<{ id: number; added: boolean }> {
  const sha256 = sha256Hex(input.text);
  const citation = input.citation ?? {};
  const { rows } = await client.query<{ id: number; origin: SourceOrigin }>('SELECT id, origin FROM library_sources WHERE sha256 = $1 FOR UPDATE', [sha256]);
  const existing = rows[0];
  if (existing) {
    if (origin === 'library' && existing.origin === 'case') {
      await client.query(
        `UPDATE library_sources SET origin = 'library', title = $1, citation = $2, provenance = $3, where_map = $4, original = $5,
           search_key = $6, author_key = $7 WHERE id = $8`,
        [input.title, JSON.stringify(citation), JSON.stringify(input.provenance ?? {}), JSON.stringify(input.where ?? []), keptOriginal(input.original), ...searchKeysOf(input.title, citation), existing.id],
      );
    } else if (origin === 'case' && existing.origin === 'case' && (input.provenance || input.where || input.original)) {
      // as on SQLite: a case that brings its source's provenance or map (imported) gives it to
      // the shared text; a library source keeps its own, and a case that brings none leaves what is there
      if (input.provenance) await client.query('UPDATE library_sources SET provenance = $1 WHERE id = $2', [JSON.stringify(input.provenance), existing.id]);
      if (input.where) await client.query('UPDATE library_sources SET where_map = $1 WHERE id = $2', [JSON.stringify(input.where), existing.id]);
      const original = keptOriginal(input.original);
      if (original) await client.query('UPDATE library_sources SET original = $1 WHERE id = $2', [original, existing.id]);
    }
    return { id: existing.id, added: false };
  }
  // ON CONFLICT: another server adding the same text at this moment; then it is theirs, and ours to point at
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO library_sources (sha256, text, title, citation, provenance, where_map, original, origin, characters, words, search_key, author_key, added_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12)
     ON CONFLICT (sha256) DO NOTHING RETURNING id`,
    [sha256, input.text, input.title, JSON.stringify(citation), JSON.stringify(input.provenance ?? {}), JSON.stringify(input.where ?? []),
      keptOriginal(input.original), origin, input.text.length, ...searchKeysOf(input.title, citation), new Date().toISOString()],
  );
  if (!inserted.rows[0]) {
    const again = await client.query<{ id: number }>('SELECT id FROM library_sources WHERE sha256 = $1', [sha256]);
    return { id: again.rows[0]!.id, added: false };
  }
  const id = inserted.rows[0].id;
  const words = await indexSource(client, id, input.text);
  await client.query('UPDATE library_sources SET words = $1 WHERE id = $2', [words, id]);
  return { id, added: true };
}

/** Drops a source a case brought once no case quotes it any more (inside the caller's transaction). */
export async function dropIfOrphan(client: Queryable, id: number | null | undefined): Promise<void> {
  if (id === null || id === undefined) return;
  await client.query(
    `DELETE FROM library_sources s WHERE s.id = $1 AND s.origin = 'case' AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.source_id = s.id)`,
    [id],
  );
}

const SUMMARY_COLUMNS = `s.id, s.title, s.citation, s.characters, s.words, s.sha256, s.origin, s.added_at,
  (SELECT count(*)::int FROM cases c WHERE c.source_id = s.id) AS case_count`;

/** The transaction runner the case store lends the library, so both follow the same rules (retries, 503s). */
export type RunInTransaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;
export type RunQuery = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;

export class PgLibraryStore implements LibraryStore {
  readonly index: PgSearchIndex;

  constructor(
    private readonly query: RunQuery,
    private readonly transaction: RunInTransaction,
  ) {
    this.index = new PgSearchIndex(query, transaction);
  }

  async add(input: SourceInput): Promise<AddOutcome> {
    if (input.text.trim() === '') throw new UserError('The source has no text.');
    if (input.text.includes('\u0000')) throw new UserError('The source contains a NUL character (U+0000), which cannot be stored.');
    const { id, added } = await this.transaction((client) => ensureSource(client, input, 'library'));
    return { outcome: added ? 'added' : 'already-there', source: (await this.summary(id))! };
  }

  async get(id: number): Promise<LibrarySource | undefined> {
    const { rows } = await this.query<SourceRow>(
      `SELECT ${SUMMARY_COLUMNS}, s.text, s.provenance, s.where_map, coalesce(octet_length(s.original), 0) AS original_bytes
       FROM library_sources s WHERE s.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return toLibrarySource(row);
  }

  async text(id: number, start?: number, end?: number): Promise<string | undefined> {
    // offsets are UTF-16 units, which PostgreSQL's substr() does not count: slice here
    const { rows } = await this.query<{ text: string }>('SELECT text FROM library_sources WHERE id = $1', [id]);
    const text = rows[0]?.text;
    return text === undefined || start === undefined ? text : text.slice(start, end);
  }

  async whereMap(id: number): Promise<WhereEntry[]> {
    const { rows } = await this.query<{ where_map: string }>('SELECT where_map FROM library_sources WHERE id = $1', [id]);
    return rows[0] ? (JSON.parse(rows[0].where_map) as WhereEntry[]) : [];
  }

  async original(id: number): Promise<Uint8Array | undefined> {
    const { rows } = await this.query<{ original: Buffer | null }>('SELECT original FROM library_sources WHERE id = $1', [id]);
    return rows[0]?.original ? new Uint8Array(rows[0].original) : undefined;
  }

  async list(filter: SourceFilter = {}): Promise<SourceSummary[]> {
    const where: string[] = [];
    const params: string[] = [];
    for (const term of searchTerms(filter.q ?? '')) {
      params.push(term);
      where.push(`strpos(s.search_key, $${params.length}) > 0`);
    }
    const author = foldForSearch(filter.author ?? '').trim();
    if (author !== '') {
      params.push(author);
      where.push(`strpos(s.author_key, $${params.length}) > 0`);
    }
    const { rows } = await this.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM library_sources s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY lower(s.title COLLATE "C"), s.id`,
      params,
    );
    return rows.map(toSummary);
  }

  async authors(): Promise<string[]> {
    const { rows } = await this.query<{ a: string }>(
      `SELECT DISTINCT citation::json->>'author' AS a, lower(citation::json->>'author' COLLATE "C") AS k FROM library_sources
       WHERE coalesce(citation::json->>'author', '') <> '' ORDER BY k, a`,
    );
    return rows.map((row) => row.a);
  }

  async totals(): Promise<LibraryTotals> {
    const { rows } = await this.query<{ sources: number; characters: string | null }>('SELECT count(*)::int AS sources, sum(characters) AS characters FROM library_sources');
    return { sources: rows[0]!.sources, characters: Number(rows[0]!.characters ?? 0) };
  }

  async casesQuoting(id: number): Promise<QuotingCase[]> {
    const { rows } = await this.query<{ slug: string; title: string; quotations: Array<{ text: string; author: string | null }> }>(
      `SELECT c.slug, c.title,
              coalesce((SELECT json_agg(json_build_object('text', q.text, 'author', q.quoted_by::json->>'author') ORDER BY q.position)
                        FROM quotations q WHERE q.case_id = c.id), '[]'::json) AS quotations
       FROM cases c WHERE c.source_id = $1 ORDER BY lower(c.title COLLATE "C"), c.slug COLLATE "C"`,
      [id],
    );
    return rows.map((c) => ({
      slug: c.slug,
      title: c.title,
      quotations: c.quotations.map((q) => (q.author ? { text: q.text, quotedBy: q.author } : { text: q.text })),
    }));
  }

  async remove(id: number): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ uses: number }>(
        'SELECT (SELECT count(*)::int FROM cases WHERE source_id = s.id) AS uses FROM library_sources s WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!rows[0]) return false;
      const uses = rows[0].uses;
      if (uses > 0) throw new UserError(`This source is quoted by ${uses} case${uses === 1 ? '' : 's'}; delete ${uses === 1 ? 'it' : 'them'} first.`, 409);
      await client.query('DELETE FROM library_sources WHERE id = $1', [id]);
      return true;
    });
  }

  private async summary(id: number): Promise<SourceSummary | undefined> {
    const { rows } = await this.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM library_sources s WHERE s.id = $1`, [id]);
    return rows[0] ? toSummary(rows[0]) : undefined;
  }
}

interface PassageRow {
  id: string;
  source_id: number;
  start_offset: number;
  end_offset: number;
}

export class PgSearchIndex implements SearchIndex {
  constructor(
    private readonly query: RunQuery,
    private readonly transaction: RunInTransaction,
  ) {}

  async addSource(sourceId: number, text: string): Promise<void> {
    await this.transaction((client) => indexSource(client, sourceId, text));
  }

  async removeSource(sourceId: number): Promise<void> {
    await this.query('DELETE FROM library_passages WHERE source_id = $1', [sourceId]);
  }

  /** The same scoring as SqliteSearchIndex.candidates: rare pairs vote, weighted by rarity; neighbours count together. */
  async candidates(fragments: FragmentQuery[], perFragment: number): Promise<CandidatePassage[]> {
    const total = Math.max(1, Number((await this.query<{ n: string }>('SELECT count(*) AS n FROM library_passages')).rows[0]!.n));
    const results: CandidatePassage[] = [];
    for (const { fragment, keys } of fragments) {
      const terms = spread(shingleTerms(keys), MAX_TERMS_PER_FRAGMENT);
      if (terms.length === 0) continue;
      // every term's postings in one statement: at most RARE_LIMIT + 1 passages a term
      const { rows } = await this.query<{ term: string; ids: string[] }>(
        `SELECT t.term, ARRAY(SELECT p.id FROM library_passages p WHERE p.terms @> ARRAY[t.term] ORDER BY p.id LIMIT $2) AS ids
         FROM unnest($1::text[]) AS t(term)`,
        [terms, RARE_LIMIT + 1],
      );
      const scored = scorePostings(rows.map(({ term, ids }) => ({ term, ids: ids.map(Number) })), total, RARE_LIMIT);
      if (scored.scores.size === 0 && scored.common.length > 0) {
        // only common pairs: the passages that hold several of them at once
        const { rows: all } = await this.query<{ id: string }>('SELECT id FROM library_passages WHERE terms @> $1::text[] ORDER BY id LIMIT $2', [
          spread(scored.common, MAX_AND_TERMS),
          perFragment * 4,
        ]);
        scoreCommonOnly(scored, all.map(({ id }) => Number(id)), MAX_AND_TERMS);
      }
      if (scored.scores.size === 0) continue;
      results.push(...(await this.bestWindows(fragment, scored.scores, perFragment, usableTerms(terms.length, scored, MAX_AND_TERMS), scored.weightTotal)));
    }
    return results;
  }

  private async bestWindows(fragment: number, scores: Map<number, PassageScore>, perFragment: number, usable: number, weightTotal: number): Promise<CandidatePassage[]> {
    const windowed = rankWindows(scores);
    // the passages the best windows may need, read in one statement
    const wanted = windowed.slice(0, perFragment * 3).flatMap((w) => (w.neighbour === undefined ? [w.id] : [w.id, w.neighbour]));
    const { rows } = await this.query<PassageRow>('SELECT id, source_id, start_offset, end_offset FROM library_passages WHERE id = ANY($1::bigint[])', [wanted]);
    const passages = new Map(rows.map((row) => [Number(row.id), { sourceId: row.source_id, start: row.start_offset, end: row.end_offset }]));
    return chooseWindows(fragment, windowed, scores, (id) => passages.get(id), { perFragment, usable, weightTotal });
  }

  async rebuild(onProgress?: (done: number, total: number) => void): Promise<LibraryTotals> {
    return this.transaction(async (client) => {
      // one transaction: a rebuild that fails half-way leaves the old index as it was
      const { rows } = await client.query<{ id: number }>('SELECT id FROM library_sources ORDER BY id');
      await client.query('DELETE FROM library_passages');
      let characters = 0;
      for (let done = 0; done < rows.length; done++) {
        const id = rows[done]!.id;
        const text = (await client.query<{ text: string }>('SELECT text FROM library_sources WHERE id = $1', [id])).rows[0]?.text ?? '';
        characters += text.length;
        await indexSource(client, id, text);
        onProgress?.(done + 1, rows.length);
      }
      return { sources: rows.length, characters };
    });
  }
}
