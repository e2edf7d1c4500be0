/** The CLI with sources of every kind: files of each format and an address, with the page or chapter reported. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { asParagraphs, caseTexts, epubFile, gutenbergFile, htmlPage, printPdf, windows1252 } from './helpers/source-fixtures.js';

const darwin = caseTexts('darwin-eye');
const service = caseTexts('service-stalin-resignation');
let dir: string;
let server: Server;
let base: string;
const file = (name: string, content: string | Uint8Array) => {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'elision-cli-import-'));
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(htmlPage('The letter', `<h2>To Rykov</h2>${asParagraphs(service.source)}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('compare QUOTE_FILE SOURCE with imported sources', () => {
  it('reads a PDF and says on which page the quotation stands', async () => {
    const pdf = file('printed.pdf', await printPdf([asParagraphs(service.source), asParagraphs(darwin.source)]));
    const quote = file('q.txt', darwin.quote);
    const json = await cli(['compare', quote, pdf, '--format', 'json']);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ found: true, where: { page: 2 } });
    const text = await cli(['compare', quote, pdf]);
    expect(text.stdout).toMatch(/Source: printed\.pdf, p\. 2\n {2}Imported from the file “printed\.pdf” \(application\/pdf, [\d.]+ (KB|bytes), SHA-256 [0-9a-f]{64}\), read by pdfjs-dist 5/);
    const md = await cli(['compare', quote, pdf, '--format', 'md']);
    expect(md.stdout).toMatch(/, 2\b/);
  }, 60_000);

  it('reads an EPUB and a Gutenberg file in Windows-1252', async () => {
    const quote = file('q2.txt', darwin.quote);
    const epub = file('origin.epub', epubFile('Origin', [{ title: 'Instinct', text: service.source }, { title: 'Difficulties of the Theory', text: darwin.source }]));
    expect(JSON.parse((await cli(['compare', quote, epub, '--format', 'json'])).stdout).where).toEqual({ chapter: 'Difficulties of the Theory' });
    const gutenberg = file('pg1228.txt', windows1252(gutenbergFile('On the Origin of Species', darwin.source)));
    const result = await cli(['compare', quote, gutenberg]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/windows-1252.*Project Gutenberg licence set aside/);
  });

  it('fetches an address when private addresses are allowed, and refuses it otherwise with exit 2', async () => {
    const quote = file('q3.txt', service.quote);
    const fetched = await cli(['compare', quote, `${base}/post`, '--format', 'json'], { env: { ELISION_FETCH_ALLOW_PRIVATE: '1' } });
    expect(JSON.parse(fetched.stdout)).toMatchObject({ found: true, where: { heading: 'To Rykov' } });
    const refused = await cli(['compare', quote, `${base}/post`]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^elision: Elision will not fetch .* loopback .*\n$/);
  });

  it('refuses a damaged PDF with one line and exit 2', async () => {
    const quote = file('q4.txt', darwin.quote);
    const broken = file('broken.pdf', '%PDF-1.7\nthis is not a pdf at all');
    const result = await cli(['compare', quote, broken]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^elision: The file "broken\.pdf" is not a readable PDF/);
  });
});
