/**
 * Every TEI export, verdict included, validates against TEI P5 (tei_all, the RELAX NG
 * schema in tests/fixtures/tei_all.rng, © TEI Consortium, BSD-2 / CC-BY) with Debian's
 * `jing`: each built-in case whole and quotation by quotation, a hostile pair full of
 * markup, a quotation not found at all and a quotation in pieces. One jing run checks all the files.
 *
 * Where `jing` is not installed (`apt-get install jing`; .ci/run installs it) the test
 * says so in one line and is skipped, never silently.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { caseExportInput, exportInputForQuotation } from '../src/export/case-input.js';
import { renderCaseTei, renderTei } from '../src/export/tei.js';
import { loadBuiltInCases } from '../src/store/import-built-in.js';
import type { Case } from '../src/cases/types.js';
import { hostileInput, projectRoot } from './helpers/export-fixtures.js';

const SCHEMA = path.join(projectRoot, 'tests', 'fixtures', 'tei_all.rng');
const hasJing = spawnSync('jing', [], { stdio: 'ignore' }).error === undefined;
if (!hasJing) console.warn('jing is missing: TEI exports are not validated against TEI P5 here (apt-get install jing).');

function builtInCases(): Case[] {
  const { cases } = loadBuiltInCases(path.join(projectRoot, 'data', 'cases'));
  return cases.map((c) => ({ ...c.input, slug: c.slug, builtIn: true, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' }));
}

describe('TEI exports against TEI P5', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'elision-tei-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasJing)('every built-in case, a hostile pair and a quotation not found are valid tei_all', () => {
    const documents = new Map<string, string>();
    for (const kase of builtInCases()) {
      const comparisons = kase.quotations.map((q) => compare(q.text, kase.source.text));
      documents.set(`${kase.slug}-all.xml`, renderCaseTei(caseExportInput(kase, comparisons)));
      comparisons.forEach((comparison, i) => documents.set(`${kase.slug}-${i}.xml`, renderTei(exportInputForQuotation(kase, i, comparison))));
    }
    documents.set('hostile.xml', renderTei(hostileInput()));
    // an imported source: its provenance line in <sourceDesc><bibl><note type="provenance">
    const first = builtInCases()[0]!;
    const imported: Case = {
      ...first,
      source: {
        ...first.source,
        provenance: { file: '<odd> & "named".pdf', mediaType: 'application/pdf', extractedBy: 'pdfjs-dist 5.6.205', retrievedAt: '2026-11-29T22:00:00.000Z', bytes: 123456, sha256: 'ab'.repeat(32) },
        where: [{ start: 0, page: 'iv' }],
      },
    };
    const importedXml = renderCaseTei(caseExportInput(imported, imported.quotations.map((q) => compare(q.text, imported.source.text))));
    expect(importedXml).toContain('<note type="provenance">Imported from the file “&lt;odd&gt; &amp; "named".pdf”');
    documents.set('imported.xml', importedXml);
    const quote = 'Nothing of this stands in the source';
    const source = 'The plan was approved by the board at last.';
    documents.set('not-found.xml', renderTei({ comparison: compare(quote, source), quote, source }));
    // a quotation in pieces: the writer's words as <seg type="paraphrase">, the cut between pieces a <gap>
    const news = 'The committee "did … approve the budget" and called it "a fair settlement"';
    const statement = 'Members met until late. We did, after a long and heated debate that ran past midnight, approve the budget. It is a fair settlement for all of us.';
    const newsXml = renderTei({ comparison: compare(news, statement), quote: news, source: statement });
    expect(newsXml).toContain('<seg type="paraphrase">The committee</seg>');
    expect(newsXml).toContain('rend="paraphrase"');
    documents.set('in-pieces.xml', newsXml);

    const files = [...documents].map(([name, xml]) => {
      // each document carries the engine's verdict
      expect(xml, name).toMatch(/<note type="verdict" subtype="[a-z-]+"><label>/);
      const file = path.join(dir, name);
      writeFileSync(file, xml);
      return file;
    });
    const run = spawnSync('jing', [SCHEMA, ...files], { encoding: 'utf8' });
    expect(run.stdout.trim(), 'jing reports no error').toBe('');
    expect(run.status).toBe(0);
  });
});
