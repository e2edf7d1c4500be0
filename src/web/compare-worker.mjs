// The engine in a worker thread, for src/web/compare-pool.ts: one job at a time, answered
// by message. A job is one source with one or more quotations; each comparison is sent as
// soon as it is done (so the pool can time each quotation, and keep what was finished),
// with its size as JSON measured here rather than on the main thread. Plain JavaScript so
// that a worker can start it under any runner (tsx, vitest, plain node); it registers tsx
// itself to load the TypeScript engine.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { compare } = await import('../core/compare.ts');

parentPort.on('message', ({ id, source, quotes, options }) => {
  for (let index = 0; index < quotes.length; index++) {
    try {
      const comparison = compare(quotes[index], source, options);
      parentPort.postMessage({ id, index, comparison, bytes: JSON.stringify(comparison).length * 2 });
    } catch (error) {
      parentPort.postMessage({ id, index, error: error instanceof Error ? error.message : String(error) });
    }
  }
  parentPort.postMessage({ id, done: true });
});
// One small comparison before taking jobs: the engine's one-off start-up (its character
// table, its regular expressions compiled on first use) is not any job's budget.
compare('It was … the worst of times [sic]', 'It was the best of times, it was the worst of times. But not for long.');
parentPort.postMessage({ ready: true });
