/**
 * Every comparison the web shell makes runs here, in worker threads, never on the main
 * thread: pasted pairs, stored cases' pages, exports and exercises, and the check a case
 * passes before it is saved. The main thread only hashes inputs, queues, and forwards.
 *
 * What a stranger cannot do to it:
 * - **Run long.** Each job has budgets: a pasted pair its own (ELISION_COMPARE_BUDGET_MS),
 *   a stored case one for each quotation and one for all of them together. Past either,
 *   the worker is terminated (which stops the engine at once), a fresh one is started,
 *   and the job fails with an OverBudgetError. That outcome is remembered for a while
 *   (src/web/comparison-cache.ts), so reloading the same hopeless case costs nothing.
 * - **Outlive its request.** A job waits for one or more requests (identical jobs are
 *   shared); when the last of them closes or times out (its AbortSignal fires), a
 *   waiting job is dropped from the queue and a running one has its worker terminated.
 * - **Take every worker or the queue.** The queue is bounded (a BusyError, 503 with
 *   Retry-After, when full), each client may hold only a share of it and of the
 *   workers, and waiting jobs are served round-robin between clients.
 * - **Make small pairs wait behind large ones.** Besides one worker per core but one
 *   (the main thread keeps its core), one more worker takes only small jobs (a pasted
 *   pair of a few pages), so on a two-core machine a one-line pair is answered at once
 *   while large comparisons fill the other worker.
 *
 * Comparisons are pure functions of (quotation, source, options), so finished ones are
 * kept in the ComparisonCache and a job is only made of what is missing.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CompareOptions, Comparison } from '../core/types.js';
import { BusyError, UserError } from '../errors.js';
import { ComparisonCache, comparisonKey, jobKey, sourceDigest, type OverBudget } from './comparison-cache.js';

export const DEFAULT_COMPARE_BUDGET_MS = 10_000;
/** A stored case: each quotation, and all of them together. */
export const DEFAULT_CASE_BUDGETS: Budgets = { eachMs: 3_000, totalMs: 10_000 };
/**
 * Jobs that may wait, all clients together: room for a class of fifty saving or comparing
 * at once (bench:http's fifty connections, each its own client) with some to spare. A
 * waiting job holds only texts its request already holds; what bounds waiting is the
 * request's time budget (ELISION_REQUEST_TIMEOUT_MS), and what keeps one client from
 * filling the queue is its share (half).
 */
export const DEFAULT_QUEUE_LIMIT = 64;
/** A job this small (source and quotations, in characters) may also use the worker kept for small jobs. */
export const SMALL_JOB_CHARS = 20_000;
/** What a client told "busy" is asked to wait before trying again. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

export interface Budgets {
  /** how long any one quotation may take */
  eachMs: number;
  /** how long all of a job's quotations may take together */
  totalMs: number;
}

/** Who is asking and for how long they still care. */
export interface JobContext {
  /** the client's address (or another name for whoever the job is charged to) */
  client: string;
  /** the request's signal (src/web/request-signal.ts): when it fires, the job is dropped */
  signal?: AbortSignal;
}

/** A job took longer than its budget and was stopped. A 503 by default; callers word it for their page. */
export class OverBudgetError extends UserError {
  constructor(readonly budget: OverBudget) {
    super(
      budget.scope === 'case'
        ? `These quotations cannot be compared with their source within ${describeBudget(budget.budgetMs)} together, so the comparison was stopped. Shorten the source to the passage around the quotations, or split the case.`
        : `This comparison would take longer than ${describeBudget(budget.budgetMs)} and was stopped. Shorten the source to the passage around the quotation, or the quotation to the words that matter.`,
      503,
    );
    this.name = 'OverBudgetError';
  }
}

/**
 * The request a job was for has gone (closed, or answered by the time budget): nobody is
 * left to read an answer, so this one is never seen, only logged as a 503.
 */
export class JobCancelledError extends UserError {
  constructor() {
    super('The request was closed before its comparison finished.', 503);
    this.name = 'JobCancelledError';
  }
}

export interface ComparePoolOptions {
  /** workers for any job (default: one per core but one, at least one) */
  workers?: number;
  /** jobs that may wait for a worker, all clients together (default 64); each client gets half */
  queueLimit?: number;
  /** one pasted pair (default 10 s) */
  budgetMs?: number;
  /** a stored case (default 3 s a quotation, 10 s in all) */
  caseBudgets?: Budgets;
  cache?: ComparisonCache;
}

interface Waiter {
  resolve: (results: Map<string, Comparison>) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Job {
  /** shared by identical jobs waiting at once */
  dedupKey: string;
  /** the whole job's outcome: where "over budget" is remembered */
  memoKey: string;
  client: string;
  source: string;
  quotes: string[];
  quoteKeys: string[];
  options: CompareOptions;
  budgets: Budgets;
  small: boolean;
  results: Map<string, Comparison>;
  waiters: Set<Waiter>;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  /** takes only small jobs */
  reserved: boolean;
  ready: Promise<void>;
  job?: Job;
  totalTimer?: NodeJS.Timeout;
  eachTimer?: NodeJS.Timeout;
}

type WorkerMessage =
  | { ready: true }
  | { id: number; index: number; comparison: Comparison; bytes: number }
  | { id: number; index: number; error: string }
  | { id: number; done: true };

const WORKER_FILE = new URL('./compare-worker.mjs', import.meta.url);

/** One per core but one (the main thread keeps its core), at least one. */
export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

export class ComparePool {
  readonly workers: number;
  readonly queueLimit: number;
  readonly budgetMs: number;
  readonly caseBudgets: Budgets;
  readonly cache: ComparisonCache;
  /** how many jobs one client may have running, and waiting */
  readonly perClientRunning: number;
  readonly perClientWaiting: number;

  private readonly slots: Slot[] = [];
  /** waiting jobs by client, in round-robin order (a served client moves to the back) */
  private readonly waiting = new Map<string, Job[]>();
  private readonly inFlight = new Map<string, Job>();
  private readonly ids = new WeakMap<Job, number>();
  private nextId = 1;
  private closed = false;
  /** how many worker threads were ever started (each stopped job's worker is replaced) */
  workersStarted = 0;

  constructor(options: ComparePoolOptions = {}) {
    this.workers = Math.max(1, Math.floor(options.workers ?? defaultWorkerCount()));
    this.queueLimit = Math.max(1, Math.floor(options.queueLimit ?? DEFAULT_QUEUE_LIMIT));
    this.budgetMs = options.budgetMs ?? DEFAULT_COMPARE_BUDGET_MS;
    this.caseBudgets = options.caseBudgets ?? DEFAULT_CASE_BUDGETS;
    this.cache = options.cache ?? new ComparisonCache();
    this.perClientRunning = Math.max(1, Math.ceil(this.workers / 2));
    this.perClientWaiting = Math.max(1, Math.floor(this.queueLimit / 2));
  }

  /** Jobs waiting for a worker, all clients together. */
  get queued(): number {
    let count = 0;
    for (const jobs of this.waiting.values()) count += jobs.length;
    return count;
  }

  /** Jobs running now. */
  get running(): number {
    return this.slots.filter((slot) => slot.job).length;
  }

  /** One pasted pair, within the pool's budget (or `budgetMs`). */
  async compare(quote: string, source: string, options: CompareOptions, context: JobContext, budgetMs = this.budgetMs): Promise<Comparison> {
    const [comparison] = await this.compareAll(source, [quote], options, context, { eachMs: budgetMs, totalMs: budgetMs });
    return comparison as Comparison;
  }

  /**
   * Every quotation of one source (a stored case), within the case budgets: the
   * comparisons in the quotations' order, or OverBudgetError, BusyError, or
   * JobCancelledError when the context's signal fires first.
   */
  async compareAll(
    source: string,
    quotes: readonly string[],
    options: CompareOptions,
    context: JobContext,
    budgets: Budgets = this.caseBudgets,
  ): Promise<Comparison[]> {
    if (this.closed) throw new BusyError('The server is stopping; please try again in a moment.', BUSY_RETRY_AFTER_SECONDS);
    if (context.signal?.aborted) throw new JobCancelledError();
    const digest = sourceDigest(source);
    const keys = quotes.map((quote) => comparisonKey(quote, digest, options));
    const found = new Map<string, Comparison>();
    for (const key of keys) {
      const hit = this.cache.get(key);
      if (hit) found.set(key, hit);
    }
    if (found.size < new Set(keys).size) {
      const memoKey = jobKey(keys, budgets);
      const remembered = this.cache.overBudget(memoKey);
      if (remembered) throw new OverBudgetError(remembered);
      const missing: Array<{ quote: string; key: string }> = [];
      keys.forEach((key, i) => {
        if (!found.has(key) && !missing.some((m) => m.key === key)) missing.push({ quote: quotes[i] as string, key });
      });
      const results = await this.submit(
        {
          dedupKey: jobKey(missing.map((m) => m.key), budgets),
          memoKey,
          client: context.client,
          source,
          quotes: missing.map((m) => m.quote),
          quoteKeys: missing.map((m) => m.key),
          options,
          budgets,
          small: source.length + missing.reduce((sum, m) => sum + m.quote.length, 0) <= SMALL_JOB_CHARS,
          results: new Map(),
          waiters: new Set(),
        },
        context.signal,
      );
      for (const [key, comparison] of results) found.set(key, comparison);
    }
    return keys.map((key) => found.get(key) as Comparison);
  }

  /**
   * Starts every worker now, so the first visitor does not wait for the engine to load
   * (about a second); resolves when they are ready.
   */
  async warmUp(): Promise<void> {
    if (this.closed) return;
    while (this.slots.filter((s) => !s.reserved).length < this.workers) this.spawn(false);
    if (!this.slots.some((s) => s.reserved)) this.spawn(true);
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  /** Stops every worker; jobs still waiting or running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const stopping = new BusyError('The server is stopping; please try again in a moment.', BUSY_RETRY_AFTER_SECONDS);
    for (const jobs of this.waiting.values()) for (const job of jobs) this.settle(job, stopping);
    this.waiting.clear();
    for (const slot of this.slots) {
      const job = slot.job;
      this.finish(slot);
      if (job) this.settle(job, stopping);
    }
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  // ---------------------------------------------------------------------------------
  // Queue

  private submit(job: Job, signal: AbortSignal | undefined): Promise<Map<string, Comparison>> {
    const shared = this.inFlight.get(job.dedupKey);
    if (shared) return this.wait(shared, signal);
    const mine = this.waiting.get(job.client) ?? [];
    if (this.queued >= this.queueLimit) {
      throw new BusyError('The server has too many comparisons waiting; please try again in a few seconds.', BUSY_RETRY_AFTER_SECONDS);
    }
    if (mine.length >= this.perClientWaiting) {
      throw new BusyError(`You already have ${mine.length} comparison${mine.length === 1 ? '' : 's'} waiting; please let them finish and try again in a few seconds.`, BUSY_RETRY_AFTER_SECONDS);
    }
    this.ids.set(job, this.nextId++);
    this.inFlight.set(job.dedupKey, job);
    mine.push(job);
    this.waiting.set(job.client, mine);
    const answer = this.wait(job, signal);
    this.dispatch();
    return answer;
  }

  private wait(job: Job, signal: AbortSignal | undefined): Promise<Map<string, Comparison>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => this.leave(job, waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      job.waiters.add(waiter);
    });
  }

  /** A request went away: it stops waiting, and a job nobody waits for any more is dropped. */
  private leave(job: Job, waiter: Waiter): void {
    if (!job.waiters.delete(waiter)) return;
    waiter.reject(new JobCancelledError());
    if (job.waiters.size > 0) return;
    this.inFlight.delete(job.dedupKey);
    if (job.slot) {
      this.replace(job.slot);
      return;
    }
    const jobs = this.waiting.get(job.client);
    const at = jobs?.indexOf(job) ?? -1;
    if (jobs && at >= 0) {
      jobs.splice(at, 1);
      if (jobs.length === 0) this.waiting.delete(job.client);
    }
  }

  /** Answers every request waiting for a job, once. */
  private settle(job: Job, outcome: Error | Map<string, Comparison>): void {
    if (this.inFlight.get(job.dedupKey) === job) this.inFlight.delete(job.dedupKey);
    for (const waiter of job.waiters) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      if (outcome instanceof Error) waiter.reject(outcome);
      else waiter.resolve(outcome);
    }
    job.waiters.clear();
  }

  private runningFor(client: string): number {
    return this.slots.filter((slot) => slot.job?.client === client).length;
  }

  /** Starts waiting jobs while workers are free: clients in turn, each within its share. */
  private dispatch(): void {
    if (this.closed) return;
    for (;;) {
      const generalFree = this.slots.some((s) => !s.reserved && !s.job) || this.slots.filter((s) => !s.reserved).length < this.workers;
      const reservedFree = this.slots.some((s) => s.reserved && !s.job) || !this.slots.some((s) => s.reserved);
      if (!generalFree && !reservedFree) return;
      let picked: Job | undefined;
      for (const [client, jobs] of this.waiting) {
        if (this.runningFor(client) >= this.perClientRunning) continue;
        picked = generalFree ? jobs[0] : jobs.find((job) => job.small);
        if (picked) {
          jobs.splice(jobs.indexOf(picked), 1);
          // round-robin: the client served goes to the back of the line
          this.waiting.delete(client);
          if (jobs.length > 0) this.waiting.set(client, jobs);
          break;
        }
      }
      if (!picked) return;
      this.start(this.freeSlot(generalFree ? false : true), picked);
    }
  }

  private freeSlot(reserved: boolean): Slot {
    return this.slots.find((s) => s.reserved === reserved && !s.job) ?? this.spawn(reserved);
  }

  // ---------------------------------------------------------------------------------
  // Workers

  private spawn(reserved: boolean): Slot {
    const worker = new Worker(WORKER_FILE);
    this.workersStarted++;
    // An idle pool must not keep the process alive at shutdown.
    worker.unref();
    let markReady: () => void = () => undefined;
    const slot: Slot = { worker, reserved, ready: new Promise<void>((resolve) => (markReady = resolve)) };
    worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) {
        markReady();
        return;
      }
      const job = slot.job;
      if (!job || this.ids.get(job) !== message.id) return;
      if ('done' in message) {
        this.finish(slot);
        this.settle(job, job.results);
        this.dispatch();
      } else if ('error' in message) {
        // The engine never throws on two strings; if it does, this worker is not trusted further.
        this.replace(slot);
        this.settle(job, new Error(`The comparison failed: ${message.error}`));
      } else {
        const key = job.quoteKeys[message.index] as string;
        job.results.set(key, message.comparison);
        this.cache.set(key, message.comparison, message.bytes);
        this.armEachTimer(slot, job);
      }
    });
    worker.on('error', (error) => {
      const job = slot.job;
      this.replace(slot);
      if (job) this.settle(job, error);
    });
    worker.on('exit', () => {
      if (!this.slots.includes(slot)) return;
      const job = slot.job;
      this.replace(slot);
      if (job) this.settle(job, new Error('The comparison worker stopped unexpectedly.'));
    });
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    void slot.ready.then(() => {
      if (slot.job !== job) return;
      // the budget counts from when the engine starts on this job, not while it waited
      slot.totalTimer = setTimeout(() => this.overBudget(slot, job, { scope: 'case', budgetMs: job.budgets.totalMs }), job.budgets.totalMs);
      slot.totalTimer.unref();
      this.armEachTimer(slot, job);
      slot.worker.postMessage({ id: this.ids.get(job), source: job.source, quotes: job.quotes, options: job.options });
    });
  }

  private armEachTimer(slot: Slot, job: Job): void {
    clearTimeout(slot.eachTimer);
    if (job.budgets.eachMs >= job.budgets.totalMs) return;
    slot.eachTimer = setTimeout(() => this.overBudget(slot, job, { scope: 'quotation', budgetMs: job.budgets.eachMs }), job.budgets.eachMs);
    slot.eachTimer.unref();
  }

  private overBudget(slot: Slot, job: Job, budget: OverBudget): void {
    if (slot.job !== job) return;
    // a single pair (or every quotation at once) over one budget reads as one quotation's
    const shown: OverBudget = job.quotes.length === 1 && budget.scope === 'case' ? { scope: 'quotation', budgetMs: budget.budgetMs } : budget;
    this.cache.markOverBudget(job.memoKey, shown);
    this.replace(slot);
    this.settle(job, new OverBudgetError(shown));
  }

  private finish(slot: Slot): void {
    clearTimeout(slot.totalTimer);
    clearTimeout(slot.eachTimer);
    slot.totalTimer = undefined;
    slot.eachTimer = undefined;
    if (slot.job) slot.job.slot = undefined;
    slot.job = undefined;
  }

  /** Terminates a worker (stopping whatever it was doing), starts a fresh one in its place, and lets the queue go on. */
  private replace(slot: Slot): void {
    this.finish(slot);
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    void slot.worker.terminate();
    if (this.closed) return;
    this.spawn(slot.reserved);
    this.dispatch();
  }
}

/** "3 seconds", "150 ms": a budget as a sentence says it. */
export function describeBudget(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/** The environment's settings of the pool; each name, its option, and whether it is a count of milliseconds. */
const ENV_SETTINGS = [
  ['ELISION_COMPARE_BUDGET_MS', 'milliseconds'],
  ['ELISION_QUOTATION_BUDGET_MS', 'milliseconds'],
  ['ELISION_CASE_BUDGET_MS', 'milliseconds'],
  ['ELISION_COMPARE_WORKERS', 'workers'],
  ['ELISION_COMPARE_QUEUE', 'places'],
] as const;

/**
 * The pool's options from the environment: ELISION_COMPARE_BUDGET_MS (a pasted pair),
 * ELISION_QUOTATION_BUDGET_MS and ELISION_CASE_BUDGET_MS (a stored case, each quotation
 * and all together), ELISION_COMPARE_WORKERS, ELISION_COMPARE_QUEUE. Unset or empty
 * means the default; anything but a positive whole number throws a sentence naming it.
 */
export function comparePoolOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ComparePoolOptions {
  const read = (name: (typeof ENV_SETTINGS)[number][0]): number | undefined => {
    const text = env[name];
    if (text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      const unit = ENV_SETTINGS.find(([n]) => n === name)?.[1];
      throw new Error(`${name} must be a whole number of ${unit} above 0, not "${text}".`);
    }
    return value;
  };
  const budgetMs = read('ELISION_COMPARE_BUDGET_MS');
  const eachMs = read('ELISION_QUOTATION_BUDGET_MS');
  const totalMs = read('ELISION_CASE_BUDGET_MS');
  return {
    budgetMs,
    caseBudgets: { eachMs: eachMs ?? DEFAULT_CASE_BUDGETS.eachMs, totalMs: totalMs ?? DEFAULT_CASE_BUDGETS.totalMs },
    workers: read('ELISION_COMPARE_WORKERS'),
    queueLimit: read('ELISION_COMPARE_QUEUE'),
  };
}

let shared: ComparePool | undefined;

/**
 * The process's pool, made on first use from the environment (defaults where a setting
 * is unusable; src/server.ts refuses to start on one instead): every app built in one
 * process without a pool of its own shares these workers and their cache.
 */
export function sharedComparePool(): ComparePool {
  if (!shared) {
    let options: ComparePoolOptions = {};
    try {
      options = comparePoolOptionsFromEnv();
    } catch {
      // keep the defaults
    }
    shared = new ComparePool(options);
  }
  return shared;
}
