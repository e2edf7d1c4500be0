// The importers in a worker thread, for src/import/import-pool.ts: one file at a time,
// answered by message. Plain JavaScript so a worker can start it under any runner; it
// registers tsx itself to load the TypeScript importers.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { importSource } = await import('./index.ts');
const { quotingPageOf } = await import('./quoting-page.ts');

parentPort.on('message', async ({ id, task, input, now }) => {
  try {
    const result = task === 'passages' ? await quotingPageOf(input) : await importSource(input, { now: () => new Date(now) });
    parentPort.postMessage({ id, result });
  } catch (error) {
    const isUserError = error?.name === 'UserError';
    parentPort.postMessage({
      id,
      error: { message: error instanceof Error ? error.message : String(error), status: isUserError ? error.status : undefined },
    });
  }
});
parentPort.postMessage({ ready: true });
