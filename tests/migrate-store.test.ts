/**
 * migrate-store: a real SQLite store (the built-in cases, a user's cases, a dismissed
 * built-in case) copied into a real PostgreSQL database; whole, verified, idempotent,
 * and refused without writing anything when a slug there holds something else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { openCaseStore } from '../src/store/case-store.js';
import { importBuiltInCases } from '../src/store/import-built-in.js';
import { openPostgresStore } from '../src/store/pg-open.js';
import { findInLibrary } from '../src/library/find.js';
import { projectRoot } from './helpers/server-process.js';
import { freshPostgresDatabase, postgresUrl, type TestDatabase } from './helpers/postgres.js';

describe.runIf(postgresUrl)('migrate-store from SQLite to PostgreSQL', () => {
  let dir: string;
  let file: string;
  let db: TestDatabase;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elision-migrate-'));
    file = path.join(dir, 'elision.db');
    db = await freshPostgresDatabase();
    const sqlite = await openCaseStore(file);
    await importBuiltInCases(sqlite, path.join(projectRoot, 'data', 'cases'));
    await sqlite.create({
      title: 'Сталин — “a user’s case”',
      // an imported source with its original file kept beside it
      source: {
        text: '  Сталин просил об отставке.\r\nTabs\tand 👍🏽.\n',
        citation: { author: 'Роберт Сервис', year: '2004' },
        provenance: { file: 'service.pdf', mediaType: 'application/pdf', extractedBy: 'pdfjs-dist 5.6.205', retrievedAt: '2026-11-29T22:00:00.000Z', bytes: 11, sha256: 'ef'.repeat(32) },
        originalFile: new TextEncoder().encode('%PDF-1.7 ok'),
      },
      quotations: [{ text: 'Сталин просил', quotedBy: { author: 'Блогер' }, note: 'first' }, { text: 'Tabs\tand 👍🏽' }],
      notes: '**notes**',
      tags: ['Сталин', 'test'],
      questions: ['Why?'],
      teacherNotes: 'teacher only',
    });
    await sqlite.delete('judge-not');
    await sqlite.library.add({
      text: 'A library source of its own, quoted by no case: the lamp burned low over the harbour while the ships came in.',
      title: 'Harbour notes',
      citation: { author: 'A. Keeper', work: 'Harbour notes', year: '1901' },
      provenance: { file: 'harbour.txt' },
      original: new TextEncoder().encode('original bytes'),
    });
    await sqlite.close();
  });

  afterEach(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies every case exactly, verifies it, and copies nothing the second time', async () => {
    const first = await cli(['migrate-store', '--from', file, '--to', db.url]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Copied 9 case\(s\) from .* 0 already there\.\nVerified 9 case\(s\), \d+ quotation\(s\), \d+ tag\(s\), \d+ library source\(s\), 1 dismissed built-in case\(s\): every checksum matches/);

    const sqlite = await openCaseStore(file);
    const target = await openPostgresStore(db.url);
    try {
      const slugs = (await sqlite.list()).map((c) => c.slug);
      expect((await target.list()).map((c) => c.slug)).toEqual(slugs);
      for (const slug of slugs) expect(await target.get(slug), slug).toEqual(await sqlite.get(slug));
      // a case's kept original came along, to the byte
      const userSlug = slugs.find((slug) => slug.includes('user'))!;
      expect((await target.get(userSlug))?.source.originalBytes).toBe(11);
      expect(new TextDecoder().decode((await target.sourceOriginal(userSlug))?.bytes)).toBe('%PDF-1.7 ok');
      expect(await target.list({ q: 'СТАЛИН' })).toEqual(await sqlite.list({ q: 'СТАЛИН' }));
      // the library came along, each text once, the library's own source whole, and find finds in it
      const strip = ({ id, addedAt, ...rest }: { id: number; addedAt: string }) => rest;
      expect((await target.library.list()).map(strip)).toEqual((await sqlite.library.list()).map(strip));
      const harbour = (await target.library.list({ q: 'harbour' }))[0]!;
      expect(await target.library.get(harbour.id)).toMatchObject({ provenance: { file: 'harbour.txt' }, originalBytes: 14, origin: 'library', caseCount: 0 });
      const found = await findInLibrary(target.library, 'the lamp burned low over the harbour while the ships came in');
      expect(found.results[0]).toMatchObject({ sourceId: harbour.id, found: true });
      // the built-in bookkeeping came along: unchanged cases stay so, the dismissed one stays away
      const outcomes = await target.syncBuiltIn((await import('../src/store/import-built-in.js')).loadBuiltInCases(path.join(projectRoot, 'data', 'cases')).cases);
      expect(outcomes.find((o) => o.slug === 'judge-not')?.outcome).toBe('dismissed');
      expect(outcomes.filter((o) => o.slug !== 'judge-not').every((o) => o.outcome === 'unchanged')).toBe(true);
    } finally {
      await sqlite.close();
      await target.close();
    }

    const second = await cli(['migrate-store', '--from', file, '--to', db.url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Copied 0 case\(s\) .* 9 already there\./);
  });

  it('stops before writing anything when a slug in PostgreSQL holds another case', async () => {
    const target = await openPostgresStore(db.url);
    await target.create({ title: 'Other', source: { text: 'Another text.', citation: {} }, quotations: [{ text: 'Another' }] }, 'darwin-eye');
    await target.close();
    const result = await cli(['migrate-store', '--from', file, '--to', db.url]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^The case "darwin-eye" is already in postgres:\/\/.* with different content; nothing was copied\./);
    const after = await openPostgresStore(db.url);
    expect((await after.list()).map((c) => c.slug)).toEqual(['darwin-eye']);
    await after.close();
  });

  it('answers bad arguments and an unreachable database with one line and exit 2', async () => {
    const run = (...args: string[]) => cli(['migrate-store', ...args]);
    const missing = await run('--from', path.join(dir, 'nope.db'), '--to', db.url);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^There is no SQLite file at .*nope\.db"\.\n$/);
    const refused = await run('--from', file, '--to', 'postgres://postgres:secret@127.0.0.1:1/x');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x: connection refused/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });
});
