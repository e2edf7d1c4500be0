/**
 * The case store on SQLite (better-sqlite3): one file, WAL mode, foreign keys on, the
 * schema migrated at open (src/store/migrations.ts). Every save writes a whole case —
 * its row, its quotations, its tags and its search keys — in one transaction, so a
 * reader or a crash never sees half a case.
 *
 * It stores texts and metadata only: comparisons are recomputed from the texts by
 * whoever shows them. It validates nothing a user typed (src/cases/schema.ts does that
 * before anything reaches here) except slugs, which only the store can know are free.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusyError, UserError, WriteAbortedError } from '../errors.js';
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
import { migrate, searchKeys } from './migrations.js';
import { foldForSearch, searchTerms } from './search-key.js';
import { dropIfOrphanSync, ensureSourceSync, SqliteLibraryStore } from '../library/sqlite-library.js';
import type { Provenance } from '../library/types.js';

interface CaseRow {
  id: number;
  slug: string;
  title: string;
  /** joined from library_sources: the case's source text lives there once */
  source_text: string;
  /** the library source's provenance and where map, JSON ('{}' and '[]' when none) */
  source_provenance: string;
  source_where: string;
  /** bytes of the original file kept with the library source, 0 when none */
  source_original_bytes: number;
  source_id: number;
  citation: string;
  notes: string;
  questions: string;
  teacher_notes: string;
  built_in: number;
  built_in_hash: string | null;
  created_at: string;
  updated_at: string;
}

/** Cases per query when list() fetches their tags and quoters (SQLite allows 32,766 parameters). */
const LIST_CHUNK = 500;

interface SummaryRow {
  id: number;
  slug: string;
  title: string;
  built_in: number;
  citation: string;
  updated_at: string;
}

/**
 * How long, in all, a read or a write waits for another process's lock (several
 * servers may share one file) before it is answered 503 with Retry-After. SQLite's own
 * busy handler waits only BUSY_WAIT_MS at a time, because it blocks the event loop;
 * between attempts the store waits asynchronously, so pages are served meanwhile.
 */
export const BUSY_BUDGET_MS = 10_000;
const BUSY_WAIT_MS = 25;

/**
 * Opens (creating if need be, with its folder) the SQLite file and brings its schema up
 * to date. `':memory:'` gives a throw-away store. Rejects if the file cannot be opened or
 * was written by a newer version of Elision. Safe when several processes open one fresh
 * file at once: the migrations run in BEGIN IMMEDIATE transactions that re-read the
 * schema version inside (src/store/migrations.ts), and a locked file is waited for.
 */
export async function openCaseStore(file: string, options: { busyBudgetMs?: number } = {}): Promise<SqliteCaseStore> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const busyBudgetMs = options.busyBudgetMs ?? BUSY_BUDGET_MS;
  const db = new Database(file);
  try {
    // first, so that switching to WAL below waits for a process doing the same
    db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
    await retryWhileBusy(() => db.pragma('journal_mode = WAL'), busyBudgetMs);
    // FULL: a case a user was told is saved survives a power cut too, not just a crash;
    // saves are rare and small, so the extra fsync costs nothing anyone notices.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    await retryWhileBusy(() => migrate(db, file), busyBudgetMs);
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteCaseStore(db, busyBudgetMs);
}

/** SQLite's "another connection holds the lock" (SQLITE_BUSY and its extended codes, SQLITE_LOCKED). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/**
 * Runs `work` (synchronous, one transaction at most) until it does not meet a lock,
 * waiting a little longer each time, for at most `budgetMs`; then a 503 the user can retry.
 */
export async function retryWhileBusy<T>(work: () => T, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let pause = 5;
  for (;;) {
    try {
      return work();
    } catch (err) {
      if (!isBusyError(err)) throw err;
      if (Date.now() + pause > deadline) {
        throw new BusyError('The database is busy with other changes; nothing was changed by this request. Please try again in a moment.');
      }
      // jitter, so two processes that collided do not collide again in step
      await sleep(pause + Math.floor(Math.random() * pause));
      pause = Math.min(pause * 2, 250);
    }
  }
}

export class SqliteCaseStore implements CaseStore {
  private readonly statements;
  readonly library: SqliteLibraryStore;

  constructor(
    private readonly db: Database.Database,
    private readonly busyBudgetMs = BUSY_BUDGET_MS,
  ) {
    this.library = new SqliteLibraryStore(db);
    this.statements = {
      caseBySlug: db.prepare<[string], CaseRow>(
        `SELECT c.*, s.text AS source_text, s.provenance AS source_provenance, s.where_map AS source_where,
                coalesce(length(s.original), 0) AS source_original_bytes
         FROM cases c JOIN library_sources s ON s.id = c.source_id WHERE c.slug = ?`,
      ),
      slugTaken: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM cases WHERE slug = ?'),
      quotationsOf: db.prepare<[number], { text: string; quoted_by: string; note: string }>(
        'SELECT text, quoted_by, note FROM quotations WHERE case_id = ? ORDER BY position',
      ),
      tagsOf: db.prepare<[number], { tag: string }>('SELECT tag FROM case_tags WHERE case_id = ? ORDER BY position'),
      insertCase: db.prepare(`
        INSERT INTO cases (slug, title, source_id, citation, notes, questions, teacher_notes, built_in,
                           built_in_hash, created_at, updated_at, search_text, authors_key)
        VALUES (@slug, @title, @source_id, @citation, @notes, @questions, @teacher_notes, @built_in,
                @built_in_hash, @now, @now, @search_text, @authors_key)`),
      updateCase: db.prepare(`
        UPDATE cases SET title = @title, source_id = @source_id, citation = @citation, notes = @notes,
          questions = @questions, teacher_notes = @teacher_notes, built_in = @built_in,
          built_in_hash = @built_in_hash, updated_at = @now, search_text = @search_text, authors_key = @authors_key
        WHERE id = @id`),
      deleteQuotations: db.prepare<[number]>('DELETE FROM quotations WHERE case_id = ?'),
      deleteTags: db.prepare<[number]>('DELETE FROM case_tags WHERE case_id = ?'),
      insertQuotation: db.prepare<[number, number, string, string, string]>(
        'INSERT INTO quotations (case_id, position, text, quoted_by, note) VALUES (?, ?, ?, ?, ?)',
      ),
      insertTag: db.prepare<[number, number, string, string]>(
        'INSERT INTO case_tags (case_id, position, tag, tag_key) VALUES (?, ?, ?, ?)',
      ),
      deleteCase: db.prepare<[number]>('DELETE FROM cases WHERE id = ?'),
      dismiss: db.prepare<[string, string]>(
        'INSERT INTO dismissed_built_ins (slug, dismissed_at) VALUES (?, ?) ON CONFLICT(slug) DO NOTHING',
      ),
      isDismissed: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM dismissed_built_ins WHERE slug = ?'),
    };
  }

  list(filter: CaseFilter = {}): Promise<CaseSummary[]> {
    return this.reading(() => this.listNow(filter));
  }

  get(slug: string): Promise<Case | undefined> {
    return this.reading(() => this.getNow(slug));
  }

  create(input: CaseInput, slug?: string, options?: WriteOptions): Promise<Case> {
    return this.writing(() => this.insert(input, this.chooseSlug(input, slug, 'refuse'), { builtIn: false, hash: null }), options);
  }

  createMany(items: ReadonlyArray<{ input: CaseInput; slug?: string }>, options?: WriteOptions): Promise<Case[]> {
    return this.writing(
      () => items.map(({ input, slug }) => this.insert(input, this.chooseSlug(input, slug, 'rename'), { builtIn: false, hash: null })),
      options,
    );
  }

  /** A user's edit makes the case the user's own: the built-in import never overwrites it afterwards. */
  update(slug: string, input: CaseInput, options?: WriteOptions): Promise<Case | undefined> {
    return this.writing(() => {
      const row = this.statements.caseBySlug.get(slug);
      if (!row) return undefined;
      this.write(row.id, input, { builtIn: false, hash: null });
      return this.getNow(slug);
    }, options);
  }

  /** Deleting a built-in case also remembers that it was dismissed, so the next start does not bring it back. */
  delete(slug: string, options?: WriteOptions): Promise<boolean> {
    return this.writing(() => {
      const row = this.statements.caseBySlug.get(slug);
      if (!row) return false;
      this.statements.deleteCase.run(row.id);
      dropIfOrphanSync(this.db, row.source_id);
      if (row.built_in === 1) this.statements.dismiss.run(slug, new Date().toISOString());
      return true;
    }, options);
  }

  syncBuiltIn(items: ReadonlyArray<BuiltInCase>): Promise<BuiltInSyncResult[]> {
    return this.writing(() =>
      items.map(({ slug, input, hash }): BuiltInSyncResult => {
        if (this.statements.isDismissed.get(slug)) return { slug, outcome: 'dismissed' };
        const row = this.statements.caseBySlug.get(slug);
        if (!row) {
          if (!isValidSlug(slug)) throw new UserError(`The built-in case folder name "${slug}" is not a usable slug.`);
          this.insert(input, slug, { builtIn: true, hash });
          return { slug, outcome: 'created' };
        }
        if (row.built_in !== 1) return { slug, outcome: 'kept-user-case' };
        if (row.built_in_hash === hash) return { slug, outcome: 'unchanged' };
        this.write(row.id, input, { builtIn: true, hash });
        return { slug, outcome: 'updated' };
      }),
    );
  }

  /** The original file kept with the case's source, with the source's provenance; undefined when none is kept. */
  sourceOriginal(slug: string): Promise<SourceOriginal | undefined> {
    return this.reading(() => {
      const row = this.db
        .prepare<[string], { original: Buffer | null; provenance: string }>(
          'SELECT s.original, s.provenance FROM cases c JOIN library_sources s ON s.id = c.source_id WHERE c.slug = ?',
        )
        .get(slug);
      if (!row?.original) return undefined;
      return { bytes: new Uint8Array(row.original), provenance: JSON.parse(row.provenance) as Provenance };
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * A write: one BEGIN IMMEDIATE transaction, which takes the write lock before reading
   * (a deferred one that read first could not be upgraded once another process wrote,
   * and SQLite answers that with SQLITE_BUSY at once, whatever the busy timeout).
   * The request's signal is checked inside it, once the lock is held: a request already
   * answered (503 by its time budget) or abandoned by its client writes nothing.
   */
  private writing<T>(work: () => T, options: WriteOptions = {}): Promise<T> {
    const { signal } = options;
    const guarded = () => {
      if (signal?.aborted) throw new WriteAbortedError();
      return work();
    };
    return retryWhileBusy(() => this.db.transaction(guarded).immediate(), this.busyBudgetMs);
  }

  /** A read: one transaction, so a case is never seen half-written by another process. */
  private reading<T>(work: () => T): Promise<T> {
    return retryWhileBusy(() => this.db.transaction(work).deferred(), this.busyBudgetMs);
  }

  private listNow(filter: CaseFilter): CaseSummary[] {
    const where: string[] = [];
    const params: string[] = [];
    for (const term of searchTerms(filter.q ?? '')) {
      where.push('instr(c.search_text, ?) > 0');
      params.push(term);
    }
    const tag = foldForSearch(filter.tag ?? '').trim();
    if (tag !== '') {
      where.push('EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag_key = ?)');
      params.push(tag);
    }
    const author = foldForSearch(filter.author ?? '').trim();
    if (author !== '') {
      where.push('instr(c.authors_key, ?) > 0');
      params.push(author);
    }
    const rows = this.db
      .prepare<string[], SummaryRow>(
        `SELECT c.id, c.slug, c.title, c.built_in, c.citation, c.updated_at FROM cases c
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY c.title COLLATE NOCASE, c.slug`,
      )
      .all(...params);
    if (rows.length === 0) return [];

    // Two queries per few hundred listed cases for their tags and quoters, rather than two
    // per case; chunked because SQLite caps the number of parameters in one statement.
    const tagsById = new Map<number, string[]>();
    const quotersById = new Map<number, Array<string | null>>();
    for (let start = 0; start < rows.length; start += LIST_CHUNK) {
      const ids = rows.slice(start, start + LIST_CHUNK).map((row) => row.id);
      const placeholders = ids.map(() => '?').join(',');
      for (const { case_id, tag } of this.db
        .prepare<number[], { case_id: number; tag: string }>(
          `SELECT case_id, tag FROM case_tags WHERE case_id IN (${placeholders}) ORDER BY case_id, position`,
        )
        .all(...ids)) {
        pushTo(tagsById, case_id, tag);
      }
      for (const { case_id, author } of this.db
        .prepare<number[], { case_id: number; author: string | null }>(
          `SELECT case_id, json_extract(quoted_by, '$.author') AS author FROM quotations
           WHERE case_id IN (${placeholders}) ORDER BY case_id, position`,
        )
        .all(...ids)) {
        pushTo(quotersById, case_id, author);
      }
    }

    return rows.map((row) => {
      const citation = JSON.parse(row.citation) as Citation;
      const quoters = quotersById.get(row.id) ?? [];
      const summary: CaseSummary = {
        slug: row.slug,
        title: row.title,
        builtIn: row.built_in === 1,
        tags: tagsById.get(row.id) ?? [],
        quotedBy: [...new Set(quoters.filter((name): name is string => typeof name === 'string' && name !== ''))],
        quotationCount: quoters.length,
        updatedAt: row.updated_at,
      };
      if (citation.author) summary.sourceAuthor = citation.author;
      return summary;
    });
  }

  private getNow(slug: string): Case | undefined {
    const row = this.statements.caseBySlug.get(slug);
    return row ? this.toCase(row) : undefined;
  }

  /**
   * The slug a new case gets: from the title when none is given; a given one must be
   * valid, and when taken is either refused (409, the API's POST) or renamed (imports,
   * where a class re-importing a shared set must not fail on its own earlier copy).
   */
  private chooseSlug(input: CaseInput, wanted: string | undefined, whenTaken: 'refuse' | 'rename'): string {
    const isTaken = (candidate: string) => this.statements.slugTaken.get(candidate) !== undefined;
    if (wanted === undefined || wanted === '') return uniqueSlug(slugify(input.title), isTaken);
    if (!isValidSlug(wanted)) {
      throw new UserError(`The slug "${wanted}" is not usable: use lower-case letters, digits and single hyphens, and not "new", "import" or "export".`);
    }
    if (!isTaken(wanted)) return wanted;
    if (whenTaken === 'refuse') throw new UserError(`A case with the slug "${wanted}" already exists.`, 409);
    return uniqueSlug(wanted, isTaken);
  }

  private insert(input: CaseInput, slug: string, origin: { builtIn: boolean; hash: string | null }): Case {
    const result = this.statements.insertCase.run({ slug, ...this.columns(input, origin) });
    this.writeChildren(Number(result.lastInsertRowid), input);
    return this.getNow(slug)!;
  }

  private write(id: number, input: CaseInput, origin: { builtIn: boolean; hash: string | null }): void {
    const previousSource = this.db.prepare<[number], number>('SELECT source_id FROM cases WHERE id = ?').pluck().get(id);
    this.statements.updateCase.run({ id, ...this.columns(input, origin, previousSource) });
    dropIfOrphanSync(this.db, previousSource);
    this.statements.deleteQuotations.run(id);
    this.statements.deleteTags.run(id);
    this.writeChildren(id, input);
  }

  /**
   * The original file an edit keeps: the one it brings, else the previous source's when
   * the edit keeps that source's provenance (the same original, whatever became of the text).
   */
  private originalFor(input: CaseInput, previousSource: number | undefined): Uint8Array | undefined {
    if (input.source.originalFile) return input.source.originalFile;
    const sha256 = input.source.provenance?.sha256;
    if (previousSource === undefined || !sha256) return undefined;
    const row = this.db
      .prepare<[number], { original: Buffer | null; provenance: string }>('SELECT original, provenance FROM library_sources WHERE id = ?')
      .get(previousSource);
    if (!row?.original || (JSON.parse(row.provenance) as Provenance).sha256 !== sha256) return undefined;
    return new Uint8Array(row.original);
  }

  private columns(input: CaseInput, origin: { builtIn: boolean; hash: string | null }, previousSource?: number) {
    const original = this.originalFor(input, previousSource);
    const keys = searchKeys({
      title: input.title,
      sourceText: input.source.text,
      citation: { ...input.source.citation },
      notes: input.notes ?? '',
      questions: input.questions ?? [],
      quotations: input.quotations.map((q) => ({ text: q.text, quotedBy: { ...q.quotedBy }, note: q.note ?? '' })),
      tags: input.tags ?? [],
    });
    return {
      title: input.title,
      // the text is kept once in the library, shared with every case that quotes it
      source_id: ensureSourceSync(
        this.db,
        {
          text: input.source.text,
          title: input.source.citation?.work || input.title,
          citation: input.source.citation ?? {},
          ...(input.source.provenance ? { provenance: input.source.provenance as Provenance } : {}),
          ...(input.source.where ? { where: input.source.where } : {}),
          ...(original ? { original } : {}),
        },
        'case',
      ).id,
      citation: JSON.stringify(input.source.citation ?? {}),
      notes: input.notes ?? '',
      questions: JSON.stringify(input.questions ?? []),
      teacher_notes: input.teacherNotes ?? '',
      built_in: origin.builtIn ? 1 : 0,
      built_in_hash: origin.hash,
      now: new Date().toISOString(),
      search_text: keys.searchText,
      authors_key: keys.authorsKey,
    };
  }

  private writeChildren(id: number, input: CaseInput): void {
    input.quotations.forEach((quotation, position) => {
      this.statements.insertQuotation.run(id, position, quotation.text, JSON.stringify(quotation.quotedBy ?? {}), quotation.note ?? '');
    });
    (input.tags ?? []).forEach((tag, position) => {
      this.statements.insertTag.run(id, position, tag, foldForSearch(tag).trim());
    });
  }

  private toCase(row: CaseRow): Case {
    const quotations = this.statements.quotationsOf.all(row.id).map((q) => quotationOf(q.text, q.quoted_by, q.note));
    return {
      slug: row.slug,
      title: row.title,
      source: caseSourceOf(row),
      quotations,
      notes: row.notes,
      tags: this.statements.tagsOf.all(row.id).map((t) => t.tag),
      questions: JSON.parse(row.questions) as string[],
      teacherNotes: row.teacher_notes,
      builtIn: row.built_in === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}


function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
