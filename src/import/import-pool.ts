/**
 * Runs the importers off the main thread, within a time budget, so a hostile or huge
 * file (a 400-page PDF, a crafted EPUB) cannot stall the server: each file is read in a
 * worker thread with a memory ceiling; past the budget the worker is stopped, the
 * request gets one sentence (422), and a fresh worker takes over. Files wait in a queue
 * for the one worker (extraction is memory-hungry; two at once on a small server is
 * worse than one after the other).
 */
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { QuotingPage } from './quoting-page.js';
import type { ImportedSource, SourceInput } from './types.js';

type Task = 'import' | 'passages';

export const DEFAULT_IMPORT_BUDGET_MS = 30_000;
/** the worker's heap ceiling: a PDF that needs more is refused rather than taking the server down */
const WORKER_HEAP_MB = 1024;
const WORKER_FILE = new URL('./import-worker.mjs', import.meta.url);

interface Job {
  id: number;
  task: Task;
  input: SourceInput;
  now: number;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class ImportPool {
  private worker: Worker | undefined;
  private ready: Promise<void> = Promise.resolve();
  private current: Job | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly budgetMs = DEFAULT_IMPORT_BUDGET_MS, private readonly clock: () => Date = () => new Date()) {}

  /** The imported source, or a UserError (the importer's own, or 422 past the budget). */
  import(input: SourceInput): Promise<ImportedSource> {
    return this.run('import', input) as Promise<ImportedSource>;
  }

  /** The passages a quoting page presents as quotations (src/import/quoting-page.ts). */
  passages(input: SourceInput): Promise<QuotingPage> {
    return this.run('passages', input) as Promise<QuotingPage>;
  }

  private run(task: Task, input: SourceInput): Promise<unknown> {
    if (this.closed) return Promise.reject(new UserError('The server is stopping; please try again in a moment.', 503));
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, input, now: this.clock().getTime(), resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new UserError('The server is stopping; please try again in a moment.', 503));
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.unref();
    let markReady: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => (markReady = resolve));
    worker.on('message', (message: { ready?: true; id?: number; result?: unknown; error?: { message: string; status?: number } }) => {
      if (message.ready) {
        markReady();
        return;
      }
      const job = this.current;
      if (!job || job.id !== message.id) return;
      this.finish();
      if (message.error) {
        job.reject(message.error.status !== undefined ? new UserError(message.error.message, message.error.status) : new Error(message.error.message));
      } else job.resolve(message.result);
      this.dispatch();
    });
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      const job = this.current;
      this.drop();
      // a worker that dies mid-file ran out of memory or met a file it could not survive
      job?.reject(new UserError(`${describe(job.input)} could not be read: it needs more memory than Elision gives one file.`, 422));
      void error;
      this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', () => lost(new Error('exit')));
    this.worker = worker;
    return worker;
  }

  private dispatch(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    const worker = this.worker ?? this.spawn();
    void this.ready.then(() => {
      if (this.current !== job || this.worker !== worker) return;
      this.timer = setTimeout(() => this.timeOut(job), this.budgetMs);
      this.timer.unref();
      worker.postMessage({ id: job.id, task: job.task, input: job.input, now: job.now });
    });
  }

  private timeOut(job: Job): void {
    if (this.current !== job) return;
    this.drop();
    job.reject(new UserError(`${describe(job.input)} took longer than ${Math.round(this.budgetMs / 1000)} seconds to read and was stopped.`, 422));
    this.dispatch();
  }

  private finish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
  }

  private drop(): void {
    this.finish();
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

function describe(input: SourceInput): string {
  return input.fileName ? `The file "${input.fileName}"` : input.url ? `The page at ${input.url}` : 'The source';
}

let shared: ImportPool | undefined;

/** The process's pool (budget from ELISION_IMPORT_BUDGET_MS, default 30 s), made on first use. */
export function sharedImportPool(): ImportPool {
  if (!shared) {
    const fromEnv = Number(process.env.ELISION_IMPORT_BUDGET_MS);
    shared = new ImportPool(Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_IMPORT_BUDGET_MS);
  }
  return shared;
}
