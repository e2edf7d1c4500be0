/**
 * Runs the engine for pasted text off the main thread, within a time budget.
 *
 * The engine bounds its own work (a pathological pair, 25,000 copies of "the" against a
 * 10 MB source, takes about a second), but a comparison still must never stall every
 * other visitor on the main thread, whatever is pasted. Here each job runs in
 * a worker thread; when it outlives the budget the worker is terminated (which stops the
 * computation at once), the request gets a 503 naming the budget, and a fresh worker
 * takes its place. The main thread goes on serving pages throughout.
 *
 * A small pool (one worker per spare core, at least one) queues jobs beyond its size;
 * a job's budget counts from when a worker takes it. Deliberately not here: caching
 * (callers keep their ComparisonCache) and stored cases (their texts were accepted by
 * whoever may edit, and their pages reuse cached comparisons).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CompareOptions, Comparison } from '../core/types.js';
import { UserError } from '../errors.js';

export const DEFAULT_COMPARE_BUDGET_MS = 10_000;

interface Job {
  id: number;
  quote: string;
  source: string;
  options: CompareOptions;
  budgetMs: number;
  resolve: (comparison: Comparison) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job?: Job;
  timer?: NodeJS.Timeout;
}

const WORKER_FILE = new URL('./compare-worker.mjs', import.meta.url);

export class ComparePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** `budgetMs`: how long one comparison may run; `size`: how many run at once. */
  constructor(
    readonly budgetMs = DEFAULT_COMPARE_BUDGET_MS,
    readonly size = Math.max(1, Math.min(2, os.availableParallelism() - 1)),
  ) {}

  /**
   * The comparison, or a UserError (503) when it would take longer than the budget
   * (the pool's, or a shorter one for this job).
   */
  compare(quote: string, source: string, options: CompareOptions = {}, budgetMs = this.budgetMs): Promise<Comparison> {
    if (this.closed) return Promise.reject(new Error('The comparison pool is closed.'));
    return new Promise<Comparison>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, quote, source, options, budgetMs, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts the workers now, so the first visitor does not wait for the engine to load (about a second). */
  warmUp(): void {
    while (!this.closed && this.slots.length < this.size) this.spawn();
  }

  /** Stops every worker; jobs still waiting are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new UserError('The server is stopping; please try again in a moment.', 503));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      this.start(slot, job);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_FILE);
    // An idle pool must not keep the process alive at shutdown.
    worker.unref();
    let markReady: () => void = () => undefined;
    const slot: Slot = { worker, ready: new Promise<void>((resolve) => (markReady = resolve)) };
    worker.on('message', (message: { ready?: true; id?: number; comparison?: Comparison; error?: string }) => {
      if (message.ready) {
        markReady();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      this.finish(slot);
      if (message.error !== undefined) job.reject(new Error(message.error));
      else job.resolve(message.comparison as Comparison);
      this.dispatch();
    });
    worker.on('error', (error) => {
      const job = slot.job;
      this.replace(slot);
      job?.reject(error);
    });
    worker.on('exit', () => {
      if (this.slots.includes(slot)) {
        const job = slot.job;
        this.replace(slot);
        job?.reject(new Error('The comparison worker stopped unexpectedly.'));
      }
    });
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    void slot.ready.then(() => {
      if (slot.job !== job) return;
      slot.timer = setTimeout(() => this.timeOut(slot, job), job.budgetMs);
      slot.timer.unref();
      slot.worker.postMessage({ id: job.id, quote: job.quote, source: job.source, options: job.options });
    });
  }

  private timeOut(slot: Slot, job: Job): void {
    if (slot.job !== job) return;
    this.replace(slot);
    const seconds = describeBudget(job.budgetMs);
    job.reject(
      new UserError(
        `This comparison would take longer than ${seconds} and was stopped. Shorten the source to the passage around the quotation, or the quotation to the words that matter.`,
        503,
      ),
    );
  }

  private finish(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
  }

  /** Drops a worker (terminating whatever it was doing) and lets the queue go on. */
  private replace(slot: Slot): void {
    this.finish(slot);
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }
}

/** "3 seconds", "150 ms": a budget as a sentence says it. */
export function describeBudget(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms} ms`;
}

let shared: ComparePool | undefined;

/**
 * The process's pool (budget from ELISION_COMPARE_BUDGET_MS, default 10 s), made on
 * first use: every app built in one process shares its workers.
 */
export function sharedComparePool(): ComparePool {
  if (!shared) {
    const fromEnv = Number(process.env.ELISION_COMPARE_BUDGET_MS);
    shared = new ComparePool(Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COMPARE_BUDGET_MS);
  }
  return shared;
}
