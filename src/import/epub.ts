/**
 * EPUB (2 and 3): the package is unpacked within bounds (src/import/zip.ts), the
 * chapters read in spine order as HTML paragraphs, and each chapter's title taken from
 * the navigation document (EPUB 3) or the NCX (EPUB 2); a spine file with no entry of
 * its own continues the chapter before it.
 */
import path from 'node:path/posix';
import { parseHTML } from 'linkedom';
import { UserError } from '../errors.js';
import { htmlBlocks, type DomNode } from './html.js';
import type { Extracted, WhereEntry } from './types.js';
import { elementsNamed, parseXml, type XmlDocument } from './xml.js';
import { readZip, utf8 } from './zip.js';

/** "OEBPS/text/ch01.xhtml#s2" relative to "OEBPS/content.opf" → "OEBPS/text/ch01.xhtml". */
function resolveHref(base: string, href: string): string {
  const withoutFragment = decodeURIComponent(href.split('#')[0] as string);
  return path.normalize(path.join(path.dirname(base), withoutFragment)).replace(/^\.\//, '');
}

/** Titles of the table of contents by file, the first entry of each file winning. */
function tocTitles(files: Record<string, Uint8Array>, navPath: string | undefined, ncxPath: string | undefined, what: string): Map<string, string> {
  const titles = new Map<string, string>();
  const add = (base: string, href: string | null, label: string | null | undefined) => {
    const title = (label ?? '').replace(/\s+/g, ' ').trim();
    if (!href || !title) return;
    const file = resolveHref(base, href);
    if (!titles.has(file)) titles.set(file, title);
  };
  if (navPath && files[navPath]) {
    const { document } = parseHTML(utf8(files[navPath]));
    const navs = Array.from(document.querySelectorAll('nav'));
    const toc = navs.find((nav) => /\btoc\b/.test(nav.getAttribute('epub:type') ?? '')) ?? navs[0];
    for (const link of Array.from(toc?.querySelectorAll('a[href]') ?? [])) add(navPath, link.getAttribute('href'), link.textContent);
  }
  if (titles.size === 0 && ncxPath && files[ncxPath]) {
    const ncx = parseXml(utf8(files[ncxPath]), `${what} (its table of contents)`);
    for (const point of elementsNamed(ncx, 'navPoint')) {
      const label = elementsNamed(point, 'text')[0]?.textContent;
      add(ncxPath, elementsNamed(point, 'content')[0]?.getAttribute('src') ?? null, label);
    }
  }
  return titles;
}

export function extractEpub(bytes: Uint8Array, what: string): Extracted {
  const files = readZip(bytes, what, (name) => /\.(xml|opf|ncx|x?html?)$/i.test(name));
  const container = files['META-INF/container.xml'];
  if (!container) throw new UserError(`${what} is not a readable EPUB: it has no META-INF/container.xml.`, 422);
  const opfPath = elementsNamed(parseXml(utf8(container), what), 'rootfile')[0]?.getAttribute('full-path');
  if (!opfPath || !files[opfPath]) throw new UserError(`${what} is not a readable EPUB: its package document is missing.`, 422);
  const opf: XmlDocument = parseXml(utf8(files[opfPath]), what);
  const manifest = new Map<string, { href: string; mediaType: string; properties: string }>();
  for (const item of elementsNamed(opf, 'item')) {
    const id = item.getAttribute('id');
    const href = item.getAttribute('href');
    if (id && href) {
      manifest.set(id, { href: resolveHref(opfPath, href), mediaType: item.getAttribute('media-type') ?? '', properties: item.getAttribute('properties') ?? '' });
    }
  }
  const spine = elementsNamed(opf, 'spine')[0];
  const navPath = [...manifest.values()].find((item) => /\bnav\b/.test(item.properties))?.href;
  const ncxId = spine?.getAttribute('toc');
  const ncxPath = (ncxId ? manifest.get(ncxId)?.href : undefined) ?? [...manifest.values()].find((item) => item.mediaType === 'application/x-dtbncx+xml')?.href;
  const titles = tocTitles(files, navPath, ncxPath, what);

  const chapters: string[] = [];
  const where: WhereEntry[] = [];
  let offset = 0;
  let chapter: string | undefined;
  for (const ref of elementsNamed(opf, 'itemref')) {
    if (ref.getAttribute('linear') === 'no') continue;
    const item = manifest.get(ref.getAttribute('idref') ?? '');
    if (!item || !files[item.href]) continue;
    const { document } = parseHTML(utf8(files[item.href]));
    const blocks = htmlBlocks((document.body ?? document) as unknown as DomNode);
    if (blocks.text === '') continue;
    const title = titles.get(item.href) ?? (chapter === undefined ? blocks.headings[0]?.heading : undefined);
    if (chapters.length > 0) offset += 2;
    if (title !== undefined && title !== chapter) {
      chapter = title;
      where.push({ start: offset, chapter });
    }
    chapters.push(blocks.text);
    offset += blocks.text.length;
  }
  if (chapters.length === 0) throw new UserError(`${what} has no chapters with text in its reading order.`, 422);
  const title = elementsNamed(opf, 'dc:title')[0]?.textContent?.trim();
  const author = elementsNamed(opf, 'dc:creator')[0]?.textContent?.trim();
  return {
    text: chapters.join('\n\n'),
    where,
    mediaType: 'application/epub+zip',
    extractedBy: 'fflate 0.8 and linkedom 0.18',
    details: { chapters: where.length, ...(title ? { title } : {}), ...(author ? { author } : {}) },
  };
}
