/**
 * "The quotation from the quoting page": given the page that quotes (a blog post), the
 * passages it presents as quotations — its <blockquote>s and long sentences in quotation
 * marks — each with the sentence that introduces it ("Service wrote about this in his
 * biography…"), so the user picks one instead of copying it. The page's address and
 * title fill in "quoted by".
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { decodeHtml, htmlBlocks, isChrome, type DomNode } from './html.js';

export interface QuotedPassage {
  /** the passage as the page prints it */
  text: string;
  /** the sentence before it that introduces it, when there is one */
  introduction?: string;
  kind: 'blockquote' | 'quoted';
}

export interface QuotingPage {
  title?: string;
  url?: string;
  passages: QuotedPassage[];
}

/** Fewest words a sentence in quotation marks needs to be offered as a quotation. */
export const MIN_QUOTED_WORDS = 8;
export const MAX_PASSAGES = 50;

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

function sentences(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment.trim()).filter((s) => s !== '');
}

function lastSentence(text: string): string | undefined {
  return sentences(text).at(-1);
}

function words(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Text in paired quotation marks: “…”, "…", «…», „…“ (at least MIN_QUOTED_WORDS words). */
const QUOTED = /“([^”]+)”|"([^"]+)"|«\s?([^»]+?)\s?»|„([^“”]+)[“”]/g;

function quotedIn(paragraph: string): QuotedPassage[] {
  const found: QuotedPassage[] = [];
  for (const match of paragraph.matchAll(QUOTED)) {
    const inner = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? '').trim();
    if (words(inner) < MIN_QUOTED_WORDS) continue;
    const before = paragraph.slice(0, match.index).trim();
    // the introduction: the words before the mark in its own sentence, or else the sentence before
    const lead = before === '' ? undefined : lastSentence(before);
    found.push({ text: inner, kind: 'quoted', ...(lead ? { introduction: lead } : {}) });
  }
  return found;
}

type Element = DomNode & {
  tagName?: string;
  previousElementSibling?: Element | null;
  parentElement?: Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
  closest?(selector: string): Element | null;
};

/** The last sentence of the nearest text before an element (its earlier siblings, then its parent's). */
function introductionOf(element: Element): string | undefined {
  for (let node: Element | null | undefined = element; node; node = node.parentElement) {
    for (let previous = node.previousElementSibling; previous; previous = previous.previousElementSibling) {
      const text = htmlBlocks(previous).text.trim();
      if (text !== '') return lastSentence(text.split('\n\n').at(-1) as string);
    }
  }
  return undefined;
}

/** The quotations a page (HTML) presents. */
export function findQuotedPassages(bytes: Uint8Array, mediaType: string | undefined, url?: string): QuotingPage {
  const charset = mediaType?.match(/charset=([\w.:-]+)/i)?.[1];
  const { html } = decodeHtml(bytes, charset?.toLowerCase());
  const { document } = parseHTML(html);
  const pageTitle = (document.querySelector('title')?.textContent ?? '').replace(/\s+/g, ' ').trim();
  // Readability's title (without the site's name); not its content, which may turn a
  // short post's blockquote into a plain block and drop the sentence that introduces it
  const article = new Readability(parseHTML(html).document as unknown as Document, { charThreshold: 200 }).parse();
  const body = (document.querySelector('article') ?? document.querySelector('main') ?? document.body) as unknown as Element;
  for (const chrome of Array.from(body.querySelectorAll('nav, header, footer, aside, form, [id*="comment"], [class*="comment"]'))) {
    (chrome as unknown as { remove(): void }).remove();
  }
  const root = body;
  const passages: QuotedPassage[] = [];
  const blockquotes = Array.from(root.querySelectorAll('blockquote')).filter((bq) => !bq.parentElement?.closest?.('blockquote'));
  const inBlockquote = new Set<string>();
  for (const blockquote of blockquotes) {
    if (isChrome(blockquote)) continue;
    const text = htmlBlocks(blockquote).text.trim();
    if (text === '') continue;
    inBlockquote.add(text.replace(/\s+/g, ' '));
    const introduction = introductionOf(blockquote);
    passages.push({ text, kind: 'blockquote', ...(introduction ? { introduction } : {}) });
  }
  // sentences in quotation marks, outside the blockquotes (whose own marks are the quotation's)
  const outside = htmlBlocks(root, { skip: (node) => node.nodeName.toUpperCase() === 'BLOCKQUOTE' });
  for (const paragraph of outside.text.split('\n\n')) passages.push(...quotedIn(paragraph));
  const title = (article?.title ?? '').trim() || pageTitle;
  return { ...(title ? { title } : {}), ...(url ? { url } : {}), passages: passages.slice(0, MAX_PASSAGES) };
}

/** The same for a page that is not HTML (its extracted text): sentences in quotation marks only. */
export function findQuotedInText(text: string, title?: string, url?: string): QuotingPage {
  const passages = text.split(/\n\s*\n/).flatMap((paragraph) => quotedIn(paragraph.replace(/\s+/g, ' ')));
  return { ...(title ? { title } : {}), ...(url ? { url } : {}), passages: passages.slice(0, MAX_PASSAGES) };
}

/** The quoting page of any format Elision reads: HTML with its blockquotes, anything else through its text. */
export async function quotingPageOf(input: import('./types.js').SourceInput): Promise<QuotingPage> {
  const { detectFormat, importSource } = await import('./index.js');
  if (detectFormat(input) === 'html') return findQuotedPassages(input.bytes, input.mediaType, input.url);
  const source = await importSource(input);
  return findQuotedInText(source.text, source.provenance.title, input.url);
}
