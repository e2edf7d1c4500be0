// The engine in a worker thread, for src/web/compare-pool.ts: one job at a time, answered
// by message. Plain JavaScript so that a worker can start it under any runner (tsx, vitest,
// plain node); it registers tsx itself to load the TypeScript engine.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { compare } = await import('../core/compare.ts');

parentPort.on('message', ({ id, quote, source, options }) => {
  try {
    parentPort.postMessage({ id, comparison: compare(quote, source, options) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
// One small comparison before taking jobs: the engine's one-off start-up (its character
// table, its regular expressions compiled on first use) is not any job's budget.
compare('It was … the worst of times [sic]', 'It was the best of times, it was the worst of times. But not for long.');
parentPort.postMessage({ ready: true });
