/**
 * PDF through pdfjs-dist (Mozilla's PDF.js, the legacy build for Node): the text layer
 * page by page, lines joined into paragraphs, and a map from each page's first offset
 * to its printed page label (when the PDF has page labels) or its number.
 */
import { UserError } from '../errors.js';
import type { Extracted, WhereEntry } from './types.js';

interface TextItem {
  str: string;
  width: number;
  height: number;
  transform: number[];
  hasEOL: boolean;
}

interface Line {
  text: string;
  /** baseline height on the page (PDF space: grows upwards) */
  y: number;
  size: number;
  width: number;
}

/** A page's text items as lines, in reading order as the PDF gives them. */
function linesOf(items: readonly TextItem[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const item of items) {
    const y = item.transform[5] ?? 0;
    const size = Math.abs(item.transform[3] ?? 0) || item.height || 1;
    // an item well below or above the line being built starts a new one even without an EOL
    if (current && item.str !== '' && Math.abs(current.y - y) > size * 0.6) {
      lines.push(current);
      current = undefined;
    }
    if (!current) current = { text: '', y, size, width: 0 };
    current.text += item.str;
    current.width += item.width;
    current.size = Math.max(current.size, size);
    if (item.hasEOL) {
      lines.push(current);
      current = undefined;
    }
  }
  if (current) lines.push(current);
  return lines.filter((line) => line.text.trim() !== '');
}

/**
 * A page's lines as paragraphs: a new paragraph where the gap above a line is clearly
 * wider than a line's, or where the line before stopped well short of the full width.
 * Lines inside a paragraph are joined by a space, except after a hyphen (kept as a line
 * break, which the engine reads as a hyphenation).
 */
function paragraphsOf(lines: readonly Line[]): string[] {
  const fullWidth = Math.max(0, ...lines.map((line) => line.width));
  const paragraphs: string[] = [];
  let paragraph = '';
  lines.forEach((line, index) => {
    const text = line.text.replace(/\s+/g, ' ').trim();
    const previous = lines[index - 1];
    const gap = previous ? previous.y - line.y : 0;
    const breaks =
      !previous || gap > previous.size * 1.7 || gap < -previous.size || previous.width < fullWidth * 0.7;
    if (breaks) {
      if (paragraph !== '') paragraphs.push(paragraph);
      paragraph = text;
    } else paragraph += /\p{L}-$/u.test(paragraph) ? `\n${text}` : ` ${text}`;
  });
  if (paragraph !== '') paragraphs.push(paragraph);
  return paragraphs;
}

/** "74" → 74, "xiv" → "xiv": a label that is a plain number reads as one. */
function pageName(label: string | undefined, number: number): number | string {
  const trimmed = label?.trim();
  if (!trimmed) return number;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export async function extractPdf(bytes: Uint8Array, what: string): Promise<Extracted> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // pdf.js takes ownership of the buffer it is given: hand it a copy
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let document: Awaited<typeof task.promise>;
  try {
    document = await task.promise;
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'PasswordException') throw new UserError(`${what} is a password-protected PDF: remove the password and try again.`, 422);
    throw new UserError(`${what} is not a readable PDF: it may be damaged or incomplete.`, 422);
  }
  try {
    const labels = await document.getPageLabels().catch(() => null);
    const where: WhereEntry[] = [];
    const pageTexts: string[] = [];
    let offset = 0;
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      const items = (content.items as unknown[]).filter((item): item is TextItem => typeof item === 'object' && item !== null && 'str' in item);
      const text = paragraphsOf(linesOf(items)).join('\n\n');
      page.cleanup();
      if (text === '') continue;
      if (pageTexts.length > 0) offset += 2;
      where.push({ start: offset, page: pageName(labels?.[number - 1], number) });
      pageTexts.push(text);
      offset += text.length;
    }
    if (pageTexts.length === 0) {
      throw new UserError(`${what} has no text layer (it is a scan of printed pages): OCR is needed before Elision can read it.`, 422);
    }
    const info = (await document.getMetadata().catch(() => undefined))?.info as { Title?: unknown; Author?: unknown } | undefined;
    const title = typeof info?.Title === 'string' ? info.Title.trim() : '';
    const author = typeof info?.Author === 'string' ? info.Author.trim() : '';
    return {
      text: pageTexts.join('\n\n'),
      where,
      mediaType: 'application/pdf',
      extractedBy: `pdfjs-dist ${pdfjs.version}`,
      details: { pages: document.numPages, ...(title ? { title } : {}), ...(author ? { author } : {}) },
    };
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${what} is not a readable PDF: it may be damaged or incomplete.`, 422);
  } finally {
    await document.destroy();
  }
}
