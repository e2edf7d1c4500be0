/**
 * DOCX through mammoth (Word's paragraphs and headings as HTML), read into paragraphs
 * with a headings map like any HTML. The package is first unpacked within bounds
 * (src/import/zip.ts) and only its XML parts are handed to mammoth, repacked: mammoth's
 * own unzipping has no size limit.
 */
import { zipSync } from 'fflate';
import { parseHTML } from 'linkedom';
import mammoth from 'mammoth';
import { UserError } from '../errors.js';
import { htmlBlocks, type DomNode } from './html.js';
import type { Extracted } from './types.js';
import { elementsNamed, parseXml } from './xml.js';
import { readZip, utf8 } from './zip.js';

export async function extractDocx(bytes: Uint8Array, what: string): Promise<Extracted> {
  const parts = readZip(bytes, what, (name) => /\.(xml|rels)$/i.test(name));
  if (!parts['word/document.xml']) {
    throw new UserError(`${what} is a ZIP package but not a Word document (.docx) or an EPUB.`, 422);
  }
  const repacked = zipSync(parts, { level: 0 });
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(repacked) })).value;
  } catch {
    throw new UserError(`${what} is not a readable Word document: it may be damaged.`, 422);
  }
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks = htmlBlocks(document.body as unknown as DomNode);
  const core = parts['docProps/core.xml'] ? parseXml(utf8(parts['docProps/core.xml']), what) : undefined;
  const title = core ? elementsNamed(core, 'dc:title')[0]?.textContent?.trim() : undefined;
  const author = core ? elementsNamed(core, 'dc:creator')[0]?.textContent?.trim() : undefined;
  return {
    text: blocks.text,
    where: blocks.headings.map(({ start, heading }) => ({ start, heading })),
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extractedBy: 'mammoth 1',
    details: { ...(title ? { title } : {}), ...(author ? { author } : {}) },
  };
}
