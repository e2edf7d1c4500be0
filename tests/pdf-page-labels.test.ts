/**
 * A PDF's printed page labels: a book's front matter numbered i, ii, iii and its text
 * from p. 74 reports "p. iv" and "p. 74", not the page's position in the file. The
 * fixture is printed by the bundled Chromium (which writes no /PageLabels) and given a
 * /PageLabels number tree by pdf-lib, as a publisher's PDF has. Checked through
 * importSource, POST /api/sources (the real import worker) and POST /api/compare.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { ImportPool } from '../src/import/import-pool.js';
import { createSourceImporter } from '../src/import/importer.js';
import { importSource, whereAt } from '../src/import/index.js';
import { createApp } from '../src/web/app.js';
import { asParagraphs, caseTexts, printPdf, withPageLabels } from './helpers/source-fixtures.js';
import { memoryStore } from './helpers/temp-store.js';

const service = caseTexts('service-stalin-resignation');
const darwin = caseTexts('darwin-eye');
const hamlet = caseTexts('hamlet-yorick');
const transitional = caseTexts('darwin-transitional-forms');

/** Front matter (four short pages), then the book's text from p. 74, with the Appendix as A-1. */
const pages = [
  '<h1>A Reader of Quotations</h1>',
  '<p>Copyright page, printed for the test.</p>',
  '<h2>Contents</h2><p>Three passages, and an appendix.</p>',
  asParagraphs(service.source),
  asParagraphs(darwin.source),
  asParagraphs(hamlet.source),
  asParagraphs(transitional.source),
];
const labels = ['i', 'ii', 'iii', 'iv', 74, 75, 'A-1'];

let labelled: Uint8Array;
let unlabelled: Uint8Array;
const pool = new ImportPool(20_000);
const app = createApp({ store: await memoryStore(), csrf: true, sourceImporter: createSourceImporter({ pool }) });

beforeAll(async () => {
  unlabelled = await printPdf(pages);
  labelled = await withPageLabels(unlabelled, [
    { from: 0, style: 'r' },
    { from: 4, style: 'D', start: 74 },
    { from: 6, style: 'D', prefix: 'A-' },
  ]);
}, 60_000);
afterAll(() => pool.close());

describe('PDF page labels', () => {
  it('reports each page by its printed label: roman front matter, arabic from 74 (a number), a prefixed appendix (a string)', async () => {
    const source = await importSource({ bytes: labelled, fileName: 'reader.pdf' });
    expect(source.provenance.pages).toBe(7);
    expect(source.where.map((entry) => entry.page)).toEqual(labels);
    for (const [texts, page] of [
      [service, 'iv'],
      [darwin, 74],
      [hamlet, 75],
      [transitional, 'A-1'],
    ] as const) {
      const comparison = compare(texts.quote, source.text);
      expect(comparison.found).toBe(true);
      expect(whereAt(source.where, comparison.span!.start)).toEqual({ page });
    }
  });

  it('numbers the pages 1, 2, 3… when the PDF has no labels', async () => {
    const source = await importSource({ bytes: unlabelled, fileName: 'plain.pdf' });
    expect(source.where.map((entry) => entry.page)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('gives the labels through POST /api/sources, and POST /api/compare puts them on the comparison', async () => {
    const imported = await request(app).post('/api/sources').attach('file', Buffer.from(labelled), { filename: 'reader.pdf', contentType: 'application/pdf' });
    expect(imported.status).toBe(200);
    expect(imported.body.where.map((entry: { page: unknown }) => entry.page)).toEqual(labels);
    for (const [texts, page] of [
      [service, 'iv'],
      [darwin, 74],
    ] as const) {
      const compared = await request(app).post('/api/compare').send({ quote: texts.quote, source: imported.body.text, where: imported.body.where });
      expect(compared.status).toBe(200);
      expect(compared.body.where).toEqual({ page });
    }
  });
});
