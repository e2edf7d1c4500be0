/**
 * HTML: the main text of a page as a reader view gives it (@mozilla/readability on a
 * linkedom DOM: no navigation, ads or comments), its block structure kept as paragraphs
 * and its headings mapped. `htmlBlocks` turns any DOM subtree into paragraphs; the DOCX,
 * EPUB and quoting-page readers use it too.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { decodeText } from './text.js';
import type { Extracted, WhereEntry } from './types.js';

/** The little of a DOM node the walker reads (linkedom's nodes have it). */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'CAPTION', 'CENTER', 'DD', 'DETAILS', 'DIV', 'DL', 'DT',
  'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR',
  'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'THEAD', 'TFOOT', 'TR', 'UL',
  // TEI and other XML read as HTML blocks
  'LG', 'L', 'SP', 'SPEAKER', 'STAGE', 'HEAD', 'AB', 'LB',
]);
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'MATH', 'IFRAME', 'OBJECT', 'BUTTON', 'SELECT', 'TEXTAREA']);
const HEADING = /^H[1-6]$/;

export interface Blocks {
  text: string;
  /** each heading's text and where its paragraph starts */
  headings: Array<{ start: number; heading: string }>;
  /** where each paragraph starts and ends in `text`, and the element it came from */
  paragraphs: Array<{ start: number; end: number; tag: string }>;
}

/**
 * The text of a DOM subtree as paragraphs separated by a blank line: every block
 * element ends a paragraph, runs of white space collapse to one space (except in
 * <pre>), <br> is a line break.
 */
export function htmlBlocks(
  root: DomNode,
  options: { skip?: (node: DomNode) => boolean; headingTags?: RegExp } = {},
): Blocks {
  const headingTags = options.headingTags ?? HEADING;
  const paragraphs: string[] = [];
  const meta: Array<{ tag: string; heading: boolean }> = [];
  let buffer = '';
  let bufferTag = 'P';
  const flush = (tag: string) => {
    const text = buffer.replace(/[ \t]*\n[ \t]*/g, '\n').trim();
    if (text !== '') {
      paragraphs.push(text);
      meta.push({ tag: bufferTag, heading: headingTags.test(bufferTag) });
    }
    buffer = '';
    bufferTag = tag;
  };
  const walk = (node: DomNode, inPre: boolean) => {
    if (node.nodeType === 3) {
      const value = node.textContent ?? '';
      buffer += inPre ? value : value.replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const name = node.nodeName.toUpperCase();
    if (SKIP.has(name) || options.skip?.(node)) return;
    if (name === 'BR') {
      buffer += '\n';
      return;
    }
    const block = BLOCK.has(name);
    if (block) flush(name);
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) walk(children[i] as DomNode, inPre || name === 'PRE');
    if (block) flush('P');
  };
  walk(root, false);
  flush('P');
  let offset = 0;
  const headings: Blocks['headings'] = [];
  const spans: Blocks['paragraphs'] = [];
  paragraphs.forEach((paragraph, index) => {
    const info = meta[index] as { tag: string; heading: boolean };
    if (info.heading) headings.push({ start: offset, heading: paragraph.replace(/\s+/g, ' ') });
    spans.push({ start: offset, end: offset + paragraph.length, tag: info.tag });
    offset += paragraph.length + 2;
  });
  return { text: paragraphs.join('\n\n'), headings, paragraphs: spans };
}

/** The charset an HTML document declares in a <meta> near its top. */
function metaCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const match = head.match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i);
  return match ? (match[1] as string).toLowerCase() : undefined;
}

export function decodeHtml(bytes: Uint8Array, declaredCharset: string | undefined): { html: string; encoding: string } {
  const { text, encoding } = decodeText(bytes, declaredCharset ?? metaCharset(bytes));
  return { html: text, encoding };
}

/** Elements around an article that are never its text, for pages Readability gives up on. */
const CHROME = /(^|[\s_-])(nav|navbar|menu|sidebar|comments?|ads?|advert\w*|promo|share|social|related|footer|header|cookie\w*|banner)([\s_-]|$)/i;

export function extractHtml(bytes: Uint8Array, declaredCharset: string | undefined): Extracted {
  const { html, encoding } = decodeHtml(bytes, declaredCharset);
  const { document } = parseHTML(html);
  const pageTitle = (document.querySelector('title')?.textContent ?? '').trim();
  // Readability changes the document it reads: give it its own copy
  const article = new Readability(parseHTML(html).document as unknown as Document, { charThreshold: 200 }).parse();
  let blocks: Blocks;
  if (article?.content) {
    const { document: articleDocument } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
    blocks = htmlBlocks(articleDocument.body as unknown as DomNode);
  } else {
    blocks = htmlBlocks((document.body ?? document) as unknown as DomNode, { skip: isChrome });
  }
  const where: WhereEntry[] = blocks.headings.map(({ start, heading }) => ({ start, heading }));
  const title = (article?.title ?? '').trim() || pageTitle;
  const author = (article?.byline ?? '').trim();
  return {
    text: blocks.text,
    where,
    mediaType: 'text/html',
    extractedBy: '@mozilla/readability 0.6 on linkedom 0.18',
    details: { encoding, ...(title ? { title } : {}), ...(author ? { author } : {}) },
  };
}

/** Navigation, headers, footers, asides, forms and anything named like comments or ads. */
export function isChrome(node: DomNode): boolean {
  const element = node as DomNode & { getAttribute?: (name: string) => string | null };
  const name = node.nodeName.toUpperCase();
  if (name === 'NAV' || name === 'HEADER' || name === 'FOOTER' || name === 'ASIDE' || name === 'FORM') return true;
  const label = `${element.getAttribute?.('id') ?? ''} ${element.getAttribute?.('class') ?? ''} ${element.getAttribute?.('role') ?? ''}`;
  return CHROME.test(label) || /^(navigation|banner|contentinfo|complementary)$/.test(element.getAttribute?.('role') ?? '');
}
