/** The built-in case loader: file format, idempotent import, edits, user cases untouched, bad folders reported. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBuiltInCases, loadBuiltInCases } from '../src/store/import-built-in.js';
import type { CaseStore } from '../src/cases/types.js';
import { memoryStore, tempDir, type TempDir } from './helpers/temp-store.js';

let dir: TempDir;
let casesDir: string;
let store: CaseStore;

beforeEach(async () => {
  dir = tempDir('import');
  casesDir = dir.file('cases');
  fs.mkdirSync(casesDir);
  store = await memoryStore();
});

afterEach(async () => {
  await store.close();
  dir.remove();
});

function writeCase(slug: string, files: Record<string, string | Buffer>): void {
  const folder = path.join(casesDir, slug);
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), content);
}

function caseJson(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    title: 'Pride before a fall',
    citation: { author: 'King James Version', work: 'Proverbs', page: '16:18', language: 'en' },
    sourceFile: 'source.txt',
    quotations: [{ file: 'quotation-1.txt', quotedBy: { author: 'Everyone' }, note: 'the proverb as people say it' }],
    notes: 'Where the text comes from: the KJV.',
    tags: ['proverb'],
    questions: ['What was left out?'],
    teacherNotes: 'Point at the haughty spirit.',
    ...overrides,
  });
}

function writeGoodCase(slug = 'pride-goeth'): void {
  writeCase(slug, {
    'case.json': caseJson(),
    'source.txt': 'Pride goeth before destruction, and an haughty spirit before a fall.\n',
    'quotation-1.txt': 'Pride goeth before a fall\n\n',
  });
}

describe('the case files', () => {
  it('drops exactly one trailing line break from each text and touches nothing else', async () => {
    writeGoodCase();
    const { cases, errors } = loadBuiltInCases(casesDir);
    expect(errors).toEqual([]);
    expect(cases).toHaveLength(1);
    const [loaded] = cases;
    expect(loaded!.slug).toBe('pride-goeth');
    expect(loaded!.input.source.text).toBe('Pride goeth before destruction, and an haughty spirit before a fall.');
    expect(loaded!.input.quotations[0]!.text).toBe('Pride goeth before a fall\n');
    expect(loaded!.input).toMatchObject({
      title: 'Pride before a fall',
      source: { citation: { author: 'King James Version', work: 'Proverbs', page: '16:18', language: 'en' } },
      quotations: [{ quotedBy: { author: 'Everyone' }, note: 'the proverb as people say it' }],
      tags: ['proverb'],
      questions: ['What was left out?'],
      teacherNotes: 'Point at the haughty spirit.',
    });
  });

  it('loads every built-in case shipped in data/cases without an error', async () => {
    const { cases, errors } = loadBuiltInCases(path.join(import.meta.dirname, '..', 'data', 'cases'));
    expect(errors).toEqual([]);
    const founding = cases.find((c) => c.slug === 'service-stalin-resignation');
    expect(founding?.input.quotations.length).toBe(2);
    expect(founding?.input.source.text).toContain('took took');
  });

  it('reports a bad folder naming the file, and still imports the others', async () => {
    writeGoodCase('good-one');
    writeCase('bad-json', { 'case.json': '{ "title": ', 'source.txt': 'x' });
    writeCase('missing-text', { 'case.json': caseJson(), 'source.txt': 'Pride goeth before destruction.' });
    writeCase('no-title', { 'case.json': caseJson({ title: '' }), 'source.txt': 'a b', 'quotation-1.txt': 'a' });
    writeCase('not-utf8', { 'case.json': caseJson(), 'source.txt': Buffer.from([0x66, 0xff, 0xfe, 0x20]), 'quotation-1.txt': 'f' });
    writeCase('escaping', { 'case.json': caseJson({ sourceFile: '../good-one/source.txt' }), 'quotation-1.txt': 'x' });
    writeCase('Bad_Slug', { 'case.json': caseJson(), 'source.txt': 'a b', 'quotation-1.txt': 'a' });

    const report = await importBuiltInCases(store, casesDir);
    expect(report.results).toEqual([{ slug: 'good-one', outcome: 'created' }]);
    const bySlug = Object.fromEntries(report.errors.map((e) => [e.slug, e]));
    expect(Object.keys(bySlug).sort()).toEqual(['Bad_Slug', 'bad-json', 'escaping', 'missing-text', 'no-title', 'not-utf8']);
    expect(bySlug['bad-json']!.file).toBe(path.join(casesDir, 'bad-json', 'case.json'));
    expect(bySlug['bad-json']!.message).toMatch(/not valid JSON/);
    expect(bySlug['missing-text']!.file).toBe(path.join(casesDir, 'missing-text', 'quotation-1.txt'));
    expect(bySlug['missing-text']!.message).toBe('missing.');
    expect(bySlug['no-title']!.message).toBe('title: The title is empty.');
    expect(bySlug['not-utf8']!.message).toBe('not valid UTF-8.');
    expect(bySlug['escaping']!.message).toMatch(/inside the case's folder/);
    expect(bySlug['Bad_Slug']!.message).toMatch(/not a usable slug/);
    expect((await store.list()).map((c) => c.slug)).toEqual(['good-one']);
  });

  it('imports nothing, without error, when the folder does not exist', async () => {
    expect(await importBuiltInCases(store, dir.file('nowhere'))).toEqual({ results: [], errors: [] });
  });
});

describe('importing at start', () => {
  it('is idempotent: a second import changes nothing', async () => {
    writeGoodCase();
    expect((await importBuiltInCases(store, casesDir)).results).toEqual([{ slug: 'pride-goeth', outcome: 'created' }]);
    const first = (await store.get('pride-goeth'))!;
    expect(first.builtIn).toBe(true);
    expect((await importBuiltInCases(store, casesDir)).results).toEqual([{ slug: 'pride-goeth', outcome: 'unchanged' }]);
    expect(await store.get('pride-goeth')).toEqual(first);
    expect(await store.list()).toHaveLength(1);
  });

  it('updates a built-in case when one of its files is edited', async () => {
    writeGoodCase();
    await importBuiltInCases(store, casesDir);
    fs.writeFileSync(path.join(casesDir, 'pride-goeth', 'quotation-1.txt'), 'pride goeth before destruction\n');
    expect((await importBuiltInCases(store, casesDir)).results).toEqual([{ slug: 'pride-goeth', outcome: 'updated' }]);
    expect((await store.get('pride-goeth'))!.quotations[0]!.text).toBe('pride goeth before destruction');
    expect((await store.get('pride-goeth'))!.builtIn).toBe(true);
  });

  it("never touches a user's own case, even one holding a built-in slug", async () => {
    const mine = await store.create(
      { title: 'Mine', source: { text: 'my own source text', citation: {} }, quotations: [{ text: 'my own' }] },
      'pride-goeth',
    );
    writeGoodCase();
    expect((await importBuiltInCases(store, casesDir)).results).toEqual([{ slug: 'pride-goeth', outcome: 'kept-user-case' }]);
    expect(await store.get('pride-goeth')).toEqual(mine);
  });

  it('keeps a user\'s edit of a built-in case, and does not bring back one the user deleted', async () => {
    writeGoodCase('edited');
    writeGoodCase('deleted');
    await importBuiltInCases(store, casesDir);
    const edited = (await store.get('edited'))!;
    await store.update('edited', { ...edited, title: 'My version' });
    await store.delete('deleted');
    fs.writeFileSync(path.join(casesDir, 'edited', 'source.txt'), 'Pride goeth before destruction, and an haughty spirit before a fall. (edited)');
    expect((await importBuiltInCases(store, casesDir)).results).toEqual([
      { slug: 'deleted', outcome: 'dismissed' },
      { slug: 'edited', outcome: 'kept-user-case' },
    ]);
    expect((await store.get('edited'))!.title).toBe('My version');
    expect(await store.get('deleted')).toBeUndefined();
  });

  it('imports the shipped built-in cases into a fresh store, twice without change', async () => {
    const shipped = path.join(import.meta.dirname, '..', 'data', 'cases');
    const first = await importBuiltInCases(store, shipped);
    expect(first.errors).toEqual([]);
    expect(first.results.every((r) => r.outcome === 'created')).toBe(true);
    expect((await store.get('service-stalin-resignation'))?.quotations).toHaveLength(2);
    expect((await importBuiltInCases(store, shipped)).results.every((r) => r.outcome === 'unchanged')).toBe(true);
  });
});
