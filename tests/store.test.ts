/**
 * The case store: CRUD, search, imports, built-in sync and transactions on both engines
 * (SQLite in a temp folder, PostgreSQL in the run's throw-away cluster: tests/helpers/engines.ts);
 * then what only the SQLite file has (WAL, its migrations).
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaseStore } from '../src/store/case-store.js';
import { LATEST_VERSION } from '../src/store/migrations.js';
import type { CaseInput, CaseStore } from '../src/cases/types.js';
import { UserError } from '../src/errors.js';
import { tempDir, type TempDir } from './helpers/temp-store.js';
import { storeEngines, type EngineDatabase } from './helpers/engines.js';

function sample(overrides: Partial<CaseInput> = {}): CaseInput {
  return {
    title: 'Darwin on the eye',
    source: {
      text: 'To suppose that the eye could have been formed by natural selection seems absurd. Yet reason tells me otherwise.',
      citation: { author: 'Charles Darwin', work: 'On the Origin of Species', year: '1859' },
    },
    quotations: [
      { text: 'To suppose that the eye could have been formed by natural selection seems absurd.', quotedBy: { author: 'A Creationist', work: 'Pamphlet' }, note: 'stops early' },
    ],
    notes: 'A *classic* quote-mine.',
    tags: ['science', 'quote-mining'],
    questions: ['What comes next?'],
    teacherNotes: 'Read the next sentence aloud.',
    ...overrides,
  };
}

describe.each(storeEngines)('the case store on $name', (engine) => {
  let db: EngineDatabase;
  let store: CaseStore;

  beforeEach(async () => {
    db = await engine.create('store');
    store = await db.open();
  });

  afterEach(async () => {
    await db.remove();
  });

  describe('create, get, update, delete', () => {
    it('keeps an imported source\'s provenance and where map with the case, and a second case of the same text shares them', async () => {
      const provenance = { file: 'moby.epub', mediaType: 'application/epub+zip', extractedBy: 'fflate', retrievedAt: '2026-11-29T23:00:00.000Z', bytes: 1234, sha256: 'a'.repeat(64) };
      const where = [{ start: 0, chapter: 'Loomings' }, { start: 20, chapter: 'The Carpet-Bag' }];
      const text = 'Call me Ishmael. Some years ago, never mind how long precisely.';
      await store.create(sample({ source: { text, citation: { author: 'Melville' }, provenance, where } }));
      const got = (await store.get('darwin-on-the-eye'))!;
      expect(got.source.provenance).toEqual(provenance);
      expect(got.source.where).toEqual(where);
      const other = await store.create(sample({ title: 'Another reading', source: { text, citation: {} } }));
      expect((await store.get(other.slug))!.source.where).toEqual(where);
      const pasted = await store.create(sample({ title: 'Pasted', source: { text: 'A pasted text of its own.', citation: {} } }));
      const plain = (await store.get(pasted.slug))!;
      expect(plain.source.provenance).toBeUndefined();
      expect(plain.source.where).toBeUndefined();
    });

    it('saves a whole case and gives it back exactly, texts untouched', async () => {
      const input = sample({
        source: { text: '  Leading spaces,\r\n“curly” quotes — and a trailing line\n', citation: { author: 'X' } },
        quotations: [{ text: '“curly” quotes' }, { text: 'and a trailing', quotedBy: { author: 'Y', url: 'https://example.org/y' } }],
      });
      const created = await store.create(input);
      expect(created.slug).toBe('darwin-on-the-eye');
      expect(created.builtIn).toBe(false);
      expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      const got = (await store.get('darwin-on-the-eye'))!;
      expect(got.source.text).toBe(input.source.text);
      expect(got.quotations).toEqual(input.quotations);
      expect(got.tags).toEqual(['science', 'quote-mining']);
      expect(got.questions).toEqual(['What comes next?']);
      expect(got.teacherNotes).toBe('Read the next sentence aloud.');
      expect(got.notes).toBe('A *classic* quote-mine.');
      expect(got.source.citation).toEqual({ author: 'X' });
    });

    it('makes slugs unique, and keeps a given free slug', async () => {
      expect((await store.create(sample())).slug).toBe('darwin-on-the-eye');
      expect((await store.create(sample())).slug).toBe('darwin-on-the-eye-2');
      expect((await store.create(sample(), 'my-own')).slug).toBe('my-own');
    });

    it('refuses a given slug that is taken (409) or unusable (400)', async () => {
      await store.create(sample(), 'taken');
      await expect(store.create(sample(), 'taken')).rejects.toThrow(UserError);
      try {
        await store.create(sample(), 'taken');
      } catch (err) {
        expect((err as UserError).status).toBe(409);
      }
      await expect(store.create(sample(), 'Not A Slug')).rejects.toThrow(/not usable/);
      await expect(store.create(sample(), 'new')).rejects.toThrow(/not usable/);
    });

    it('updates a whole case, replacing its quotations and tags, and keeps createdAt', async () => {
      const created = await store.create(sample());
      const updated = (await store.update(created.slug, sample({ title: 'Renamed', quotations: [{ text: 'the eye' }, { text: 'reason tells me' }], tags: ['one'] })))!;
      expect(updated.slug).toBe(created.slug);
      expect(updated.title).toBe('Renamed');
      expect(updated.quotations.map((q) => q.text)).toEqual(['the eye', 'reason tells me']);
      expect(updated.tags).toEqual(['one']);
      expect(updated.createdAt).toBe(created.createdAt);
      expect(await store.update('missing', sample())).toBeUndefined();
    });

    it('deletes a case with its quotations and tags', async () => {
      const created = await store.create(sample());
      expect(await store.delete(created.slug)).toBe(true);
      expect(await store.get(created.slug)).toBeUndefined();
      expect(await store.delete(created.slug)).toBe(false);
      expect(await db.count('quotations')).toBe(0);
      expect(await db.count('case_tags')).toBe(0);
    });

    it('keeps what it saved after closing and opening the database again', async () => {
      await store.create(sample());
      await store.close();
      store = await db.open();
      expect((await store.get('darwin-on-the-eye'))?.quotations[0]?.quotedBy).toEqual({ author: 'A Creationist', work: 'Pamphlet' });
    });
  });

  describe('list and its filters', () => {
    beforeEach(async () => {
      await store.create(sample());
      await store.create(
        sample({
          title: 'Сталин и отставка',
          source: { text: 'Сталин просил об отставке. Но его не отпустили.', citation: { author: 'Роберт Сервис' } },
          quotations: [{ text: 'Сталин просил об отставке.', quotedBy: { author: 'Блогер' } }, { text: 'его не отпустили', quotedBy: { author: 'Читатель' } }],
          tags: ['Stalin', 'Russian'],
        }),
      );
      await store.create(sample({ title: 'Lincoln to Greeley', source: { text: 'My paramount object in this struggle is to save the Union.', citation: { author: 'Abraham Lincoln' } }, quotations: [{ text: 'save the Union' }], tags: ['Lincoln'] }));
    });

    it('lists every case with its summary, in title order', async () => {
      const all = await store.list();
      expect(all.map((c) => c.title)).toEqual(['Darwin on the eye', 'Lincoln to Greeley', 'Сталин и отставка']);
      const stalin = all[2]!;
      expect(stalin).toMatchObject({ builtIn: false, tags: ['Stalin', 'Russian'], sourceAuthor: 'Роберт Сервис', quotedBy: ['Блогер', 'Читатель'], quotationCount: 2 });
      expect(all[1]!.quotedBy).toEqual([]);
    });

    it('searches free text in any script, case- and typography-insensitively, every word required', async () => {
      expect((await store.list({ q: 'СТАЛИН' })).map((c) => c.title)).toEqual(['Сталин и отставка']);
      expect((await store.list({ q: 'paramount union' })).map((c) => c.title)).toEqual(['Lincoln to Greeley']);
      expect(await store.list({ q: 'paramount eye' })).toEqual([]);
      expect((await store.list({ q: '"reason tells"' })).map((c) => c.title)).toEqual(['Darwin on the eye']);
      expect((await store.list({ q: 'classic' })).map((c) => c.title)).toEqual(['Darwin on the eye', 'Lincoln to Greeley', 'Сталин и отставка']);
    });

    it('does not let free text find the teacher notes', async () => {
      expect(await store.list({ q: 'aloud' })).toEqual([]);
    });

    it('filters by tag (whole tag, any case) and by author (source author or quoter, part of the name)', async () => {
      expect((await store.list({ tag: 'stalin' })).map((c) => c.title)).toEqual(['Сталин и отставка']);
      expect(await store.list({ tag: 'stal' })).toEqual([]);
      expect((await store.list({ author: 'lincoln' })).map((c) => c.title)).toEqual(['Lincoln to Greeley']);
      expect((await store.list({ author: 'читатель' })).map((c) => c.title)).toEqual(['Сталин и отставка']);
      expect((await store.list({ author: 'creationist', tag: 'science' })).map((c) => c.title)).toEqual(['Darwin on the eye']);
      expect(await store.list({ author: 'creationist', tag: 'lincoln' })).toEqual([]);
    });

    it('treats SQL and LIKE metacharacters in a filter as plain text', async () => {
      expect(await store.list({ q: "%' OR 1=1 --" })).toEqual([]);
      expect(await store.list({ q: '_' })).toEqual([]);
      expect(await store.list({ tag: "x' OR '1'='1" })).toEqual([]);
    });
  });

  describe('createMany (imports)', () => {
    it('creates every case, renaming a taken slug', async () => {
      await store.create(sample(), 'shared');
      const created = await store.createMany([{ input: sample(), slug: 'shared' }, { input: sample({ title: 'Other' }) }]);
      expect(created.map((c) => c.slug)).toEqual(['shared-2', 'other']);
    });

    it('changes nothing when one case fails', async () => {
      await store.create(sample(), 'before');
      await expect(store.createMany([{ input: sample({ title: 'First' }) }, { input: sample(), slug: 'NOT VALID' }])).rejects.toThrow(/not usable/);
      expect((await store.list()).map((c) => c.slug)).toEqual(['before']);
    });
  });

  describe('the built-in cases', () => {
    const builtIn = (title: string, hash: string) => ({ slug: 'built-in-case', input: sample({ title }), hash });

    it('creates, leaves unchanged, updates; keeps a user\'s edit; never brings back a deleted one', async () => {
      expect(await store.syncBuiltIn([builtIn('One', 'h1')])).toEqual([{ slug: 'built-in-case', outcome: 'created' }]);
      expect((await store.get('built-in-case'))?.builtIn).toBe(true);
      expect(await store.syncBuiltIn([builtIn('One', 'h1')])).toEqual([{ slug: 'built-in-case', outcome: 'unchanged' }]);
      expect(await store.syncBuiltIn([builtIn('Two', 'h2')])).toEqual([{ slug: 'built-in-case', outcome: 'updated' }]);
      expect((await store.get('built-in-case'))?.title).toBe('Two');
      await store.update('built-in-case', sample({ title: 'Mine now' }));
      expect(await store.syncBuiltIn([builtIn('Three', 'h3')])).toEqual([{ slug: 'built-in-case', outcome: 'kept-user-case' }]);
      expect((await store.get('built-in-case'))).toMatchObject({ title: 'Mine now', builtIn: false });
      await store.delete('built-in-case');
      expect(await store.syncBuiltIn([builtIn('Three', 'h3')])).toEqual([{ slug: 'built-in-case', outcome: 'created' }]);
      await store.delete('built-in-case');
      expect(await store.syncBuiltIn([builtIn('Three', 'h3')])).toEqual([{ slug: 'built-in-case', outcome: 'dismissed' }]);
      expect(await store.get('built-in-case')).toBeUndefined();
    });
  });

  describe('many cases', () => {
    // 1,200 cases in one import: slow on a loaded two-core machine, hence the long timeout
    it('lists cases across several of its chunked queries, each with its own tags and quoters', { timeout: 120_000 }, async () => {
      const many = Array.from({ length: 1200 }, (_, i) => ({
        input: sample({ title: `Case ${String(i).padStart(4, '0')}`, tags: [`tag-${i}`], quotations: [{ text: 'the eye', quotedBy: { author: `Quoter ${i}` } }] }),
      }));
      await store.createMany(many);
      const listed = await store.list();
      expect(listed).toHaveLength(1200);
      expect(listed[1199]).toMatchObject({ title: 'Case 1199', tags: ['tag-1199'], quotedBy: ['Quoter 1199'], quotationCount: 1 });
      expect(listed[600]).toMatchObject({ title: 'Case 0600', tags: ['tag-600'], quotedBy: ['Quoter 600'] });
    });
  });
});

describe('the SQLite file', () => {
  let dir: TempDir;
  let file: string;
  let store: CaseStore;

  beforeEach(async () => {
    dir = tempDir('store');
    file = dir.file('nested/folder/elision.db');
    store = await openCaseStore(file);
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  describe('openCaseStore', () => {
    it('creates the folder and the file, in WAL mode with foreign keys, at the latest schema version', async () => {
      expect(fs.existsSync(file)).toBe(true);
      const db = new Database(file, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      db.close();
    });

    it('refuses a database written by a newer version, naming the file', async () => {
      await store.close();
      const db = new Database(file);
      db.pragma(`user_version = ${LATEST_VERSION + 1}`);
      db.close();
      await expect(openCaseStore(file)).rejects.toThrow(/newer than this Elision knows/);
      store = await openCaseStore(':memory:');
    });
  });

  describe('migrations', () => {
    /** The version-1 schema as it shipped, kept here to test the upgrade from it. */
    const V1_SCHEMA = `
      CREATE TABLE cases (
        id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL, source_text TEXT NOT NULL,
        citation TEXT NOT NULL DEFAULT '{}', notes TEXT NOT NULL DEFAULT '', questions TEXT NOT NULL DEFAULT '[]',
        teacher_notes TEXT NOT NULL DEFAULT '', built_in INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      CREATE TABLE quotations (
        case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, position INTEGER NOT NULL,
        text TEXT NOT NULL, quoted_by TEXT NOT NULL DEFAULT '{}', note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (case_id, position)
      );
      CREATE TABLE case_tags (
        case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, position INTEGER NOT NULL,
        tag TEXT NOT NULL, PRIMARY KEY (case_id, position)
      );`;

    it('upgrades a version-1 database, keeping its cases and making them searchable', async () => {
      const v1File = dir.file('v1.db');
      const db = new Database(v1File);
      db.exec(V1_SCHEMA);
      db.prepare(
        `INSERT INTO cases (id, slug, title, source_text, citation, notes, questions, teacher_notes, built_in, created_at, updated_at)
         VALUES (1, 'old-case', 'An Old Case', 'Сталин просил об отставке.', '{"author":"Роберт Сервис"}', 'old notes', '["Why?"]', '', 0, '2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z')`,
      ).run();
      db.prepare(`INSERT INTO quotations VALUES (1, 0, 'Сталин просил', '{"author":"Блогер"}', '')`).run();
      db.prepare(`INSERT INTO case_tags VALUES (1, 0, 'Stalin')`).run();
      db.pragma('user_version = 1');
      db.close();

      const upgraded = await openCaseStore(v1File);
      try {
        expect(await upgraded.get('old-case')).toMatchObject({
          title: 'An Old Case',
          source: { text: 'Сталин просил об отставке.', citation: { author: 'Роберт Сервис' } },
          quotations: [{ text: 'Сталин просил', quotedBy: { author: 'Блогер' } }],
          tags: ['Stalin'],
          questions: ['Why?'],
          createdAt: '2025-01-01T00:00:00.000Z',
        });
        expect((await upgraded.list({ q: 'СТАЛИН' })).map((c) => c.slug)).toEqual(['old-case']);
        expect((await upgraded.list({ tag: 'STALIN' })).map((c) => c.slug)).toEqual(['old-case']);
        expect((await upgraded.list({ author: 'блогер' })).map((c) => c.slug)).toEqual(['old-case']);
      } finally {
        await upgraded.close();
      }
      const check = new Database(v1File, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      check.close();
    });

    it('migrates an empty file from nothing to the latest version, and reopening changes nothing', async () => {
      const fresh = dir.file('fresh.db');
      await (await openCaseStore(fresh)).close();
      const db = new Database(fresh, { readonly: true });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
      expect(tables).toEqual([
        'case_tags', 'cases', 'dismissed_built_ins',
        // the library (src/library): its sources, their passages, and the FTS5 index with its shadow tables
        'library_index', 'library_index_config', 'library_index_data', 'library_index_docsize', 'library_index_idx',
        'library_passages', 'library_sources', 'quotations',
      ]);
      db.close();
      await (await openCaseStore(fresh)).close();
    });
  });
});
