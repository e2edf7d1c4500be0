/**
 * src/browser.ts: which Chromium a run gets, and the bundled one unpacked by several
 * processes at once into an empty temp folder, each getting a whole browser that starts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BrowserUnavailableError, launchOptions, resolveBrowserFrom, type ResolvedBrowser } from '../src/browser.js';

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'elision-resolve-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('resolving the browser', () => {
  it('takes CHROMIUM_PATH when it is set, before any other', async () => {
    const browser = await resolveBrowserFrom({ CHROMIUM_PATH: process.execPath });
    expect(browser.source).toBe('CHROMIUM_PATH');
    expect(browser.executablePath).toBe(process.execPath);
    expect(browser.description).toContain('CHROMIUM_PATH');
  });

  it('refuses a CHROMIUM_PATH that is not an executable file, with one sentence, rather than use another', async () => {
    const error = await resolveBrowserFrom({ CHROMIUM_PATH: '/nonexistent/chromium' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserUnavailableError);
    expect((error as Error).message).toBe('CHROMIUM_PATH is set to /nonexistent/chromium, which is not an executable file.');
    const folder = await resolveBrowserFrom({ CHROMIUM_PATH: scratch }).catch((e: unknown) => e);
    expect(folder).toBeInstanceOf(BrowserUnavailableError);
  });

  it('unpacks the bundled browser once when several processes start at once, and it runs', async () => {
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const env = { ...process.env, TMPDIR: tmp, ELISION_NO_SYSTEM_CHROMIUM: '1', CHROMIUM_PATH: '' };
    const cli = path.resolve('tests/helpers/resolve-browser-cli.ts');
    const outputs = await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', cli], { env, timeout: 120_000 })));
    const browsers = outputs.map(({ stdout }) => JSON.parse(stdout) as ResolvedBrowser);
    for (const browser of browsers) {
      expect(browser.source).toBe('bundled');
      expect(browser.executablePath).toBe(browsers[0]!.executablePath);
      expect(browser.executablePath.startsWith(tmp)).toBe(true);
    }
    // One browser folder, no staging remnants (tsx keeps its own cache beside it).
    expect(readdirSync(tmp).filter((name) => name.startsWith('elision-'))).toEqual([path.basename(path.dirname(browsers[0]!.executablePath))]);
    const launched = await chromium.launch(launchOptions(browsers[0]!));
    try {
      const page = await launched.newPage();
      await page.setContent('<p>Привет</p>');
      expect(await page.textContent('p')).toBe('Привет');
    } finally {
      await launched.close();
    }
  }, 180_000); // three unpackings of ~200 MB at once, on a loaded machine

  it('is the only place that names a system Chromium: everything else asks it', () => {
    const files = ['src', 'tests', 'bench'].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((name) => /\.(ts|mts|mjs|js)$/.test(name))
        .map((name) => path.join(dir, name)),
    );
    const allowed = new Set([path.join('src', 'browser.ts'), path.join('tests', 'browser-resolve.test.ts')]);
    const naming = files.filter((file) => !allowed.has(file) && /\/usr\/bin\/(chromium|google-chrome)/.test(readFileSync(file, 'utf8')));
    expect(naming).toEqual([]);
  });
});
