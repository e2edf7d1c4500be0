/**
 * A server-side PDF of the HTML export, printed by headless Chromium (whichever
 * src/browser.ts resolves: CHROMIUM_PATH, the system's, or the one npm installed)
 * through playwright-core: a fresh profile each time, JavaScript off, every network
 * request refused except the shipped web fonts (src/fonts.ts), answered from disk so a
 * Chinese, Japanese or Russian case prints its characters; A4 with the export's print
 * stylesheet.
 *
 * Deliberately outside the registry: it does I/O and is asynchronous. At most
 * MAX_CONCURRENT_PDFS Chromiums run at once; a request beyond that is refused at once
 * rather than queued behind slow work.
 */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { BrowserUnavailableError, DEFAULT_CHROMIUM_ARGS, launchOptions, resolveBrowser, type ResolvedBrowser } from '../browser.js';
import { UserError } from '../errors.js';
import { fontFaceCss, fontFilePath } from '../fonts.js';

export const MAX_CONCURRENT_PDFS = 2;
/** Launch plus print of the founding case takes about a second; this bounds a stuck Chromium. */
export const PDF_TIMEOUT_MS = 20_000;

export const NO_CHROMIUM_MESSAGE =
  'This server has no Chromium it can start, so it cannot make PDFs. Download the HTML export instead and use your browser\'s Print → Save as PDF: it prints the same page.';

/**
 * An address no network can answer (.invalid is reserved): the PDF page asks it for
 * fonts, and the route below answers from the font packages on disk.
 */
const FONT_ORIGIN = 'http://fonts.elision.invalid/';

/** Is there an executable Chromium at `executablePath`? */
export function hasChromium(executablePath: string): boolean {
  try {
    accessSync(executablePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let running = 0;

/**
 * Prints `html` to a PDF with the resolved browser, or with the Chromium at
 * `executablePath` when given. Throws a UserError: 501 when there is no Chromium to
 * start, 503 when MAX_CONCURRENT_PDFS are already being made.
 */
export async function renderPdf(html: string, executablePath?: string): Promise<Buffer> {
  const browser = await browserFor(executablePath);
  if (running >= MAX_CONCURRENT_PDFS) {
    throw new UserError('The server is busy making other PDFs; try again in a moment, or print the HTML export to PDF from your browser.', 503);
  }
  running += 1;
  const profile = await mkdtemp(path.join(tmpdir(), 'elision-pdf-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      ...launchOptions(browser),
      headless: true,
      javaScriptEnabled: false,
      // The export's own policy forbids every fetch; the fonts below are ours, from disk.
      bypassCSP: true,
      timeout: PDF_TIMEOUT_MS,
    });
    try {
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        const file = url.startsWith(FONT_ORIGIN) ? fontFilePath(url.slice(FONT_ORIGIN.length)) : undefined;
        if (!file) return route.abort();
        return route.fulfill({ status: 200, contentType: 'font/woff2', body: await readFile(file) });
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(PDF_TIMEOUT_MS);
      await page.setContent(withFonts(html), { waitUntil: 'load' });
      // Fonts are asked for only when the text is laid out: lay it out for print, then wait
      // until every font it needs has arrived, so no glyph is printed before its font.
      await page.emulateMedia({ media: 'print' });
      await page.evaluate(async () => {
        document.body.getBoundingClientRect();
        await document.fonts.ready;
      });
      return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } });
    } finally {
      await context.close();
    }
  } finally {
    running -= 1;
    await rm(profile, { recursive: true, force: true });
  }
}

async function browserFor(executablePath: string | undefined): Promise<ResolvedBrowser> {
  if (executablePath !== undefined) {
    if (!hasChromium(executablePath)) throw new UserError(NO_CHROMIUM_MESSAGE, 501);
    return { source: 'CHROMIUM_PATH', executablePath, args: DEFAULT_CHROMIUM_ARGS, env: {}, description: executablePath };
  }
  try {
    return await resolveBrowser();
  } catch (error) {
    if (error instanceof BrowserUnavailableError) throw new UserError(NO_CHROMIUM_MESSAGE, 501);
    throw error;
  }
}

/** The export with the shipped fonts' @font-face rules, addressed to FONT_ORIGIN, at the top of its head. */
function withFonts(html: string): string {
  const style = `<style>${fontFaceCss(FONT_ORIGIN)}</style>`;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) return style + html;
  const at = head.index + head[0].length;
  return html.slice(0, at) + style + html.slice(at);
}
