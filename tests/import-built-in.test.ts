/** The built-in case loader: file format, idempotent import, edits, user cases untouched, bad folders reported. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCaseStore } from '../src/store/case-store.js';
import { importBuiltInCases, loadBuiltInCases } from '../src/store/import-built-in.js';
import type { CaseStore } from '../src/cases/types.js';

let dir: string;
let casesDir: string;
let store: CaseStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elision-import-'));
  casesDir = path.join(dir, 'cases');
  fs.mkdirSync(casesDir);
  store = openCaseStore(path.join(dir, 'elision.db'));
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
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
  it('drops exactly one trailing line break from each text and touches nothing else', () => {
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

  it('loads every built-in case shipped in data/cases without an error', () => {
    const { cases, errors } = loadBuiltInCases(path.join(import.meta.dirname, '..', 'data', 'cases'));
    expect(errors).toEqual([]);
    const founding = cases.find((c) => c.slug === 'service-stalin-resignation');
    expect(founding?.input.quotations.length).toBe(2);
    expect(founding?.input.source.text).toContain('took took');
  });

  it('reports a bad folder naming the file, and still imports the others', () => {
    writeGoodCase('good-one');
    writeCase('bad-json', { 'case.json': '{ "title": ', 'source.txt': 'x' });
    writeCase('missing-text', { 'case.json': caseJson(), 'source.txt': 'Pride goeth before destruction.' });
    writeCase('no-title', { 'case.json': caseJson({ title: '' }), 'source.txt': 'a b', 'quotation-1.txt': 'a' });
    writeCase('not-utf8', { 'case.json': caseJson(), 'source.txt': Buffer.from([0x66, 0xff, 0xfe, 0x20]), 'quotation-1.txt': 'f' });
    writeCase('escaping', { 'case.json': caseJson({ sourceFile: '../good-one/source.txt' }), 'quotation-1.txt': 'x' });
    writeCase('Bad_Slug', { 'case.json': caseJson(), 'source.txt': 'a b', 'quotation-1.txt': 'a' });

    const report = importBuiltInCases(store, casesDir);
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
    expect(store.list().map((c) => c.slug)).toEqual(['good-one']);
  });

  it('imports nothing, without error, when the folder does not exist', () => {
    expect(importBuiltInCases(store, path.join(dir, 'nowhere'))).toEqual({ results: [], errors: [] });
  });
});

describe('importing at start', () => {
  it('is idempotent: a second import changes nothing', () => {
    writeGoodCase();
    expect(importBuiltInCases(store, casesDir).results).toEqual([{ slug: 'pride-goeth', outcome: 'created' }]);
    const first = store.get('pride-goeth')!;
    expect(first.builtIn).toBe(true);
    expect(importBuiltInCases(store, casesDir).results).toEqual([{ slug: 'pride-goeth', outcome: 'unchanged' }]);
    expect(store.get('pride-goeth')).toEqual(first);
    expect(store.list()).toHaveLength(1);
  });

  it('updates a built-in case when one of its files is edited', () => {
    writeGoodCase();
    importBuiltInCases(store, casesDir);
    fs.writeFileSync(path.join(casesDir, 'pride-goeth', 'quotation-1.txt'), 'pride goeth before destruction\n');
    expect(importBuiltInCases(store, casesDir).results).toEqual([{ slug: 'pride-goeth', outcome: 'updated' }]);
    expect(store.get('pride-goeth')!.quotations[0]!.text).toBe('pride goeth before destruction');
    expect(store.get('pride-goeth')!.builtIn).toBe(true);
  });

  it("never touches a user's own case, even one holding a built-in slug", () => {
    const mine = store.create(
      { title: 'Mine', source: { text: 'my own source text', citation: {} }, quotations: [{ text: 'my own' }] },
      'pride-goeth',
    );
    writeGoodCase();
    expect(importBuiltInCases(store, casesDir).results).toEqual([{ slug: 'pride-goeth', outcome: 'kept-user-case' }]);
    expect(store.get('pride-goeth')).toEqual(mine);
  });

  it('keeps a user\'s edit of a built-in case, and does not bring back one the user deleted', () => {
    writeGoodCase('edited');
    writeGoodCase('deleted');
    importBuiltInCases(store, casesDir);
    const edited = store.get('edited')!;
    store.update('edited', { ...edited, title: 'My version' });
    store.delete('deleted');
    fs.writeFileSync(path.join(casesDir, 'edited', 'source.txt'), 'Pride goeth before destruction, and an haughty spirit before a fall. (edited)');
    expect(importBuiltInCases(store, casesDir).results).toEqual([
      { slug: 'deleted', outcome: 'dismissed' },
      { slug: 'edited', outcome: 'kept-user-case' },
    ]);
    expect(store.get('edited')!.title).toBe('My version');
    expect(store.get('deleted')).toBeUndefined();
  });

  it('imports the shipped built-in cases into a fresh store, twice without change', () => {
    const shipped = path.join(import.meta.dirname, '..', 'data', 'cases');
    const first = importBuiltInCases(store, shipped);
    expect(first.errors).toEqual([]);
    expect(first.results.every((r) => r.outcome === 'created')).toBe(true);
    expect(store.get('service-stalin-resignation')?.quotations).toHaveLength(2);
    expect(importBuiltInCases(store, shipped).results.every((r) => r.outcome === 'unchanged')).toBe(true);
  });
});
