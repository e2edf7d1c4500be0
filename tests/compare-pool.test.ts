/**
 * The compare pool with real worker threads: the same comparisons as the engine, budgets
 * per quotation and per case, jobs dropped when their request goes, a bounded queue, a
 * per-client share served in turn, and the worker kept for small jobs. Nothing here is
 * timed against a speed: outcomes and orders are checked, and the slow pairs are slow by
 * construction (tests/helpers/slow-pair.ts) against budgets far below them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../src/core/compare.js';
import { BusyError } from '../src/errors.js';
import { ComparePool, JobCancelledError, OverBudgetError, SMALL_JOB_CHARS } from '../src/web/compare-pool.js';
import { ComparisonCache } from '../src/web/comparison-cache.js';
import { slowPair } from './helpers/slow-pair.js';

const SOURCE = 'It is said that Stalin offered to resign, but the congress would not hear of it. '.repeat(50);
const pools: ComparePool[] = [];
function makePool(options: ConstructorParameters<typeof ComparePool>[0]): ComparePool {
  const pool = new ComparePool(options);
  pools.push(pool);
  return pool;
}
afterAll(() => Promise.all(pools.map((pool) => pool.close())));

const client = (name: string, signal?: AbortSignal) => ({ client: name, signal });
const outcome = <T>(promise: Promise<T>): Promise<T | Error> => promise.then((value) => value, (error: Error) => error);

describe('ComparePool: results', () => {
  const pool = makePool({ workers: 1, budgetMs: 20_000 });

  it('gives the same comparisons as the engine, in the quotations order, and keeps them', async () => {
    const quotes = ['Stalin offered to resign … would not hear of it', 'the congress', 'Stalin offered to resign … would not hear of it'];
    const results = await pool.compareAll(SOURCE, quotes, { contextWords: 5 }, client('a'), { eachMs: 20_000, totalMs: 20_000 });
    results.forEach((result, i) => expect(result).toEqual(compare(quotes[i]!, SOURCE, { contextWords: 5 })));
    expect(await pool.compare('the congress', SOURCE, {}, client('a'))).toEqual(compare('the congress', SOURCE, {}));
    // now all cached: nothing is queued or run to answer again
    const again = pool.compareAll(SOURCE, quotes, { contextWords: 5 }, client('a'), { eachMs: 20_000, totalMs: 20_000 });
    expect(pool.queued + pool.running).toBe(0);
    expect(await again).toEqual(results);
  }, 60_000);
});

describe('ComparePool: budgets', () => {
  it('stops a pair at its budget with a 503 in plain words, while the main thread stays free, and remembers it', async () => {
    const pool = makePool({ workers: 1, budgetMs: 150 });
    await pool.warmUp();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const slow = slowPair('budget');
    const error = await outcome(pool.compare(slow.quote, slow.source, {}, client('a')));
    clearInterval(ticker);
    expect(error).toBeInstanceOf(OverBudgetError);
    expect((error as OverBudgetError).status).toBe(503);
    expect((error as Error).message).toMatch(/^This comparison would take longer than 150 ms and was stopped\./);
    expect(ticks).toBeGreaterThan(0);
    // a reload of the same hopeless pair is refused from memory: no worker is put to it
    const started = pool.workersStarted;
    const again = outcome(pool.compare(slow.quote, slow.source, {}, client('a')));
    expect(pool.queued + pool.running).toBe(0);
    expect(await again).toBeInstanceOf(OverBudgetError);
    expect(pool.workersStarted).toBe(started);
    // and the pool goes on with a fresh worker (a roomy budget: 150 ms is no promise on a loaded machine)
    expect(await pool.compare('the congress', SOURCE, {}, client('a'), 20_000)).toEqual(compare('the congress', SOURCE, {}));
  }, 60_000);

  it('a stored case has a budget for each quotation and one for all of them together', async () => {
    const pool = makePool({ workers: 1 });
    const slow = slowPair('case');
    const quotes = ['the dog ate the bone', 'the bird sang in the tree', 'The cat sat on the mat'];
    const each = await outcome(pool.compareAll(slow.source, quotes, {}, client('a'), { eachMs: 150, totalMs: 60_000 }));
    expect(each).toBeInstanceOf(OverBudgetError);
    expect((each as OverBudgetError).budget).toEqual({ scope: 'quotation', budgetMs: 150 });
    const together = await outcome(pool.compareAll(`${slow.source} again`, quotes, {}, client('a'), { eachMs: 60_000, totalMs: 200 }));
    expect(together).toBeInstanceOf(OverBudgetError);
    expect((together as OverBudgetError).budget).toEqual({ scope: 'case', budgetMs: 200 });
    expect((together as Error).message).toMatch(/^These quotations cannot be compared with their source within 200 ms together/);
  }, 60_000);
});

describe('ComparePool: a request that goes away takes its job with it', () => {
  it('terminates the worker running a job whose request closed, and starts a fresh one', async () => {
    const pool = makePool({ workers: 1, budgetMs: 60_000 });
    await pool.warmUp();
    const started = pool.workersStarted;
    const controller = new AbortController();
    const slow = slowPair('cancel-running');
    const job = outcome(pool.compare(slow.quote, slow.source, {}, client('a', controller.signal)));
    expect(pool.running).toBe(1);
    controller.abort();
    expect(await job).toBeInstanceOf(JobCancelledError);
    expect(pool.running).toBe(0);
    expect(pool.workersStarted).toBe(started + 1);
    // nothing was remembered about the pair: asked again, it is compared again
    const other = new AbortController();
    const retry = outcome(pool.compare(slow.quote, slow.source, {}, client('a', other.signal)));
    expect(pool.running).toBe(1);
    other.abort();
    expect(await retry).toBeInstanceOf(JobCancelledError);
  }, 60_000);

  it('drops a waiting job from the queue, and keeps a shared job for the requests still waiting', async () => {
    const pool = makePool({ workers: 1, budgetMs: 60_000 });
    await pool.warmUp();
    const first = new AbortController();
    const blocker = slowPair('blocker');
    const running = outcome(pool.compare(blocker.quote, blocker.source, {}, client('a', first.signal)));
    const gone = new AbortController();
    const waiting = outcome(pool.compare('the congress', `${SOURCE} waiting`, {}, client('a', gone.signal)));
    // the same pair asked by another request joins the job rather than queueing it twice
    const stays = outcome(pool.compare('the congress', `${SOURCE} waiting`, {}, client('b')));
    expect(pool.queued).toBe(1);
    gone.abort();
    expect(await waiting).toBeInstanceOf(JobCancelledError);
    expect(pool.queued).toBe(1);
    first.abort();
    expect(await running).toBeInstanceOf(JobCancelledError);
    expect(await stays).toEqual(compare('the congress', `${SOURCE} waiting`, {}));
    const lonely = new AbortController();
    const blocked = outcome(pool.compare(blocker.quote, `${blocker.source} again`, {}, client('a', lonely.signal)));
    const dropped = new AbortController();
    const queued = outcome(pool.compare('the congress', `${SOURCE} dropped`, {}, client('a', dropped.signal)));
    expect(pool.queued).toBe(1);
    dropped.abort();
    expect(await queued).toBeInstanceOf(JobCancelledError);
    expect(pool.queued).toBe(0);
    lonely.abort();
    await blocked;
  }, 60_000);
});

describe('ComparePool: nobody takes every worker or the queue', () => {
  it('bounds the queue, and each client to its share of it, with a 503 to retry', async () => {
    const pool = makePool({ workers: 1, queueLimit: 4, budgetMs: 60_000 });
    expect(pool.perClientWaiting).toBe(2);
    const controller = new AbortController();
    const signal = controller.signal;
    const jobs: Array<Promise<unknown>> = [];
    const slow = slowPair('queue');
    const job = (name: string, tag: string) => outcome(pool.compare('the congress', `${slow.source} ${tag}`, {}, client(name, signal)));
    jobs.push(outcome(pool.compare(slow.quote, slow.source, {}, client('a', signal))));
    // a runs one job and may have two waiting (half of four places); a third is refused
    jobs.push(job('a', '1'), job('a', '2'));
    const share = await job('a', '3');
    expect(share).toBeInstanceOf(BusyError);
    expect((share as BusyError).status).toBe(503);
    expect((share as BusyError).retryAfterSeconds).toBeGreaterThan(0);
    expect((share as Error).message).toMatch(/^You already have 2 comparisons waiting/);
    jobs.push(job('b', 'b'), job('c', 'c'));
    expect(pool.queued).toBe(4);
    const full = await job('d', 'd');
    expect(full).toBeInstanceOf(BusyError);
    expect((full as Error).message).toMatch(/too many comparisons waiting/);
    controller.abort();
    for (const each of await Promise.all(jobs)) expect(each).toBeInstanceOf(JobCancelledError);
    expect(pool.queued + pool.running).toBe(0);
  }, 60_000);

  it('lets one client run on only half the workers, and serves waiting clients in turn', async () => {
    const pool = makePool({ workers: 2, queueLimit: 40, budgetMs: 60_000 });
    expect(pool.perClientRunning).toBe(1);
    const controller = new AbortController();
    const slow = slowPair('share');
    const big = (name: string, i: number) => outcome(pool.compare(slow.quote, `${slow.source} ${name}${i}`, {}, client(name, controller.signal)));
    const jobs = [big('a', 1), big('a', 2), big('a', 3)];
    // a has one worker; the other stays free for someone else
    expect(pool.running).toBe(1);
    expect(pool.queued).toBe(2);
    jobs.push(big('b', 1));
    expect(pool.running).toBe(2);
    controller.abort();
    await Promise.all(jobs);
  }, 60_000);

  it('keeps one worker for small jobs: a one-line pair is answered while a large one runs', async () => {
    const pool = makePool({ workers: 1, budgetMs: 60_000 });
    await pool.warmUp();
    const slow = slowPair('lane');
    expect(slow.source.length).toBeGreaterThan(SMALL_JOB_CHARS);
    const order: string[] = [];
    const hostile = [1, 2].map((i) =>
      pool.compare(slow.quote, `${slow.source} ${i}`, {}, client(`hostile-${i}`)).then(() => order.push(`large ${i}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const small = await pool.compare('offered to resign', 'It is said that Stalin offered to resign.', {}, client('reader'));
    order.push('small');
    expect(small.found).toBe(true);
    await Promise.all(hostile);
    expect(order[0]).toBe('small');
  }, 60_000);
});

describe('ComparePool: closing', () => {
  it('refuses work once closed', async () => {
    const pool = new ComparePool({ workers: 1 });
    await pool.close();
    const error = await outcome(pool.compare('a', 'a b', {}, client('a')));
    expect(error).toBeInstanceOf(BusyError);
  });

  it('shares its cache with whoever gave it one', async () => {
    const cache = new ComparisonCache();
    const pool = makePool({ workers: 1, cache });
    await pool.compare('the congress', SOURCE, {}, client('a'));
    expect(cache.size).toBe(1);
  }, 30_000);
});
