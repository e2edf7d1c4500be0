/**
 * A server-side PDF of the HTML export, printed by headless Chromium through
 * playwright-core: a fresh profile each time, JavaScript off, every network request
 * refused (the HTML export needs none), A4 with the export's print stylesheet.
 *
 * Deliberately outside the registry: it does I/O and is asynchronous, and a server
 * without Chromium simply has no PDF (the browser's Print → Save as PDF does the same
 * from the HTML export). At most MAX_CONCURRENT_PDFS Chromiums run at once; a request
 * beyond that is refused at once rather than queued behind slow work.
 */
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { UserError } from '../errors.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const MAX_CONCURRENT_PDFS = 2;
/** Launch plus print of the founding case takes about a second; this bounds a stuck Chromium. */
export const PDF_TIMEOUT_MS = 20_000;

export const NO_CHROMIUM_MESSAGE =
  'This server has no Chromium (/usr/bin/chromium), so it cannot make PDFs. Download the HTML export instead and use your browser\'s Print → Save as PDF: it prints the same page.';

/** Is there an executable Chromium at `executablePath`? */
export function hasChromium(executablePath = CHROMIUM_PATH): boolean {
  try {
    accessSync(executablePath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let running = 0;

/**
 * Prints `html` to a PDF. Throws a UserError: 501 when there is no Chromium, 503 when
 * MAX_CONCURRENT_PDFS are already being made.
 */
export async function renderPdf(html: string, executablePath = CHROMIUM_PATH): Promise<Buffer> {
  if (!hasChromium(executablePath)) throw new UserError(NO_CHROMIUM_MESSAGE, 501);
  if (running >= MAX_CONCURRENT_PDFS) {
    throw new UserError('The server is busy making other PDFs; try again in a moment, or print the HTML export to PDF from your browser.', 503);
  }
  running += 1;
  const profile = await mkdtemp(path.join(tmpdir(), 'elision-pdf-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      javaScriptEnabled: false,
      offline: true,
      timeout: PDF_TIMEOUT_MS,
    });
    try {
      await context.route('**/*', (route) => route.abort());
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(PDF_TIMEOUT_MS);
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } });
    } finally {
      await context.close();
    }
  } finally {
    running -= 1;
    await rm(profile, { recursive: true, force: true });
  }
}
