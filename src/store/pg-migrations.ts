/**
 * The PostgreSQL form of the store's schema, as a list of migrations versioned in code
 * (the SQLite form is src/store/migrations.ts; the two are numbered on their own, and
 * each migration here says which SQLite version it matches).
 *
 * `elision_schema_version` holds one row per migration applied. Opening a database takes
 * a session-level advisory lock first, so two servers starting at once never apply a
 * migration twice: the second waits, then finds the work done. Each migration runs in
 * its own transaction with its version row (PostgreSQL's DDL is transactional), so a
 * database is always at one whole version. A database written by a newer Elision is
 * refused rather than guessed at.
 *
 * Never edit a migration that has shipped: add the next one.
 */
import type pg from 'pg';
import { ensureSource, PG_LIBRARY_SCHEMA } from '../library/pg-library.js';

export interface PgMigration {
  version: number;
  description: string;
  /** the statements, or a function for what needs JavaScript (hashing, shingles) */
  up: string | ((client: pg.PoolClient) => Promise<void>);
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'cases, quotations, tags, search keys, dismissed built-in cases (SQLite version 2); shared rate-limit counts',
    up: `
      CREATE TABLE cases (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        title text NOT NULL,
        source_text text NOT NULL,
        citation text NOT NULL DEFAULT '{}',
        notes text NOT NULL DEFAULT '',
        questions text NOT NULL DEFAULT '[]',
        teacher_notes text NOT NULL DEFAULT '',
        built_in boolean NOT NULL DEFAULT false,
        built_in_hash text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        -- folded in JavaScript by src/store/search-key.ts, as on SQLite, so both engines find the same cases
        search_text text NOT NULL DEFAULT '',
        authors_key text NOT NULL DEFAULT ''
      );
      CREATE TABLE quotations (
        case_id integer NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        position integer NOT NULL,
        text text NOT NULL,
        quoted_by text NOT NULL DEFAULT '{}',
        note text NOT NULL DEFAULT '',
        PRIMARY KEY (case_id, position)
      );
      CREATE TABLE case_tags (
        case_id integer NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        position integer NOT NULL,
        tag text NOT NULL,
        tag_key text NOT NULL DEFAULT '',
        PRIMARY KEY (case_id, position)
      );
      CREATE INDEX case_tags_by_key ON case_tags(tag_key);
      CREATE TABLE dismissed_built_ins (
        slug text PRIMARY KEY,
        dismissed_at timestamptz NOT NULL
      );
      -- request counts shared by every server (src/web/rate-limit-store.ts): lost in a crash, which is harmless
      CREATE UNLOGGED TABLE rate_limit_hits (
        key text PRIMARY KEY,
        hits integer NOT NULL,
        reset_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'the library of sources: each text once, shared by the cases that quote it, with its search index (SQLite version 3)',
    async up(client) {
      await client.query(PG_LIBRARY_SCHEMA);
      await client.query('ALTER TABLE cases ADD COLUMN source_id integer REFERENCES library_sources(id)');
      const { rows } = await client.query<{ id: number; title: string; source_text: string; citation: string }>(
        'SELECT id, title, source_text, citation FROM cases ORDER BY id',
      );
      for (const row of rows) {
        const citation = JSON.parse(row.citation) as Record<string, string>;
        const { id } = await ensureSource(client, { text: row.source_text, title: citation.work || row.title, citation }, 'case');
        await client.query('UPDATE cases SET source_id = $1 WHERE id = $2', [id, row.id]);
      }
      // the text now lives once in library_sources; the case keeps its own citation
      await client.query('ALTER TABLE cases DROP COLUMN source_text, ALTER COLUMN source_id SET NOT NULL');
      await client.query('CREATE INDEX cases_by_source ON cases(source_id)');
    },
  },
];

export const PG_LATEST_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

/** Any number: the key of the advisory lock that serialises migrations across servers. */
const MIGRATION_LOCK = 0x456c_6973; // "Elis"

export class SchemaTooNewError extends Error {}

/**
 * Brings the database's schema up to date under the migration lock. Throws
 * SchemaTooNewError when the database was written by a newer Elision.
 * `where` names the database in messages (its address without the password).
 */
export async function migratePostgres(pool: pg.Pool, where: string): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => (broken = error);
  client.on('error', onError);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS elision_schema_version (
          version integer PRIMARY KEY,
          description text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM elision_schema_version');
      const current = rows[0]!.version;
      if (current > PG_LATEST_VERSION) {
        throw new SchemaTooNewError(
          `The database ${where} has schema version ${current}, newer than this Elision knows (${PG_LATEST_VERSION}); upgrade Elision or use another ELISION_DATABASE_URL.`,
        );
      }
      for (const migration of PG_MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query('BEGIN');
        try {
          if (typeof migration.up === 'string') await client.query(migration.up);
          else await migration.up(client);
          await client.query('INSERT INTO elision_schema_version (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
      return { from: current, to: Math.max(current, PG_LATEST_VERSION) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.off('error', onError);
    client.release(broken ?? false);
  }
}
