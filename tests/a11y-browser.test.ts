/// <reference lib="dom" />
/**
 * Accessibility: axe-core's WCAG 2.2 A and AA rules (tags wcag2a, wcag2aa, wcag21a,
 * wcag21aa, wcag22aa) on every kind of page, in the light and the dark colour scheme
 * (prefers-color-scheme emulated), in real headless Chromium against the real app. No
 * violation is allowed; a failure lists each rule, its impact and the elements.
 *
 * axe is injected through the DevTools protocol (page.evaluate), not a <script> tag, so
 * the pages keep their Content-Security-Policy while they are checked.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, startBrowser, type RunningApp, type RunningBrowser } from './helpers/browser.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const CASE = '/cases/service-stalin-resignation';
const ONE_QUOTATION = '/cases/darwin-eye';

/** Every kind of page: an address, or a way to reach the page (a form sent). */
const PAGES: Array<[string, string | ((page: Page, baseUrl: string) => Promise<unknown>)]> = [
  ['home', '/'],
  ['compare form', '/compare'],
  [
    'comparison of a pasted pair',
    async (page, baseUrl) => {
      await page.goto(`${baseUrl}/compare`);
      await page.fill('#quote', 'It was the best of times … the age of foolishness');
      await page.fill('#source', 'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.');
      await Promise.all([page.waitForURL('**/compare'), page.click('main form button[type="submit"]')]);
    },
  ],
  [
    'comparison of a quotation in pieces (the writer’s words around the quoted ones)',
    async (page, baseUrl) => {
      await page.goto(`${baseUrl}/compare`);
      await page.fill('#quote', 'The committee "did … approve the budget" and called it "a fair settlement"');
      await page.fill('#source', 'Members met until late. We did, after a long and heated debate that ran past midnight, approve the budget. It is a fair settlement for all of us.');
      await Promise.all([page.waitForURL('**/compare'), page.click('main form button[type="submit"]')]);
      await page.waitForSelector('.r-paraphrase');
    },
  ],
  ['case page, one quotation', ONE_QUOTATION],
  ['case page, debate view', CASE],
  ['case page, one quotation of several', `${CASE}?quotation=1`],
  ['case page, whole source, differences only', `${ONE_QUOTATION}?view=whole&only=differences`],
  ['case list', '/cases'],
  ['exercise, step 1', `${CASE}/exercise`],
  ['exercise, step 2', `${CASE}/exercise?step=2`],
  ['exercise, step 3', `${CASE}/exercise?step=3`],
  ['exercise, step 4', `${CASE}/exercise?step=4`],
  ['exercise, step 5 (debate)', `${CASE}/exercise?step=5`],
  ['exercise, projector', `${CASE}/exercise?step=2&projector=1`],
  ['teacher sheet', `${CASE}/teacher`],
  ['worksheet', `${CASE}/worksheet`],
  ['answers', `${CASE}/answers`],
  ['new case form', '/cases/new'],
  ['case import form', '/cases/import'],
  ['case edit form', `${CASE}/edit`],
  ['case delete form', `${CASE}/delete`],
  ['library', '/library'],
  [
    'library source, with its heat map and the debate across cases',
    async (page, baseUrl) => {
      await page.goto(`${baseUrl}/library?q=service`);
      await Promise.all([page.waitForURL(/\/library\/\d+$/), page.click('table a[href^="/library/"]')]);
    },
  ],
  [
    'find the source: results side by side',
    async (page, baseUrl) => {
      await page.goto(`${baseUrl}/library`);
      await page.fill('#find-quote', 'Alas, poor Yorick! I knew him, Horatio');
      await Promise.all([page.waitForURL('**/find'), page.click('#find button[type="submit"]')]);
    },
  ],
  ['login', '/login'],
  ['404', '/no-such-page'],
  ['unknown case', '/cases/no-such-case'],
  ['bad request', `${CASE}/exercise?step=99`],
];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** Runs axe on the page as it stands; answers the violations as readable lines, and how many checks passed. */
async function checkPage(page: Page): Promise<{ violations: string[]; passes: number }> {
  await page.evaluate(axeSource);
  const results = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[]; passes: unknown[] }> } }).axe;
    const run = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return { violations: run.violations, passes: run.passes.length };
  }, WCAG_TAGS);
  const violations = (results.violations as AxeViolation[]).map(
    (v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
  return { violations, passes: results.passes };
}

let app: RunningApp;
let loginApp: RunningApp;

beforeAll(async () => {
  app = await startApp();
  // With an admin token, /login shows its form (without one it only says editing is open).
  loginApp = await startApp({ adminToken: 'a11y-test-token-0123456789' });
});

afterAll(async () => {
  await app?.close();
  await loginApp?.close();
});

for (const colorScheme of ['light', 'dark'] as const) {
  describe(`WCAG 2.2 A/AA (axe-core), ${colorScheme} colour scheme`, () => {
    let browser: RunningBrowser;
    beforeAll(async () => {
      browser = await startBrowser({ colorScheme, viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await browser?.close();
    });

    for (const [name, target] of PAGES) {
      it(`${name}: no violation`, async () => {
        const page = browser.page;
        const baseUrl = name === 'login' ? loginApp.baseUrl : app.baseUrl;
        if (typeof target === 'string') await page.goto(`${baseUrl}${target}`);
        else await target(page, baseUrl);
        const scheme = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
        expect(scheme).toBe(colorScheme === 'dark');
        const { violations, passes } = await checkPage(page);
        expect(passes).toBeGreaterThan(0); // axe ran and checked something
        expect(violations).toEqual([]);
      });
    }
  });
}
