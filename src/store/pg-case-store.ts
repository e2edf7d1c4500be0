/**
 * The case store on PostgreSQL (node-postgres with a pool), behind the same interface
 * and with the same rules as the SQLite store (src/store/case-store.ts): slugs, the
 * built-in sync outcomes, the search keys and filters, tags and timestamps. Chosen by
 * ELISION_DATABASE_URL (src/store/open-store.ts); the schema is src/store/pg-migrations.ts.
 *
 * All or nothing, across several servers:
 * - every save writes a whole case (its row, quotations, tags, search keys, and its source
 *   in the library, shared by every case with the same text) in one transaction; an import of many cases is one transaction;
 * - an edit locks the case's row (SELECT … FOR UPDATE) before writing, so two servers
 *   editing one case at once are serialised: the second edit waits and then replaces the
 *   whole case, never merging into a half-case;
 * - a read of a case or of the list is ONE statement (quotations and tags gathered by
 *   subqueries), so it sees one snapshot: never a case's row from one save and its
 *   quotations from the next;
 * - two servers choosing the same new slug at once: the second's insert hits the unique
 *   index, its transaction is rolled back and run again, and it then sees the slug taken;
 * - the built-in sync takes a transaction-level advisory lock, so servers starting
 *   together import the built-in cases once.
 * Every write also sends NOTIFY elision_changes (delivered at commit), which the other
 * servers' page caches listen for (src/store/pg-changes.ts).
 *
 * When the database cannot be reached, every method throws StoreUnavailableError (503).
 */
import pg from 'pg';
import { UserError, WriteAbortedError } from '../errors.js';
import { isValidSlug, slugify, uniqueSlug } from '../cases/slug.js';
import type {
  WriteOptions,
  BuiltInCase,
  BuiltInSyncResult,
  Case,
  CaseFilter,
  CaseInput,
  CaseStore,
  CaseSummary,
  Citation,
  SourceOriginal,
} from '../cases/types.js';
import { caseSourceOf, quotationOf } from './case-rows.js';
import { searchKeys } from './migrations.js';
import { foldForSearch, searchTerms } from './search-key.js';
import { isConnectionError, StoreUnavailableError } from './store-errors.js';
import { dropIfOrphan, ensureSource, PgLibraryStore } from '../library/pg-library.js';
import type { Provenance, SourceInput } from '../library/types.js';

/** The channel every write notifies, at commit. */
export const CHANGES_CHANNEL = 'elision_changes';

/** Key of the transaction-level lock that serialises the built-in sync across servers. */
const BUILT_IN_SYNC_LOCK = 0x456c_6962; // "Elib"

/** First key of the transaction-level locks taken on a slug's stem while choosing a slug. */
const SLUG_LOCK_SPACE = 0x456c;

/** How often a transaction that lost a race (a slug taken meanwhile, a deadlock) is run again. */
const MAX_ATTEMPTS = 5;

interface CaseRow {
  id: number;
  slug: string;
  title: string;
  source_text: string;
  /** the library source's provenance and where map, JSON ('{}' and '[]' when none) */
  source_provenance: string;
  source_where: string;
  /** bytes of the original file kept with the library source, 0 when none */
  source_original_bytes: number;
  citation: string;
  notes: string;
  questions: string;
  teacher_notes: string;
  built_in: boolean;
  created_at: Date;
  updated_at: Date;
  quotations: Array<{ text: string; quotedBy: string; note: string }>;
  tags: string[];
}

interface SummaryRow {
  slug: string;
  title: string;
  built_in: boolean;
  citation: string;
  updated_at: Date;
  tags: string[];
  quoters: Array<string | null>;
}

/** The whole case in one statement, hence one snapshot. */
const CASE_SELECT = `
  SELECT c.id, c.slug, c.title, s.text AS source_text, s.provenance AS source_provenance, s.where_map AS source_where,
         coalesce(octet_length(s.original), 0) AS source_original_bytes, c.citation, c.notes, c.questions, c.teacher_notes, c.built_in,
         c.created_at, c.updated_at,
         coalesce((SELECT json_agg(json_build_object('text', q.text, 'quotedBy', q.quoted_by, 'note', q.note) ORDER BY q.position)
                   FROM quotations q WHERE q.case_id = c.id), '[]'::json) AS quotations,
         coalesce((SELECT array_agg(t.tag ORDER BY t.position) FROM case_tags t WHERE t.case_id = c.id), '{}'::text[]) AS tags
  FROM cases c JOIN library_sources s ON s.id = c.source_id`;

/** One statement writes a case's quotations and tags, from arrays. */
const INSERT_CHILDREN = `
  WITH q AS (
    INSERT INTO quotations (case_id, position, text, quoted_by, note)
    SELECT $1, ord - 1, text, quoted_by, note
    FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(text, quoted_by, note, ord)
  )
  INSERT INTO case_tags (case_id, position, tag, tag_key)
  SELECT $1, ord - 1, tag, tag_key FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS y(tag, tag_key, ord)`;

const CASE_COLUMNS = 'title, source_id, citation, notes, questions, teacher_notes, built_in, built_in_hash, created_at, updated_at, search_text, authors_key';

export class PgCaseStore implements CaseStore {
  private closed = false;
  private readonly closers: Array<() => Promise<void> | void> = [];

  /** the library of sources the cases point at (src/library/pg-library.ts), in the same database */
  readonly library: PgLibraryStore;

  constructor(readonly pool: pg.Pool) {
    this.library = new PgLibraryStore(
      (sql, params) => this.query(sql, params),
      (work) => this.transaction(work),
    );
  }

  /** `closer` runs when the store closes, before its pool ends (e.g. to stop the change listener). */
  onClose(closer: () => Promise<void> | void): void {
    this.closers.push(closer);
  }

  async list(filter: CaseFilter = {}): Promise<CaseSummary[]> {
    const where: string[] = [];
    const params: string[] = [];
    for (const term of searchTerms(filter.q ?? '')) {
      params.push(term);
      where.push(`strpos(c.search_text, $${params.length}) > 0`);
    }
    const tag = foldForSearch(filter.tag ?? '').trim();
    if (tag !== '') {
      params.push(tag);
      where.push(`EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag_key = $${params.length})`);
    }
    const author = foldForSearch(filter.author ?? '').trim();
    if (author !== '') {
      params.push(author);
      where.push(`strpos(c.authors_key, $${params.length}) > 0`);
    }
    // lower() under the "C" collation folds ASCII only, as SQLite's NOCASE does: both engines list in one order.
    const { rows } = await this.query<SummaryRow>(
      `SELECT c.slug, c.title, c.built_in, c.citation, c.updated_at,
              coalesce((SELECT array_agg(t.tag ORDER BY t.position) FROM case_tags t WHERE t.case_id = c.id), '{}'::text[]) AS tags,
              coalesce((SELECT array_agg(q.quoted_by::json->>'author' ORDER BY q.position) FROM quotations q WHERE q.case_id = c.id), '{}'::text[]) AS quoters
       FROM cases c
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY lower(c.title COLLATE "C"), c.slug COLLATE "C"`,
      params,
    );
    return rows.map((row) => {
      const citation = JSON.parse(row.citation) as Citation;
      const summary: CaseSummary = {
        slug: row.slug,
        title: row.title,
        builtIn: row.built_in,
        tags: row.tags,
        quotedBy: [...new Set(row.quoters.filter((name): name is string => typeof name === 'string' && name !== ''))],
        quotationCount: row.quoters.length,
        updatedAt: row.updated_at.toISOString(),
      };
      if (citation.author) summary.sourceAuthor = citation.author;
      return summary;
    });
  }

  async get(slug: string): Promise<Case | undefined> {
    const { rows } = await this.query<CaseRow>(`${CASE_SELECT} WHERE c.slug = $1`, [slug]);
    return rows[0] ? toCase(rows[0]) : undefined;
  }

  async create(input: CaseInput, slug?: string, options?: WriteOptions): Promise<Case> {
    return this.transaction(async (client) => {
      const chosen = await chooseSlug(client, input, slug, 'refuse');
      const id = await insertCase(client, chosen, input, { builtIn: false, hash: null });
      await notify(client, chosen);
      return (await readCases(client, [id]))[0]!;
    }, options);
  }

  async createMany(items: ReadonlyArray<{ input: CaseInput; slug?: string }>, options?: WriteOptions): Promise<Case[]> {
    if (items.length === 0) return [];
    return this.transaction(async (client) => {
      const ids: number[] = [];
      for (const { input, slug } of items) {
        ids.push(await insertCase(client, await chooseSlug(client, input, slug, 'rename'), input, { builtIn: false, hash: null }));
      }
      await notify(client, '');
      return readCases(client, ids);
    }, options);
  }

  /** A user's edit makes the case the user's own: the built-in import never overwrites it afterwards. */
  async update(slug: string, input: CaseInput, options?: WriteOptions): Promise<Case | undefined> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: number }>('SELECT id FROM cases WHERE slug = $1 FOR UPDATE', [slug]);
      if (!rows[0]) return undefined;
      await writeCase(client, rows[0].id, input, { builtIn: false, hash: null });
      await notify(client, slug);
      return (await readCases(client, [rows[0].id]))[0];
    }, options);
  }

  /** Deleting a built-in case also remembers that it was dismissed, so the next start does not bring it back. */
  async delete(slug: string, options?: WriteOptions): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ built_in: boolean; source_id: number }>('DELETE FROM cases WHERE slug = $1 RETURNING built_in, source_id', [slug]);
      if (!rows[0]) return false;
      await dropIfOrphan(client, rows[0].source_id);
      if (rows[0].built_in) {
        await client.query('INSERT INTO dismissed_built_ins (slug, dismissed_at) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING', [slug, new Date().toISOString()]);
      }
      await notify(client, slug);
      return true;
    }, options);
  }

  async syncBuiltIn(items: ReadonlyArray<BuiltInCase>): Promise<BuiltInSyncResult[]> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [BUILT_IN_SYNC_LOCK]);
      const results: BuiltInSyncResult[] = [];
      for (const { slug, input, hash } of items) {
        const dismissed = await client.query('SELECT 1 FROM dismissed_built_ins WHERE slug = $1', [slug]);
        if (dismissed.rowCount) {
          results.push({ slug, outcome: 'dismissed' });
          continue;
        }
        const { rows } = await client.query<{ id: number; built_in: boolean; built_in_hash: string | null }>(
          'SELECT id, built_in, built_in_hash FROM cases WHERE slug = $1 FOR UPDATE',
          [slug],
        );
        const row = rows[0];
        if (!row) {
          if (!isValidSlug(slug)) throw new UserError(`The built-in case folder name "${slug}" is not a usable slug.`);
          await insertCase(client, slug, input, { builtIn: true, hash });
          results.push({ slug, outcome: 'created' });
        } else if (!row.built_in) {
          results.push({ slug, outcome: 'kept-user-case' });
        } else if (row.built_in_hash === hash) {
          results.push({ slug, outcome: 'unchanged' });
        } else {
          await writeCase(client, row.id, input, { builtIn: true, hash });
          results.push({ slug, outcome: 'updated' });
        }
      }
      if (results.some((r) => r.outcome === 'created' || r.outcome === 'updated')) await notify(client, '');
      return results;
    });
  }

  /**
   * For moving a store here (src/cli/migrate-store.ts): in one transaction, adds the
   * library's sources (each text once, as everywhere), then writes each case exactly as it was elsewhere (slug, built-in flag and hash, timestamps) unless its
   * slug is already here, and remembers the dismissed built-in cases. Returns the slugs
   * written; `exists(here, there)` decides about a slug already taken (throw to stop it all).
   */
  async importExact(
    cases: ReadonlyArray<{ case: Case; builtInHash: string | null }>,
    dismissed: ReadonlyArray<{ slug: string; dismissedAt: string }>,
    exists: (here: Case, there: Case) => void,
    sources: ReadonlyArray<SourceInput> = [],
  ): Promise<string[]> {
    return this.transaction(async (client) => {
      // the library's own sources first (a case quoting one then points at it)
      for (const source of sources) await ensureSource(client, source, 'library');
      const written: string[] = [];
      for (const { case: c, builtInHash } of cases) {
        const here = (await client.query<CaseRow>(`${CASE_SELECT} WHERE c.slug = $1`, [c.slug])).rows[0];
        if (here) {
          exists(toCase(here), c);
          continue;
        }
        await insertCase(client, c.slug, c, { builtIn: c.builtIn, hash: builtInHash }, { createdAt: c.createdAt, updatedAt: c.updatedAt });
        written.push(c.slug);
      }
      for (const { slug, dismissedAt } of dismissed) {
        await client.query('INSERT INTO dismissed_built_ins (slug, dismissed_at) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING', [slug, dismissedAt]);
      }
      await notify(client, '');
      return written;
    });
  }

  /** The original file kept with the case's source, with the source's provenance; undefined when none is kept. */
  async sourceOriginal(slug: string): Promise<SourceOriginal | undefined> {
    const { rows } = await this.query<{ original: Buffer | null; provenance: string }>(
      'SELECT s.original, s.provenance FROM cases c JOIN library_sources s ON s.id = c.source_id WHERE c.slug = $1',
      [slug],
    );
    const row = rows[0];
    if (!row?.original) return undefined;
    return { bytes: new Uint8Array(row.original), provenance: JSON.parse(row.provenance) as Provenance };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const closer of this.closers) await closer();
    await this.pool.end();
  }

  /** One statement on any pooled connection; an unreachable database becomes a 503. */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (error) {
      throw translate(error);
    }
  }

  /**
   * Runs `work` in one transaction on one connection: committed whole or rolled back
   * whole. A transaction that lost a race (serialization failure, deadlock, a slug
   * taken by another server meanwhile) is run again from the start, a few times.
   */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw translate(error);
      }
      let broken: Error | undefined;
      // a checked-out connection has no listener of the pool's: its 'error' would crash the process
      const onError = (error: Error) => (broken = error);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(client);
        // the request's signal, last thing before COMMIT: a request answered 503 (or left by
        // its client) meanwhile rolls back, so it never stores anything afterwards
        if (options.signal?.aborted) throw new WriteAbortedError();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (isConnectionError(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        if (attempt < MAX_ATTEMPTS && lostARace(error)) continue;
        throw translate(error);
      } finally {
        // a connection that failed is dropped from the pool, not handed to the next request
        client.off('error', onError);
        client.release(broken ?? false);
      }
    }
  }
}

function lostARace(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '40001' || e?.code === '40P01' || (e?.code === '23505' && e.constraint === 'cases_slug_key');
}

function translate(error: unknown): unknown {
  if (error instanceof UserError) return error;
  if (isConnectionError(error)) return new StoreUnavailableError();
  return error;
}

/** PostgreSQL's text cannot hold U+0000; say so rather than fail with a 500. */
function refuseNul(input: CaseInput): void {
  const texts = [
    input.title,
    input.source.text,
    JSON.stringify(input.source.citation ?? {}),
    input.notes ?? '',
    input.teacherNotes ?? '',
    ...(input.questions ?? []),
    ...(input.tags ?? []),
    ...input.quotations.flatMap((q) => [q.text, q.note ?? '', JSON.stringify(q.quotedBy ?? {})]),
  ];
  if (texts.some((text) => text.includes('\u0000'))) {
    throw new UserError('The case contains a NUL character (U+0000), which cannot be stored; remove it and send the case again.');
  }
}

/**
 * The slug a new case gets: from the title when none is given; a given one must be
 * valid, and when taken is either refused (409, the API's POST) or renamed (imports).
 * The taken slugs near the wanted one are read in one query.
 */
async function chooseSlug(client: pg.PoolClient, input: CaseInput, wanted: string | undefined, whenTaken: 'refuse' | 'rename'): Promise<string> {
  const base = wanted === undefined || wanted === '' ? slugify(input.title) : wanted;
  if (base === wanted && !isValidSlug(wanted)) {
    throw new UserError(`The slug "${wanted}" is not usable: use lower-case letters, digits and single hyphens, and not "new", "import" or "export".`);
  }
  // uniqueSlug tries base, base-2, base-3… and shortens the stem to keep within the length limit:
  // every candidate starts with the first few characters of base and holds only [a-z0-9-].
  const stem = base.slice(0, 40);
  // Creates of one title on several servers at once take turns here (until their commit),
  // so each sees the slugs the others took instead of colliding on the unique index.
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SLUG_LOCK_SPACE, stem]);
  const { rows } = await client.query<{ slug: string }>("SELECT slug FROM cases WHERE slug LIKE $1 || '%'", [stem]);
  const taken = new Set(rows.map((row) => row.slug));
  if (base === wanted && taken.has(wanted) && whenTaken === 'refuse') {
    throw new UserError(`A case with the slug "${wanted}" already exists.`, 409);
  }
  return uniqueSlug(base, (candidate) => taken.has(candidate));
}

/**
 * The original file a write keeps, as on SQLite: the one it brings, else the previous
 * source's when the edit keeps that source's provenance (the same original).
 */
async function originalFor(client: pg.PoolClient, input: CaseInput, previousSource: number | undefined): Promise<Uint8Array | undefined> {
  if (input.source.originalFile) return input.source.originalFile;
  const sha256 = input.source.provenance?.sha256;
  if (previousSource === undefined || !sha256) return undefined;
  const { rows } = await client.query<{ original: Buffer | null; provenance: string }>('SELECT original, provenance FROM library_sources WHERE id = $1', [previousSource]);
  const row = rows[0];
  if (!row?.original || (JSON.parse(row.provenance) as Provenance).sha256 !== sha256) return undefined;
  return new Uint8Array(row.original);
}

async function columns(client: pg.PoolClient, input: CaseInput, origin: { builtIn: boolean; hash: string | null }, now: string, previousSource?: number): Promise<unknown[]> {
  refuseNul(input);
  const original = await originalFor(client, input, previousSource);
  // the text is kept once in the library, shared with every case that quotes it
  const citation = input.source.citation ?? {};
  const source = await ensureSource(client, {
    text: input.source.text,
    title: citation.work || input.title,
    citation,
    ...(input.source.provenance ? { provenance: input.source.provenance as Provenance } : {}),
    ...(input.source.where ? { where: input.source.where } : {}),
    ...(original ? { original } : {}),
  }, 'case');
  const keys = searchKeys({
    title: input.title,
    sourceText: input.source.text,
    citation: { ...input.source.citation },
    notes: input.notes ?? '',
    questions: input.questions ?? [],
    quotations: input.quotations.map((q) => ({ text: q.text, quotedBy: { ...q.quotedBy }, note: q.note ?? '' })),
    tags: input.tags ?? [],
  });
  return [
    input.title,
    source.id,
    JSON.stringify(input.source.citation ?? {}),
    input.notes ?? '',
    JSON.stringify(input.questions ?? []),
    input.teacherNotes ?? '',
    origin.builtIn,
    origin.hash,
    now,
    now,
    keys.searchText,
    keys.authorsKey,
  ];
}

function childArrays(input: CaseInput): unknown[] {
  const tags = input.tags ?? [];
  return [
    input.quotations.map((q) => q.text),
    input.quotations.map((q) => JSON.stringify(q.quotedBy ?? {})),
    input.quotations.map((q) => q.note ?? ''),
    tags,
    tags.map((tag) => foldForSearch(tag).trim()),
  ];
}

async function insertCase(
  client: pg.PoolClient,
  slug: string,
  input: CaseInput,
  origin: { builtIn: boolean; hash: string | null },
  times?: { createdAt: string; updatedAt: string },
): Promise<number> {
  const values = await columns(client, input, origin, new Date().toISOString());
  if (times) values.splice(8, 2, times.createdAt, times.updatedAt);
  const placeholders = values.map((_, i) => `$${i + 2}`).join(', ');
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO cases (slug, ${CASE_COLUMNS}) VALUES ($1, ${placeholders}) RETURNING id`,
    [slug, ...values],
  );
  const id = rows[0]!.id;
  await client.query(INSERT_CHILDREN, [id, ...childArrays(input)]);
  return id;
}

/** Replaces a case's row (keeping created_at), quotations and tags. The row must be locked. */
async function writeCase(client: pg.PoolClient, id: number, input: CaseInput, origin: { builtIn: boolean; hash: string | null }): Promise<void> {
  const previous = await client.query<{ source_id: number }>('SELECT source_id FROM cases WHERE id = $1', [id]);
  const values = await columns(client, input, origin, new Date().toISOString(), previous.rows[0]?.source_id);
  values.splice(8, 1); // created_at stays
  await client.query(
    `UPDATE cases SET title = $2, source_id = $3, citation = $4, notes = $5, questions = $6, teacher_notes = $7,
       built_in = $8, built_in_hash = $9, updated_at = $10, search_text = $11, authors_key = $12
     WHERE id = $1`,
    [id, ...values],
  );
  await dropIfOrphan(client, previous.rows[0]?.source_id);
  await client.query('DELETE FROM quotations WHERE case_id = $1', [id]);
  await client.query('DELETE FROM case_tags WHERE case_id = $1', [id]);
  await client.query(INSERT_CHILDREN, [id, ...childArrays(input)]);
}

async function readCases(client: pg.PoolClient, ids: number[]): Promise<Case[]> {
  const { rows } = await client.query<CaseRow>(`${CASE_SELECT} WHERE c.id = ANY($1::integer[])`, [ids]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => toCase(byId.get(id)!));
}

async function notify(client: pg.PoolClient, slug: string): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, slug]);
}


function toCase(row: CaseRow): Case {
  const quotations = row.quotations.map((q) => quotationOf(q.text, q.quotedBy, q.note));
  return {
    slug: row.slug,
    title: row.title,
    source: caseSourceOf(row),
    quotations,
    notes: row.notes,
    tags: row.tags,
    questions: JSON.parse(row.questions) as string[],
    teacherNotes: row.teacher_notes,
    builtIn: row.built_in,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
