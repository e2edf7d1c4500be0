/// <reference lib="dom" />
/**
 * The shipped web fonts (src/fonts.ts) in a real headless Chromium, whichever
 * src/browser.ts resolves; the bundled one has no CJK font of its own, so there these
 * tests show that the page's own fonts draw the characters:
 * - distinct Chinese, Japanese and Russian characters come out as distinct images, none
 *   blank and none equal to the .notdef box a missing glyph would give;
 * - a Chinese case page downloads only a few unicode-range pieces of the CJK fonts;
 * - the PDF of a Chinese case embeds the Chinese font.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startApp, startBrowser, type RunningApp, type RunningBrowser } from './helpers/browser.js';

// The Analects 1.1 (public domain), quoted with its middle cut.
const CHINESE_SOURCE = '子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」';
const CHINESE_QUOTE = '學而時習之，不亦說乎？……人不知而不慍，不亦君子乎？';
const CHINESE_SLUG = 'analects-opening';

let app: RunningApp;
let browser: RunningBrowser;

beforeAll(async () => {
  app = await startApp();
  app.store.create(
    {
      title: '論語 學而',
      source: { text: CHINESE_SOURCE, citation: { author: '孔子', work: '論語' } },
      quotations: [{ text: CHINESE_QUOTE, quotedBy: { author: '一位老師' } }],
    },
    CHINESE_SLUG,
  );
  browser = await startBrowser({ viewport: { width: 1200, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Screenshots of `text` drawn character by character in the page's serif stack, each in a box of the same size. */
async function glyphImages(characters: string[]): Promise<Buffer[]> {
  const page = browser.page;
  await page.evaluate((chars) => {
    const holder = document.createElement('div');
    holder.id = 'glyph-test';
    for (const [index, char] of chars.entries()) {
      const box = document.createElement('span');
      box.id = `glyph-${index}`;
      box.textContent = char;
      box.style.cssText = 'display:inline-block;width:64px;height:64px;font:48px/64px var(--serif);text-align:center;color:#000;background:#fff;overflow:hidden';
      holder.append(box);
    }
    document.body.prepend(holder);
  }, characters);
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  const images: Buffer[] = [];
  for (const index of characters.keys()) images.push(await page.locator(`#glyph-${index}`).screenshot());
  await page.evaluate(() => document.getElementById('glyph-test')?.remove());
  return images;
}

describe('the shipped fonts', () => {
  it('draws Chinese, Japanese and Russian characters, not .notdef boxes', async () => {
    const fontRequests: string[] = [];
    browser.page.on('request', (req) => {
      if (req.url().includes('/static/fonts/')) fontRequests.push(req.url());
    });
    await browser.page.goto(`${app.baseUrl}/cases/${CHINESE_SLUG}`);
    // Two private-use code points no font has: what a missing glyph looks like; and a blank.
    const [missing, missingToo, blank, ...glyphs] = await glyphImages(['\uE000', '\uE001', '\u3000', '學', '習', '說', '樂', 'あ', 'ア', 'Ж', 'я']);
    expect(missing!.equals(missingToo!)).toBe(true); // the .notdef reference is one fixed picture
    glyphs.forEach((glyph, index) => {
      expect(glyph.equals(blank!), `character ${index} drawn`).toBe(false);
      expect(glyph.equals(missing!), `character ${index} not a .notdef box`).toBe(false);
      glyphs.slice(index + 1).forEach((other) => expect(glyph.equals(other)).toBe(false));
    });
    // The Chinese came from the shipped SC/TC/JP pieces, fetched from the app itself.
    expect(fontRequests.some((url) => /\/static\/fonts\/noto-serif-(sc|tc|jp)-\d+-wght-normal\.woff2$/.test(url))).toBe(true);
  });

  it('loads only the pieces a Chinese case page needs', async () => {
    const fresh = await startBrowser(); // an empty cache: every piece the page needs is fetched
    const page = fresh.page;
    const fontBytes = new Map<string, number>();
    page.on('response', async (res) => {
      if (res.url().includes('/static/fonts')) fontBytes.set(res.url(), (await res.body()).length);
    });
    await page.goto(`${app.baseUrl}/cases/${CHINESE_SLUG}`, { waitUntil: 'networkidle' });
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    const cjkPieces = [...fontBytes.keys()].filter((url) => /noto-serif-(sc|tc|jp)-/.test(url));
    const total = [...fontBytes.values()].reduce((sum, bytes) => sum + bytes, 0);
    expect(cjkPieces.length).toBeGreaterThan(0);
    expect(cjkPieces.length).toBeLessThan(25); // of ~330 pieces
    expect(total).toBeLessThan(3_000_000); // the whole CJK set is ~20 MB
    await fresh.close();
  });
});

describe('the PDF export', () => {
  it('embeds the Chinese font in the PDF of a Chinese case', async () => {
    const res = await request(app.baseUrl).get(`/cases/${CHINESE_SLUG}/export?format=pdf`).buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/FontName\s*\/[A-Z]{6}\+NotoSerif(SC|TC|JP)-/);
  });

  it('prints the founding case to a PDF', async () => {
    const res = await request(app.baseUrl).get('/cases/service-stalin-resignation/export?format=pdf').buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect((res.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
