/**
 * importSource on every format, with fixtures built from the project's own texts: the
 * extracted text must compare with a quotation exactly as the pasted text does, and
 * report the right page, chapter or heading for where the quotation stands.
 */
import { createHash } from 'node:crypto';
import { strToU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { UserError } from '../src/errors.js';
import { importSource, whereAt, formatWhere } from '../src/import/index.js';
import { splitGutenberg, unwrapParagraphs } from '../src/import/text.js';
import { compact } from './helpers/compact.js';
import {
  asParagraphs,
  caseTexts,
  docxFile,
  epubFile,
  gutenbergFile,
  htmlPage,
  printPdf,
  teiFile,
  windows1252,
  zipBomb,
} from './helpers/source-fixtures.js';

const darwin = caseTexts('darwin-eye');
const service = caseTexts('service-stalin-resignation');
const transitional = caseTexts('darwin-transitional-forms');
const hamlet = caseTexts('hamlet-yorick');
const fixedNow = () => new Date('2026-01-02T03:04:05.000Z');

/** The imported text compares with the quotation as the pasted text does: same segments, same words. */
function expectSameComparison(quote: string, pasted: string, imported: string) {
  const byPaste = compare(quote, pasted);
  const byImport = compare(quote, imported);
  expect(byImport.found).toBe(true);
  expect(compact(byImport, quote, imported)).toBe(compact(byPaste, quote, pasted));
  expect(byImport.stats).toEqual(byPaste.stats);
  expect(byImport.verdict.rating).toBe(byPaste.verdict.rating);
  return byImport;
}

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('plain text', () => {
  it('reads a Project Gutenberg file in Windows-1252, sets its licence aside and joins its wrapped lines', async () => {
    const bytes = windows1252(gutenbergFile('On the Origin of Species', darwin.source));
    const source = await importSource({ bytes, fileName: 'pg1228.txt' }, { now: fixedNow });
    expect(source.provenance.encoding).toBe('windows-1252');
    expect(source.text).toContain('_Organs of extreme perfection and complication_.—To suppose');
    expect(source.text).not.toMatch(/Project Gutenberg|START OF|END OF/i);
    expect(source.provenance.gutenberg?.header).toContain('*** START OF THE PROJECT GUTENBERG EBOOK');
    expect(source.provenance.gutenberg?.footer).toContain('*** END OF THE PROJECT GUTENBERG EBOOK');
    expect(source.provenance.title).toBe('On the Origin of Species');
    expect(source.provenance).toMatchObject({
      file: 'pg1228.txt',
      mediaType: 'text/plain',
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      retrievedAt: '2026-01-02T03:04:05.000Z',
    });
    // hard-wrapped prose comes out as one paragraph
    expect(source.text.split('\n').length).toBeLessThan(darwin.source.split('\n').length);
    expectSameComparison(darwin.quote, darwin.source, source.text);
  });

  it('reads KOI8-R and GB18030 when the media type declares them, and detects KOI8-R when nothing does', async () => {
    const russian = 'Сталин написал Рыкову письмо об отставке. '.repeat(20);
    // KOI8-R bytes made by a decoder round trip: each byte value's character
    const koi8 = new TextDecoder('koi8-r');
    const table = new Map<string, number>();
    for (let byte = 0; byte < 256; byte++) table.set(koi8.decode(Uint8Array.of(byte)), byte);
    const bytes = Uint8Array.from(Array.from(russian), (char) => table.get(char) as number);
    const declared = await importSource({ bytes, mediaType: 'text/plain; charset=KOI8-R' });
    expect(declared.text).toBe(russian.trim());
    const detected = await importSource({ bytes, fileName: 'letter.txt' });
    expect(detected.provenance.encoding).toBe('koi8-r');
    expect(detected.text).toBe(russian.trim());

    const gb = new TextDecoder('gb18030');
    const chinese = '我们必须记住历史';
    const gbTable = new Map<string, number[]>();
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        const char = gb.decode(Uint8Array.of(lead, trail));
        if (char.length === 1 && !gbTable.has(char)) gbTable.set(char, [lead, trail]);
      }
    }
    const gbBytes = Uint8Array.from(Array.from(chinese).flatMap((char) => gbTable.get(char) as number[]));
    expect((await importSource({ bytes: gbBytes, mediaType: 'text/plain;charset=gb18030' })).text).toBe(chinese);
  });

  it('keeps verse and short lines as they are', () => {
    expect(unwrapParagraphs('Alas, poor Yorick!\nI knew him, Horatio.\n\nA fellow of infinite jest.')).toBe(
      'Alas, poor Yorick!\nI knew him, Horatio.\n\nA fellow of infinite jest.',
    );
    expect(splitGutenberg('no markers here')).toBeUndefined();
  });

  it('refuses a binary file of no known type, and an empty one', async () => {
    expect((await rejection(importSource({ bytes: Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13), fileName: 'picture.png' }))).message).toMatch(
      /not a format Elision can read/,
    );
    expect((await rejection(importSource({ bytes: new Uint8Array(0), fileName: 'empty.txt' }))).message).toBe('The file "empty.txt" is empty.');
  });

  it('refuses a file over the limit with 413', async () => {
    const error = await rejection(importSource({ bytes: new Uint8Array(2048).fill(65), fileName: 'big.txt' }, { maxBytes: 1024 }));
    expect(error.status).toBe(413);
  });
});

describe('HTML', () => {
  it('takes the article without navigation, ads or comments, as paragraphs, with its headings', async () => {
    const article = `<p>Robert Service wrote about this in his biography of Stalin, which many readers of this blog will know well enough. The passage is worth reading whole, so here it is as the book prints it.</p>
<h2>The letter to Rykov</h2>${asParagraphs(service.source)}`;
    const bytes = strToU8(htmlPage('Stalin tried to resign four times', article));
    const source = await importSource({ bytes, url: 'https://blog.example/stalin', mediaType: 'text/html; charset=utf-8' });
    expect(source.text).not.toMatch(/NAVCOMMENT|Archive of every post|Advertisement|Powered by/);
    expect(source.text).toContain('Robert Service wrote about this');
    expect(source.text).toMatch(/\n\nThe letter to Rykov\n\n/);
    expect(source.provenance).toMatchObject({ url: 'https://blog.example/stalin', mediaType: 'text/html', title: 'Stalin tried to resign four times' });
    expect(source.provenance.file).toBeUndefined();
    const comparison = expectSameComparison(service.quote, service.source, source.text);
    expect(whereAt(source.where, comparison.span!.start)).toEqual({ heading: 'The letter to Rykov' });
  });

  it('reads the charset a <meta> declares', async () => {
    const html = `<!DOCTYPE html><html><head><meta charset="windows-1252"><title>t</title></head><body><p>“Alas, poor Yorick!” — Hamlet’s words.</p></body></html>`;
    const source = await importSource({ bytes: windows1252(html), fileName: 'page.html' });
    expect(source.text).toBe('“Alas, poor Yorick!” — Hamlet’s words.');
  });
});

describe('DOCX', () => {
  it('reads paragraphs and headings through mammoth', async () => {
    const bytes = docxFile('Chapter VI: Difficulties of the theory', darwin.source.split(/\n\s*\n/), 'Origin');
    const source = await importSource({ bytes, fileName: 'darwin.docx' });
    expect(source.provenance.mediaType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(source.provenance.title).toBe('Origin');
    const comparison = expectSameComparison(darwin.quote, darwin.source, source.text);
    expect(whereAt(source.where, comparison.span!.start)).toEqual({ heading: 'Chapter VI: Difficulties of the theory' });
  });

  it('refuses a zip bomb before inflating it', async () => {
    const bomb = zipBomb('word/document.xml', 65 * 1024 * 1024, { '[Content_Types].xml': '<Types/>' });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const error = await rejection(importSource({ bytes: bomb, fileName: 'bomb.docx' }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/zip bomb/);
  });

  it('refuses a damaged package', async () => {
    const bytes = docxFile('Heading', ['text']).slice(0, 300);
    const error = await rejection(importSource({ bytes, fileName: 'broken.docx' }));
    expect(error.status).toBe(422);
  });
});

describe('EPUB', () => {
  it('reads chapters in spine order and reports the chapter a quotation stands in', async () => {
    const bytes = epubFile('Four sources', [
      { title: 'The Letter', text: service.source },
      { title: 'Difficulties of the Theory', text: darwin.source },
      { title: 'The Street', text: transitional.source },
      { title: 'The Churchyard', text: hamlet.source },
    ]);
    const source = await importSource({ bytes, fileName: 'four.epub' });
    expect(source.provenance).toMatchObject({ mediaType: 'application/epub+zip', title: 'Four sources', chapters: 4 });
    expect(source.text).not.toContain('COVER PAGE');
    expect(source.where.map((entry) => entry.chapter)).toEqual(['The Letter', 'Difficulties of the Theory', 'The Street', 'The Churchyard']);
    for (const [texts, chapter] of [
      [darwin, 'Difficulties of the Theory'],
      [transitional, 'The Street'],
      [service, 'The Letter'],
    ] as const) {
      const comparison = expectSameComparison(texts.quote, texts.source, source.text);
      expect(whereAt(source.where, comparison.span!.start)).toEqual({ chapter });
    }
    expect(formatWhere({ chapter: 'The Street' })).toBe('ch. “The Street”');
  });

  it('refuses a zip bomb inside an EPUB', async () => {
    const bomb = zipBomb('OEBPS/a.xhtml', 65 * 1024 * 1024, { mimetype: 'application/epub+zip' });
    const error = await rejection(importSource({ bytes: bomb, fileName: 'bomb.epub' }));
    expect(error.message).toMatch(/zip bomb/);
  });
});

describe('TEI', () => {
  it('reads the body with its heads, and sets notes apart', async () => {
    const xml = teiFile([
      { head: 'Of the eye', text: darwin.source, note: 'FOOTNOTE Darwin revised this in later editions.' },
      { head: 'Transitions', text: transitional.source },
    ]);
    const source = await importSource({ bytes: strToU8(xml), fileName: 'origin.xml' });
    expect(source.provenance.mediaType).toBe('application/tei+xml');
    expect(source.text).not.toMatch(/FOOTNOTE|HEADERTEXT/);
    expect(source.provenance.notes).toEqual(['FOOTNOTE Darwin revised this in later editions.']);
    const comparison = expectSameComparison(transitional.quote, transitional.source, source.text);
    expect(whereAt(source.where, comparison.span!.start)).toEqual({ heading: 'Transitions' });
  });

  it('refuses XML that is not well formed', async () => {
    const error = await rejection(importSource({ bytes: strToU8('<TEI><text><body><p>open</body></TEI>'), fileName: 'bad.xml' }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/not well-formed XML/);
  });
});

describe('PDF', () => {
  let pdf: Uint8Array;
  beforeAll(async () => {
    // page 1 the Service passage, page 2 Darwin on the eye, pages 3 and 4 Hamlet and the transitional forms
    pdf = await printPdf([asParagraphs(service.source), asParagraphs(darwin.source), asParagraphs(hamlet.source), asParagraphs(transitional.source)]);
  }, 60_000);

  it('keeps page boundaries and reports the page a quotation stands on', async () => {
    const source = await importSource({ bytes: pdf, fileName: 'printed.pdf' });
    expect(source.provenance).toMatchObject({ mediaType: 'application/pdf', pages: 4 });
    expect(source.provenance.extractedBy).toMatch(/^pdfjs-dist 5\./);
    expect(source.where.map((entry) => entry.page)).toEqual([1, 2, 3, 4]);
    for (const [texts, page] of [
      [service, 1],
      [darwin, 2],
      [transitional, 4],
    ] as const) {
      const comparison = expectSameComparison(texts.quote, texts.source, source.text);
      expect(whereAt(source.where, comparison.span!.start)).toEqual({ page });
    }
    expect(formatWhere({ page: 74 })).toBe('p. 74');
  });

  it('says a PDF without a text layer is a scan that needs OCR', async () => {
    const blank = await printPdf(['<div style="height: 5cm; background: #888"></div>']);
    const error = await rejection(importSource({ bytes: blank, fileName: 'scan.pdf' }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/no text layer.*OCR/);
  });

  it('refuses a damaged PDF', async () => {
    const error = await rejection(importSource({ bytes: pdf.slice(0, 400), fileName: 'cut.pdf' }));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/not a readable PDF/);
  });
});
