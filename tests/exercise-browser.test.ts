/**
 * Browser journeys through teaching mode, in headless Chromium (src/browser.ts) with a fresh profile and
 * the real app on an ephemeral port: the step-by-step reveal (by keyboard, in place,
 * and back), answers surviving a reload (localStorage, never the server), projector
 * mode, and the page running under the strict CSP without errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleMessage, Request } from 'playwright-core';
import { startApp, startBrowser, type RunningApp, type RunningBrowser } from './helpers/browser.js';

let app: RunningApp;
let browser: RunningBrowser;
const consoleErrors: string[] = [];
const posted: string[] = [];

beforeAll(async () => {
  app = await startApp();
  browser = await startBrowser({ viewport: { width: 1200, height: 900 } });
  browser.page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  browser.page.on('request', (request: Request) => {
    if (request.method() !== 'GET') posted.push(`${request.method()} ${request.url()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const EXERCISE = '/cases/service-stalin-resignation/exercise';

describe('the exercise in a browser', () => {
  it('reveals the steps one by one with the keyboard, in place, and goes back', async () => {
    const page = browser.page;
    await page.goto(app.baseUrl + EXERCISE);
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 1 of 5');
    expect(await page.locator('.x-reading').count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain('He was an extremely sensitive bully');

    // Mark the document: an in-place reveal keeps it, a full page load would not.
    await page.evaluate(() => {
      (window as unknown as { stayedHere: boolean }).stayedHere = true;
    });
    await page.locator('h1').click(); // focus outside the answer boxes
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 2 of 5');
    expect(page.url()).toContain('step=2');
    expect(await page.evaluate(() => (window as unknown as { stayedHere?: boolean }).stayedHere)).toBe(true);

    await page.keyboard.press(' ');
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 3 of 5');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 4 of 5');
    await expect.poll(() => page.locator('.x-reading').textContent()).toContain('He was an extremely sensitive bully.');
    expect(await page.locator('.x-cue').count()).toBeGreaterThan(0);

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 5 of 5');
    expect(await page.locator('.debate').count()).toBe(1);

    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 4 of 5');

    await page.goBack();
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 5 of 5');
  });

  it('does not change step while the student types in an answer box', async () => {
    const page = browser.page;
    await page.goto(app.baseUrl + EXERCISE);
    await page.locator('#answer-claim').click();
    await page.keyboard.type('a b ');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#x-step-heading').textContent()).toContain('Step 1 of 5');
    expect(await page.locator('#answer-claim').inputValue()).toBe('a b ');
  });

  it('keeps the answers in the browser across a reload and across steps, and sends nothing', async () => {
    const page = browser.page;
    await page.goto(app.baseUrl + EXERCISE);
    await page.locator('#answer-claim').fill('The blog claims Stalin wanted to resign.');
    await page.locator('#answer-gaps').fill('Something about why he offered to resign.');
    await page.reload();
    expect(await page.locator('#answer-claim').inputValue()).toBe('The blog claims Stalin wanted to resign.');
    expect(await page.locator('#answer-gaps').inputValue()).toBe('Something about why he offered to resign.');

    await page.locator('a[data-step-link="next"]').click();
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 2 of 5');
    expect(await page.locator('#answer-claim').inputValue()).toBe('The blog claims Stalin wanted to resign.');

    const stored = await page.evaluate(() => window.localStorage.getItem('elision:exercise:service-stalin-resignation:0:claim'));
    expect(stored).toBe('The blog claims Stalin wanted to resign.');
    expect(posted).toEqual([]);

    // Each quotation keeps its own answers.
    await page.goto(`${app.baseUrl}${EXERCISE}?quotation=1`);
    expect(await page.locator('#answer-claim').inputValue()).toBe('');
  });

  it('switches to projector mode and back', async () => {
    const page = browser.page;
    await page.goto(`${app.baseUrl}${EXERCISE}?step=2`);
    await page.locator('[data-projector-toggle]').click();
    await expect.poll(() => page.locator('main').getAttribute('class')).toContain('projector');
    const size = await page.locator('.x-quote-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThan(28);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#x-step-heading').textContent()).toContain('Step 3 of 5');
    expect(await page.locator('main').getAttribute('class')).toContain('projector');
    await page.locator('[data-projector-toggle]').click();
    await expect.poll(() => page.locator('main').getAttribute('class')).not.toContain('projector');
  });

  it('works step by step without JavaScript', async () => {
    const noScript = await startBrowser({ javaScriptEnabled: false });
    try {
      await noScript.page.goto(app.baseUrl + EXERCISE);
      await noScript.page.locator('a[data-step-link="next"]').click();
      await noScript.page.waitForURL(/step=2/);
      expect(await noScript.page.locator('#x-step-heading').textContent()).toContain('Step 2 of 5');
    } finally {
      await noScript.close();
    }
  });

  it('ran without console errors (no CSP violations)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
