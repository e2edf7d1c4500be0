/**
 * The hostile case of tests/helpers/hostile.ts in a real browser: every page loads with
 * no dialog, no Content-Security-Policy violation (so the pages need nothing inline),
 * no element carrying an event handler, no link with a script scheme, and no bidi
 * override of a user's reordering the page's own text after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startApp, startBrowser, type RunningApp, type RunningBrowser } from './helpers/browser.js';
import { hostileCase } from './helpers/hostile.js';

let app: RunningApp;
let browser: RunningBrowser;
let slug: string;
const dialogs: string[] = [];
const violations: string[] = [];

beforeAll(async () => {
  app = await startApp();
  const res = await fetch(`${app.baseUrl}/api/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(hostileCase()),
  });
  expect(res.status).toBe(201);
  slug = ((await res.json()) as { slug: string }).slug;
  browser = await startBrowser();
  browser.page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()} on ${browser.page.url()}`);
    void dialog.dismiss();
  });
  browser.page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(`${browser.page.url()}: ${message.text()}`);
  });
  await browser.page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content-Security-Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface PageFindings {
  eventAttributes: string[];
  scriptLinks: string[];
  inlineScripts: number;
  frames: number;
  bidiLeaks: string[];
  textLength: number;
}

/** Looks at the live DOM: what an attacker's text would have to become to do harm. */
async function inspect(page: Page): Promise<PageFindings> {
  const hostile = hostileCase();
  const ownTexts = [hostile.source.text, ...hostile.quotations.map((q) => q.text)];
  return page.evaluate((ownTexts) => {
    const squeeze = (text: string) => text.replace(/[\s\u202a-\u202e\u2066-\u2069]/g, '');
    const squeezedOwnTexts = ownTexts.map(squeeze);
    const all = Array.from(document.querySelectorAll('*'));
    const eventAttributes = all.flatMap((el) =>
      Array.from(el.attributes).filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => `<${el.localName} ${a.name}>`),
    );
    const scriptLinks = all.flatMap((el) =>
      ['href', 'src', 'action', 'formaction', 'data', 'poster', 'xlink:href']
        .map((name) => el.getAttribute(name))
        .filter((value): value is string => value !== null)
        .filter((value) => /^(javascript|vbscript|data|blob|file):/i.test(value.replace(/[\u0000-\u0020]/g, '')))
        .map((value) => `<${el.localName}> ${value.slice(0, 60)}`),
    );
    const inlineScripts = Array.from(document.scripts).filter((s) => !s.src).length;
    const frames = document.querySelectorAll('iframe, frame, object, embed').length;

    // Bidi: an override (LRE, RLE, LRO, RLO) or isolate (LRI, RLI, FSI) left open runs
    // on to the end of its bidi paragraph: the end of the nearest block or isolating
    // element, or a preserved line break. Each such element's own text (nested ones are
    // their own paragraphs) is read in order with UAX #9's stack; while something is
    // open, only more of the same user's text may follow — a source's own override
    // reorders the source's own words, which is what its author typed.
    const bidiLeaks: string[] = [];
    const endsParagraph = (el: Element): boolean => {
      if (el.localName === 'bdi' || el.hasAttribute('dir')) return true;
      const style = getComputedStyle(el);
      return /isolate|plaintext/.test(style.unicodeBidi) || !style.display.startsWith('inline');
    };
    const isOwnText = (text: string) => squeeze(text) === '' || squeezedOwnTexts.some((own) => own.includes(squeeze(text)));
    for (const container of Array.from(document.querySelectorAll('body, body *'))) {
      if (!endsParagraph(container) || !/[\u202a-\u202e\u2066-\u2069]/.test(container.textContent ?? '')) continue;
      const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
        acceptNode: (node) =>
          node.nodeType === Node.ELEMENT_NODE
            ? node !== container && endsParagraph(node as Element) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP
            : NodeFilter.FILTER_ACCEPT,
      });
      let open: string[] = [];
      let opener = '';
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        if (open.length > 0 && !isOwnText(text)) {
          bidiLeaks.push(`<${container.localName}${container.className ? `.${container.className}` : ''}> "${opener.slice(0, 40)}" reorders "${text.trim().slice(0, 60)}"`);
          break;
        }
        const preservesBreaks = /pre|break-spaces/.test(getComputedStyle(node.parentElement ?? container).whiteSpace);
        for (const ch of text) {
          if (/[\u202a\u202b\u202d\u202e]/.test(ch)) open.push('embedding');
          else if (/[\u2066-\u2068]/.test(ch)) open.push('isolate');
          else if (ch === '\u202c') {
            if (open[open.length - 1] === 'embedding') open.pop();
          } else if (ch === '\u2069') {
            const at = open.lastIndexOf('isolate');
            if (at >= 0) open = open.slice(0, at);
          } else if (ch === '\u2029' || (preservesBreaks && ch === '\n')) open = [];
        }
        if (open.length > 0) opener = text;
      }
    }
    return { eventAttributes, scriptLinks, inlineScripts, frames, bidiLeaks, textLength: document.body.innerText.length };
  }, ownTexts);
}

/** Moves the pointer over every element and focuses every control, so a live handler would fire. */
async function provoke(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      for (const type of ['mouseover', 'mouseenter', 'focus', 'click']) {
        if (type === 'click' && (el.closest('a[href], button, form') !== null)) continue; // do not navigate away
        el.dispatchEvent(new Event(type, { bubbles: true }));
      }
    }
  });
}

const PAGES = ['/', '/cases', '/cases/{slug}', '/cases/{slug}/exercise', '/cases/{slug}/teacher', '/cases/{slug}/worksheet', '/cases/{slug}/answers', '/cases/{slug}/edit', '/cases/{slug}/delete', `/cases?q=${encodeURIComponent('<img src=x onerror=alert(1)>')}`];

describe('hostile text in Chromium', () => {
  it.each(PAGES)('%s runs nothing and keeps its text in place', async (pagePath) => {
    const page = browser.page;
    const before = { dialogs: dialogs.length, violations: violations.length };
    const response = await page.goto(`${app.baseUrl}${pagePath.replace('{slug}', slug)}`, { waitUntil: 'load' });
    expect(response?.status()).toBeLessThan(400);
    await provoke(page);
    await page.waitForTimeout(50);
    const findings = await inspect(page);
    expect(findings.textLength).toBeGreaterThan(50);
    expect(dialogs.slice(before.dialogs)).toEqual([]);
    expect(violations.slice(before.violations)).toEqual([]);
    expect(findings.eventAttributes).toEqual([]);
    expect(findings.scriptLinks).toEqual([]);
    expect(findings.inlineScripts).toBe(0);
    expect(findings.frames).toBe(0);
    expect(findings.bidiLeaks).toEqual([]);
  });

  it('the compare form, filled with hostile text and sent, shows a comparison that runs nothing', async () => {
    const page = browser.page;
    const hostile = hostileCase();
    await page.goto(`${app.baseUrl}/`, { waitUntil: 'load' });
    await page.fill('#quote', hostile.quotations[0]!.text);
    await page.fill('#source', hostile.source.text);
    // the citation fields sit in a closed <details>; set them as a script would
    await page.locator('#author').evaluate((input, value) => ((input as HTMLInputElement).value = value), hostile.source.citation.author!);
    const before = { dialogs: dialogs.length, violations: violations.length };
    await Promise.all([page.waitForURL(`${app.baseUrl}/compare`), page.click('form#compare button[type=submit]')]);
    await provoke(page);
    const findings = await inspect(page);
    expect(await page.locator('body').innerText()).toContain('Stalin said he would resign');
    expect(dialogs.slice(before.dialogs)).toEqual([]);
    expect(violations.slice(before.violations)).toEqual([]);
    expect(findings.eventAttributes).toEqual([]);
    expect(findings.scriptLinks).toEqual([]);
    expect(findings.bidiLeaks).toEqual([]);
  });

  it('no dialog fired anywhere in the run', () => {
    expect(dialogs).toEqual([]);
  });
});
