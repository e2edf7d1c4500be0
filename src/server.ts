/**
 * Reads the configuration, opens the store, imports the built-in cases and listens.
 * HOST, PORT, ELISION_DB, ELISION_RATE_LIMIT, ELISION_ADMIN_TOKEN as ../shared/CONTRACT.md fixes them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './web/app.js';
import { openCaseStore } from './store/case-store.js';
import { importBuiltInCases } from './store/import-built-in.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);
const dbFile = process.env.ELISION_DB || path.join(root, 'data', 'elision.db');
const rateLimitPerMinute = process.env.ELISION_RATE_LIMIT === undefined ? 120 : Number(process.env.ELISION_RATE_LIMIT);

const store = openCaseStore(dbFile);
importBuiltInCases(store, path.join(root, 'data', 'cases'));
const app = createApp({
  store,
  rateLimitPerMinute,
  adminToken: process.env.ELISION_ADMIN_TOKEN || undefined,
  production: process.env.NODE_ENV === 'production',
});

const server = app.listen(port, host, () => {
  console.log(`Elision listening on http://${host}:${port} (database ${dbFile})`);
});

function shutdown(): void {
  server.close(() => {
    store.close();
    process.exit(0);
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
