import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Says which Chromium the browser tests and PDF tests use (src/browser.ts);
    // starts one throw-away PostgreSQL cluster for the run: the store tests run on SQLite and on it.
    globalSetup: ['tests/helpers/browser-setup.ts', 'tests/helpers/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser tests start Chromium; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
