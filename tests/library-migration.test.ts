/**
 * Migration 3 moves every case's source text into the library: a database built at
 * schema version 2 with cases (every field set, two cases sharing one text, one text
 * with astral characters) opens at the latest version with every field as it was, and
 * each text stored once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openCaseStore } from '../src/store/case-store.js';
import { LATEST_VERSION, MIGRATIONS } from '../src/store/migrations.js';
import { findInLibrary } from '../src/library/find.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elision-migrate-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const KJV = '6:10 For the love of money is the root of all evil: which while some coveted after, they have erred from the faith.';
const rows = [
  {
    slug: 'love-of-money', title: 'Money', source_text: KJV,
    citation: { author: 'Paul', work: 'King James Bible', page: '1 Timothy 6:10', url: 'https://example.org/kjv' },
    notes: 'Notes *here*', questions: ['Who cut it?', 'Why?'], teacher_notes: 'For teachers', built_in: 1, built_in_hash: 'abc123',
    created_at: '2024-01-02T03:04:05.000Z', updated_at: '2024-02-03T04:05:06.000Z',
    quotations: [{ text: 'Money is the root of all evil', quoted_by: { author: 'Everyone', date: '1900' }, note: 'common' }, { text: 'the root of all evil', quoted_by: {}, note: '' }],
    tags: ['bible', 'misquotation'],
  },
  {
    slug: 'love-of-money-again', title: 'Money again', source_text: KJV, citation: { author: 'Paul', work: 'KJV', page: '6:10' },
    notes: '', questions: [], teacher_notes: '', built_in: 0, built_in_hash: null,
    created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z',
    quotations: [{ text: 'the love of money', quoted_by: { author: 'A blog' }, note: 'n' }], tags: [],
  },
  {
    slug: 'astral', title: 'Emoji 😀 and ё', source_text: 'Ёлка 😀 стоит в лесу, и ёж под ней сидит 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\r\nSecond line  with  spaces ',
    citation: {}, notes: '', questions: [], teacher_notes: '', built_in: 0, built_in_hash: null,
    created_at: '2025-05-05T00:00:00.000Z', updated_at: '2025-06-06T00:00:00.000Z',
    quotations: [{ text: 'ёж под ней', quoted_by: {}, note: '' }], tags: ['ёж'],
  },
];

it('moves every case into the library at version 3, losing nothing', async () => {
  const file = path.join(dir, 'v2.db');
  const db = new Database(file);
  for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) migration.up(db);
  db.pragma('user_version = 2');
  rows.forEach((row, id) => {
    db.prepare(`INSERT INTO cases (id, slug, title, source_text, citation, notes, questions, teacher_notes, built_in, built_in_hash, created_at, updated_at, search_text, authors_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'searchable', 'authors')`)
      .run(id + 1, row.slug, row.title, row.source_text, JSON.stringify(row.citation), row.notes, JSON.stringify(row.questions), row.teacher_notes,
        row.built_in, row.built_in_hash, row.created_at, row.updated_at);
    row.quotations.forEach((q, position) => {
      db.prepare('INSERT INTO quotations (case_id, position, text, quoted_by, note) VALUES (?, ?, ?, ?, ?)').run(id + 1, position, q.text, JSON.stringify(q.quoted_by), q.note);
    });
    row.tags.forEach((tag, position) => db.prepare('INSERT INTO case_tags (case_id, position, tag, tag_key) VALUES (?, ?, ?, ?)').run(id + 1, position, tag, tag));
  });
  db.close();

  const store = await openCaseStore(file);
  try {
    for (const row of rows) {
      const got = (await store.get(row.slug))!;
      expect(got).toEqual({
        slug: row.slug,
        title: row.title,
        source: { text: row.source_text, citation: row.citation },
        quotations: row.quotations.map((q) => ({
          text: q.text,
          ...(Object.keys(q.quoted_by).length ? { quotedBy: q.quoted_by } : {}),
          ...(q.note ? { note: q.note } : {}),
        })),
        notes: row.notes,
        tags: row.tags,
        questions: row.questions,
        teacherNotes: row.teacher_notes,
        builtIn: row.built_in === 1,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      });
    }
    // the built-in hash and the search keys are kept too
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(check.prepare("SELECT built_in_hash, search_text, authors_key FROM cases WHERE slug = 'love-of-money'").get()).toEqual({
      built_in_hash: 'abc123', search_text: 'searchable', authors_key: 'authors',
    });
    expect(check.prepare('SELECT count(*) AS n FROM library_sources').get()).toEqual({ n: 2 });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.pragma('foreign_key_check')).toEqual([]);
    check.close();

    const library = store.library;
    expect((await library.totals()).sources).toBe(2);
    const kjv = (await library.list()).find((s) => s.caseCount === 2)!;
    expect(kjv.title).toBe('King James Bible');
    // the moved texts are indexed: find knows them
    const found = await findInLibrary(library, 'For the love of money is the root of all evil');
    expect(found.found).toBe(true);
    expect(found.results[0]!.sourceId).toBe(kjv.id);
  } finally {
    await store.close();
  }
});
