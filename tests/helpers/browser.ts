/**
 * Browser-test plumbing: the real app on an ephemeral port with a real SQLite store in
 * a temp folder (built-in cases imported), and the Chromium src/browser.ts resolves
 * (CHROMIUM_PATH, the system's, or the bundled one) driven by playwright-core with a
 * fresh profile. Nothing here asserts; tests/browser.test.ts does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { launchOptions, resolveBrowser } from '../../src/browser.js';
import type { CaseStore } from '../../src/cases/types.js';
import { createApp, type AppOptions } from '../../src/web/app.js';
import { tempStore } from './temp-store.js';


export interface RunningApp {
  baseUrl: string;
  store: CaseStore;
  close(): Promise<void>;
}

/** The real app on 127.0.0.1:0 with the built-in cases from data/cases/; `options` as createApp takes them (e.g. an admin token). */
export async function startApp(options: Omit<AppOptions, 'store'> = {}): Promise<RunningApp> {
  const { store, remove } = await tempStore('browser', { builtIns: true });
  const app = createApp({ ...options, store });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    store,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await remove();
    },
  };
}

export interface RunningBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export type BrowserOptions = Omit<NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>, 'executablePath' | 'args' | 'env'>;

/**
 * Chromium with a fresh user-data folder (mkdtemp), removed on close. Playwright takes
 * the folder only through a persistent context, so each call is one context: pass
 * the viewport or colour scheme the test needs.
 */
export async function startBrowser(options: BrowserOptions = {}): Promise<RunningBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'elision-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
    ...launchOptions(await resolveBrowser()),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
