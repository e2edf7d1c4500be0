/**
 * Source files of every format Elision imports, built here from texts the project holds
 * (the built-in cases under data/cases/), so the import tests and the benchmark need no
 * downloaded file: an HTML page with navigation and comments around its article, a Word
 * document, an EPUB with a table of contents, a TEI file with notes, a Project Gutenberg
 * file in Windows-1252, and a PDF printed by Chromium with known page breaks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { chromium } from 'playwright-core';
import { launchOptions, resolveBrowser } from '../../src/browser.js';


/** A built-in case's source and first quotation, exactly as the project holds them. */
export function caseTexts(slug: string): { source: string; quote: string } {
  const dir = path.resolve('data/cases', slug);
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8').replace(/\n$/, '');
  return { source: read('source.txt'), quote: read('quotation-1.txt') };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Paragraphs of a text (split at blank lines) as <p> elements. */
export function asParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${escapeXml(paragraph.replace(/\s+/g, ' ').trim())}</p>`)
    .join('\n');
}

/** A blog-like page: navigation, an ad, the article, comments and a footer. */
export function htmlPage(title: string, articleHtml: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)} | A History Blog</title></head>
<body>
<header><a href="/">A History Blog</a><nav><ul><li><a href="/">Home</a></li><li><a href="/archive">Archive of every post since 2009</a></li><li><a href="/about">About the author of this blog</a></li></ul></nav></header>
<aside class="sidebar ads"><p>Advertisement: Buy the complete works in leather, only today, with free shipping worldwide.</p></aside>
<main><article><h1>${escapeXml(title)}</h1>
${articleHtml}
</article></main>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>NAVCOMMENT Great post! I have always wondered about this, thanks for writing it up so well.</p></div>
<div class="comment"><p>NAVCOMMENT I disagree entirely, and I will say so at length in every thread you open.</p></div>
</section>
<footer><p>Copyright the blog's author. All rights reserved. Powered by a blogging engine.</p></footer>
</body></html>`;
}

/** A minimal valid Word package: one heading and paragraphs. */
export function docxFile(heading: string, paragraphs: string[], title = 'A test document'): Uint8Array {
  const para = (text: string, style?: string) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
  const files: Zippable = {
    '[Content_Types].xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`),
    '_rels/.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`),
    'docProps/core.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${escapeXml(title)}</dc:title><dc:creator>Elision Tests</dc:creator></cp:coreProperties>`),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${para(heading, 'Heading1')}${paragraphs.map((p) => para(p)).join('')}</w:body></w:document>`),
  };
  return zipSync(files);
}

/** An EPUB 3 (with an NCX too) whose chapters are given in spine order. */
export function epubFile(bookTitle: string, chapters: Array<{ title: string; text: string }>): Uint8Array {
  const chapterFile = (index: number) => `text/chapter-${index + 1}.xhtml`;
  const files: Zippable = {
    // the mimetype entry comes first and is stored, as the EPUB spec wants
    mimetype: [strToU8('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': strToU8(`<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`),
    'OEBPS/content.opf': strToU8(`<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:elision-test</dc:identifier><dc:title>${escapeXml(bookTitle)}</dc:title><dc:creator>Elision Tests</dc:creator><dc:language>en</dc:language></metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/><item id="cover" href="text/cover.xhtml" media-type="application/xhtml+xml"/>${chapters.map((_, i) => `<item id="c${i + 1}" href="${chapterFile(i)}" media-type="application/xhtml+xml"/>`).join('')}</manifest>
<spine toc="ncx"><itemref idref="cover" linear="no"/>${chapters.map((_, i) => `<itemref idref="c${i + 1}"/>`).join('')}</spine></package>`),
    'OEBPS/nav.xhtml': strToU8(`<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Contents</title></head><body><nav epub:type="toc"><ol>${chapters.map((c, i) => `<li><a href="${chapterFile(i)}">${escapeXml(c.title)}</a></li>`).join('')}</ol></nav></body></html>`),
    'OEBPS/toc.ncx': strToU8(`<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>${chapters.map((c, i) => `<navPoint id="p${i + 1}" playOrder="${i + 1}"><navLabel><text>${escapeXml(c.title)}</text></navLabel><content src="${chapterFile(i)}"/></navPoint>`).join('')}</navMap></ncx>`),
    'OEBPS/text/cover.xhtml': strToU8(`<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Cover</title></head><body><p>COVER PAGE not in the reading order</p></body></html>`),
  };
  chapters.forEach((chapter, i) => {
    files[`OEBPS/${chapterFile(i)}`] = strToU8(`<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>${escapeXml(chapter.title)}</title></head><body><h2>${escapeXml(chapter.title)}</h2>
${asParagraphs(chapter.text)}</body></html>`);
  });
  return zipSync(files);
}

/** A TEI document: a header, a body with heads, paragraphs and notes. */
export function teiFile(sections: Array<{ head: string; text: string; note?: string }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A TEI test</title><author>Elision Tests</author></titleStmt><publicationStmt><p>HEADERTEXT not in the body</p></publicationStmt><sourceDesc><p>Made by the tests.</p></sourceDesc></fileDesc></teiHeader>
<text><body>${sections
    .map(
      (s) =>
        `<div><head>${escapeXml(s.head)}</head>${asParagraphs(s.text).replace('</p>', s.note ? `<note place="foot">${escapeXml(s.note)}</note></p>` : '</p>')}</div>`,
    )
    .join('\n')}</body></text></TEI>`;
}

const CP1252: Record<string, number> = {
  '€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b,
  'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99,
  'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
};

/** Text in Windows-1252 (every character of it must exist there). */
export function windows1252(text: string): Uint8Array {
  return Uint8Array.from(Array.from(text), (char) => {
    const code = char.codePointAt(0) as number;
    if (CP1252[char] !== undefined) return CP1252[char] as number;
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
    throw new Error(`${char} is not in Windows-1252`);
  });
}

/** A Project Gutenberg file around a text, with its licence header and footer. */
export function gutenbergFile(title: string, body: string): string {
  return `The Project Gutenberg eBook of ${title}

This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever. You may copy it, give it away or re-use it under the terms
of the Project Gutenberg License included with this ebook or online.

Title: ${title}

Author: Charles Darwin

Release date: December 1, 1999 [eBook #1228]

Language: English

Character set encoding: ISO-8859-1

*** START OF THE PROJECT GUTENBERG EBOOK ${title.toUpperCase()} ***




${body}



*** END OF THE PROJECT GUTENBERG EBOOK ${title.toUpperCase()} ***

Updated editions will replace the previous one—the old editions will
be renamed.

Creating the works from print editions not protected by U.S. copyright
law means that no one owns a United States copyright in these works.
`.replace(/\n/g, '\r\n');
}

/** A PDF printed by Chromium, one page per entry of `pages` (HTML each), A5 so long texts take several pages. */
export async function printPdf(pages: string[], options: { title?: string } = {}): Promise<Uint8Array> {
  const browser = await chromium.launch(launchOptions(await resolveBrowser())); // src/browser.ts: CHROMIUM_PATH, the system's, or the bundled one
  try {
    const page = await browser.newPage();
    await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeXml(options.title ?? 'A printed source')}</title>
<style>body { font: 12pt serif; } section { break-after: page; } section:last-child { break-after: auto; } p { margin: 0 0 0.8em; text-indent: 0; }</style></head>
<body>${pages.map((html) => `<section>${html}</section>`).join('')}</body></html>`);
    return new Uint8Array(await page.pdf({ format: 'A5', margin: { top: '1.5cm', bottom: '1.5cm', left: '1.5cm', right: '1.5cm' } }));
  } finally {
    await browser.close();
  }
}

/**
 * One range of a PDF's page labels (ISO 32000-1, 12.4.2): from page `from` (0-based) on,
 * numbered in `style` ('D' arabic, 'r'/'R' roman, 'a'/'A' letters) from `start` (default 1),
 * after `prefix`.
 */
export interface PageLabelRange {
  from: number;
  style?: 'D' | 'r' | 'R' | 'a' | 'A';
  start?: number;
  prefix?: string;
}

/**
 * The PDF with a /PageLabels number tree added to its catalog, as a publisher's PDF has
 * (Chromium never writes one): e.g. roman front matter, then arabic from 74.
 */
export async function withPageLabels(pdf: Uint8Array, ranges: PageLabelRange[]): Promise<Uint8Array> {
  const document = await PDFDocument.load(pdf);
  const nums: unknown[] = [];
  for (const range of ranges) {
    nums.push(range.from, {
      ...(range.style ? { S: PDFName.of(range.style) } : {}),
      ...(range.start !== undefined ? { St: range.start } : {}),
      ...(range.prefix !== undefined ? { P: PDFHexString.fromText(range.prefix) } : {}),
    });
  }
  document.catalog.set(PDFName.of('PageLabels'), document.context.obj({ Nums: nums } as never));
  return document.save({ useObjectStreams: false });
}

/**
 * A real zip bomb, made fast: `size` zero bytes deflated by node's zlib into one entry
 * (with honest headers) beside the given small entries. fflate would take seconds to
 * deflate 65 MB; zlib takes a fraction of one.
 */
export function zipBomb(bombName: string, size: number, small: Record<string, string> = {}): Uint8Array {
  const entries: Array<{ name: string; data: Buffer; method: number; crc: number; size: number }> = [];
  for (const [name, text] of Object.entries(small)) {
    const data = Buffer.from(text);
    entries.push({ name, data, method: 0, crc: zlib.crc32(data), size: data.length });
  }
  const zeros = Buffer.alloc(size);
  entries.push({ name: bombName, data: zlib.deflateRawSync(zeros, { level: 9 }), method: 8, crc: zlib.crc32(zeros), size });
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.crc, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt32LE(entry.crc, 16);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}
