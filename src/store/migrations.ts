/**
 * The store's schema, as a list of migrations versioned in code. `PRAGMA user_version`
 * records how many have been applied; opening a database applies the rest, each in its
 * own transaction, so a database is always at one whole version.
 *
 * Never edit a migration that has shipped: add the next one. Tests keep a copy of the
 * version-1 schema to check the upgrade from it.
 */
import type Database from 'better-sqlite3';
import { foldForSearch } from './search-key.js';
import { ensureSourceSync, LIBRARY_SCHEMA } from '../library/sqlite-library.js';
import { INDEX_SCHEMA } from '../library/sqlite-index.js';

export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'cases, their quotations and tags',
    up(db) {
      db.exec(`
        CREATE TABLE cases (
          id INTEGER PRIMARY KEY,
          slug TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL,
          source_text TEXT NOT NULL,
          citation TEXT NOT NULL DEFAULT '{}',
          notes TEXT NOT NULL DEFAULT '',
          questions TEXT NOT NULL DEFAULT '[]',
          teacher_notes TEXT NOT NULL DEFAULT '',
          built_in INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE quotations (
          case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          text TEXT NOT NULL,
          quoted_by TEXT NOT NULL DEFAULT '{}',
          note TEXT NOT NULL DEFAULT '',
          PRIMARY KEY (case_id, position)
        );
        CREATE TABLE case_tags (
          case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          tag TEXT NOT NULL,
          PRIMARY KEY (case_id, position)
        );
      `);
    },
  },
  {
    version: 2,
    description: 'search keys (Unicode-aware, folded), built-in file hashes, dismissed built-in cases',
    up(db) {
      // SQLite's LIKE and NOCASE fold ASCII only: "СТАЛИН" would not find "Сталин".
      // So the store keeps folded copies made in JavaScript and searches them with instr().
      db.exec(`
        ALTER TABLE cases ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN authors_key TEXT NOT NULL DEFAULT '';
        ALTER TABLE cases ADD COLUMN built_in_hash TEXT;
        ALTER TABLE case_tags ADD COLUMN tag_key TEXT NOT NULL DEFAULT '';
        CREATE INDEX case_tags_by_key ON case_tags(tag_key);
        CREATE TABLE dismissed_built_ins (
          slug TEXT PRIMARY KEY,
          dismissed_at TEXT NOT NULL
        );
      `);
      const cases = db.prepare('SELECT id, title, source_text, citation, notes, questions FROM cases').all() as Array<{
        id: number; title: string; source_text: string; citation: string; notes: string; questions: string;
      }>;
      const quotationsOf = db.prepare('SELECT text, quoted_by, note FROM quotations WHERE case_id = ? ORDER BY position');
      const tagsOf = db.prepare('SELECT position, tag FROM case_tags WHERE case_id = ? ORDER BY position');
      const setKeys = db.prepare('UPDATE cases SET search_text = ?, authors_key = ? WHERE id = ?');
      const setTagKey = db.prepare('UPDATE case_tags SET tag_key = ? WHERE case_id = ? AND position = ?');
      for (const row of cases) {
        const quotations = quotationsOf.all(row.id) as Array<{ text: string; quoted_by: string; note: string }>;
        const tags = tagsOf.all(row.id) as Array<{ position: number; tag: string }>;
        const citation = JSON.parse(row.citation) as Record<string, string>;
        const quotedBy = quotations.map((q) => JSON.parse(q.quoted_by) as Record<string, string>);
        const keys = searchKeys({
          title: row.title,
          sourceText: row.source_text,
          citation,
          notes: row.notes,
          questions: JSON.parse(row.questions) as string[],
          quotations: quotations.map((q, i) => ({ text: q.text, quotedBy: quotedBy[i]!, note: q.note })),
          tags: tags.map((t) => t.tag),
        });
        setKeys.run(keys.searchText, keys.authorsKey, row.id);
        for (const tag of tags) setTagKey.run(foldForSearch(tag.tag), row.id, tag.position);
      }
    },
  },
  {
    version: 3,
    description: 'the library of sources: each text once, shared by the cases that quote it, with its search index',
    up(db) {
      db.exec(LIBRARY_SCHEMA);
      db.exec(INDEX_SCHEMA);
      db.exec('ALTER TABLE cases ADD COLUMN source_id INTEGER REFERENCES library_sources(id)');
      const cases = db.prepare('SELECT id, title, source_text, citation FROM cases ORDER BY id').all() as Array<{
        id: number; title: string; source_text: string; citation: string;
      }>;
      const setSource = db.prepare('UPDATE cases SET source_id = ? WHERE id = ?');
      for (const row of cases) {
        const citation = JSON.parse(row.citation) as Record<string, string>;
        const { id } = ensureSourceSync(db, { text: row.source_text, title: citation.work || row.title, citation }, 'case');
        setSource.run(id, row.id);
      }
      // the text now lives once in library_sources; the case keeps its own citation
      db.exec('ALTER TABLE cases DROP COLUMN source_text');
      db.exec('CREATE INDEX cases_by_source ON cases(source_id)');
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Applies the migrations a database lacks, each in its own BEGIN IMMEDIATE transaction
 * that reads the schema version only once it holds the write lock: two processes
 * opening one fresh file at once then apply each migration exactly once (the second
 * finds it done), instead of both reading version 0 and both creating the tables.
 * Throws when the file was written by a newer Elision (its version is above ours):
 * guessing would risk the user's cases. SQLITE_BUSY is the caller's to retry.
 */
export function migrate(db: Database.Database, file: string): void {
  const versionNow = () => db.pragma('user_version', { simple: true }) as number;
  for (const migration of MIGRATIONS) {
    db.transaction(() => {
      const current = versionNow();
      if (current > LATEST_VERSION) {
        throw new Error(
          `The database ${file} has schema version ${current}, newer than this Elision knows (${LATEST_VERSION}); upgrade Elision or use another ELISION_DB.`,
        );
      }
      if (migration.version <= current) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** What the search columns are made of; shared by the migration and by every save. */
export interface SearchableCase {
  title: string;
  sourceText: string;
  citation: Record<string, string | undefined>;
  notes: string;
  questions: string[];
  quotations: Array<{ text: string; quotedBy: Record<string, string | undefined>; note: string }>;
  tags: string[];
}

/**
 * The folded text free-text search looks in (title, texts, citation, notes, tags,
 * questions; not the teacher's notes, which students must not find their way to) and
 * the folded names the author filter looks in (the source's author and every quoter).
 */
export function searchKeys(c: SearchableCase): { searchText: string; authorsKey: string } {
  const parts = [
    c.title,
    ...Object.values(c.citation),
    c.notes,
    ...c.tags,
    ...c.questions,
    ...c.quotations.flatMap((q) => [q.text, q.note, ...Object.values(q.quotedBy)]),
    c.sourceText,
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  const authors = [c.citation.author, ...c.quotations.map((q) => q.quotedBy.author)].filter(
    (name): name is string => typeof name === 'string' && name !== '',
  );
  return { searchText: foldForSearch(parts.join('\n')), authorsKey: foldForSearch(authors.join('\n')) };
}
