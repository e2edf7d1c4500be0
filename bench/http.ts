/**
 * `npm run bench:http`: the server under load, on loopback only.
 *
 * Starts the real server (src/server.ts, production mode, rate limit off, a throw-away
 * database, request logs on as in production and drained) and drives it with autocannon
 * for a fixed time per target, one target after another in the same run:
 *   1. GET /healthz — the ceiling: express, the middleware and nothing else;
 *   2. GET /cases/service-stalin-resignation — the founding case page, as the page
 *      cache serves it, and again with a new query string each time (never cached);
 *   3. POST /api/compare — a mid-sized pair: three cut passages of a 20,000-character
 *      window of Moby-Dick (../shared/corpus/), one word altered;
 *   4. POST /api/cases — a new small case each time;
 *   5. hostile load: two clients that keep posting pathological pairs to /api/compare
 *      (finding 3 of issue 12: an 80 KB source of 13 words, a 5 KB excerpt), while
 *      /healthz and a small pasted pair (new each time) are measured.
 * Every connection is a client of its own (bench/clients.ts: its own X-Forwarded-For,
 * the server started with ELISION_TRUST_PROXY=1), as fifty people would be.
 * Then writes requests/s, p50/p99 latency and errors into BENCHMARKS.md, between
 * `<!-- bench:http -->` and `<!-- /bench:http -->`, with the command and the machine,
 * and checks the targets: no errors; the case page at least half the health check's
 * throughput; case-page p99 under 100 ms at 50 connections; under hostile load the
 * health check's p99 under 200 ms and the small pair's under 2 s.
 * Then the PostgreSQL run (bench/http-postgres.ts): one and two servers on one database.
 *
 * BENCH_SECONDS (default 10) and BENCH_CONNECTIONS (default 50) change the load;
 * BENCH_HOSTILE_CONNECTIONS (default 10) and BENCH_HOSTILE_RATE (default 50 requests a
 * second in all) the measuring clients under hostile load.
 * Deliberately not a test: numbers depend on the machine; `npm test` never runs this.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchPostgres, newCase } from './http-postgres.js';
import { startBenchServer } from './server.js';
import { asDistinctClients, clientAddress, type BenchRequest } from './clients.js';
import { finding3Excerpt, finding3Source } from '../tests/helpers/finding-3.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env.BENCH_SECONDS || 10);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const hostileConnections = Number(process.env.BENCH_HOSTILE_CONNECTIONS || 10);
/** requests a second, all measuring clients together, under hostile load: people using the site, not a second flood */
const hostileRate = Number(process.env.BENCH_HOSTILE_RATE || 50);
const corpusFile = path.join(root, '..', 'shared', 'corpus', 'moby-dick.txt');
const benchmarksFile = path.join(root, 'BENCHMARKS.md');
const CASE_PATH = '/cases/service-stalin-resignation';

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** a different query string on every request, so the page cache never hits */
  uniqueQuery?: boolean;
  /** a new body for every request (a new case each time) */
  newBody?: () => string;
}

interface Measured {
  target: Target;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  timeouts: number;
}

/** Three passages of a 20,000-character window, cut with ellipses, one word changed. */
function midSizedPair(): { quote: string; source: string } {
  if (!existsSync(corpusFile)) {
    console.error(`bench:http needs ${corpusFile} (the shared corpus) for its compare pair; it is missing, so the benchmark stops.`);
    process.exit(2);
  }
  const book = readFileSync(corpusFile, 'utf8');
  const source = book.slice(400_000, 420_000);
  const words = source.split(/\s+/).filter(Boolean);
  const passage = (from: number, length: number) => words.slice(from, from + length).join(' ');
  const altered = passage(1500, 30).replace(/\bthe\b/, 'a');
  const quote = `${passage(400, 40)} … ${passage(900, 25)} … ${altered}`;
  return { quote, source };
}

/** The server on its own SQLite file in `dbDir`. */
function startServer(dbDir: string) {
  return startBenchServer({ ELISION_DB: path.join(dbDir, 'bench.db') }, 30_000);
}

/** The target as each connection sends it: a new query string or body each time when asked. */
function benchRequest(target: Target): BenchRequest {
  let n = 0;
  return {
    method: target.method,
    path: target.path,
    headers: target.body ? { 'content-type': 'application/json' } : {},
    body: target.body,
    setupRequest: target.uniqueQuery
      ? (request) => ({ ...request, path: `${target.path}?bench=${n++}` })
      : target.newBody
        ? (request) => ({ ...request, body: target.newBody!() })
        : undefined,
  };
}

/** Clients numbered from here on are new to the server: no two runs share a client. */
let nextClient = 1;

async function measure(url: string, target: Target, options: { connections: number; warmUp?: boolean; overallRate?: number } = { connections }): Promise<Measured> {
  const request = benchRequest(target);
  // a short warm-up, so the first seconds of JIT and caches do not count
  if (options.warmUp !== false) {
    await autocannon({ url: `${url}${target.path}`, method: target.method, connections: 4, amount: 200, ...asDistinctClients(request, nextClient) });
    nextClient += 4;
  }
  const result = await autocannon({
    url: `${url}${target.path}`,
    method: target.method,
    connections: options.connections,
    duration: seconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    ...asDistinctClients(request, nextClient),
  });
  nextClient += options.connections;
  return {
    target,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

async function check(url: string, target: Target): Promise<void> {
  const res = await fetch(`${url}${target.path}`, {
    method: target.method,
    headers: { ...(target.body ? { 'content-type': 'application/json' } : {}), 'x-forwarded-for': clientAddress(0) },
    body: target.body,
  });
  if (!res.ok) throw new Error(`${target.method} ${target.path} answered ${res.status} before the load started`);
  await res.arrayBuffer();
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function section(results: Measured[], hostile: HostileRun, verdicts: string[]): string {
  const row = (m: Measured) =>
    `| ${m.target.name} | \`${m.target.method} ${m.target.path}\` | ${Math.round(m.requestsPerSecond)} | ${m.p50} | ${m.p99} | ${m.requests} | ${m.errors + m.non2xx + m.timeouts} |`;
  return [
    '<!-- bench:http -->',
    '## HTTP under load',
    '',
    `Command: \`npm run bench:http\` (BENCH_SECONDS=${seconds}, BENCH_CONNECTIONS=${connections}); ${seconds} s per target, ${connections} connections, one target after another against one server process (NODE_ENV=production, ELISION_RATE_LIMIT=0, request logs on), autocannon 9 on the same machine over loopback.`,
    '',
    `Machine: ${machine()}. Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${loadAtStart} at the start (other work on the machine shares its cores with the server and with autocannon).`,
    '',
    '| target | request | requests/s | p50 ms | p99 ms | requests | errors (incl. non-2xx, timeouts) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(row),
    '',
    `**Under hostile load.** Two hostile clients (each its own address) keep posting a pathological pair to \`/api/compare\` — finding 3 of issue 12: an 80 KB source written with 13 words and a verbatim 5 KB excerpt, a new excerpt each time so no cache helps, each taking the compare workers up to their 10 s budget — while ${hostileConnections} other clients, ${hostileRate} requests a second in all (people using the site, not a second flood), measure for ${seconds} s each the health check and a small pasted pair (a new one each time, so each is compared in the pool, on the worker kept for small jobs). The hostile clients sent ${hostile.hostileSent} pairs: ${hostile.hostileAnswers}.`,
    '',
    '| under hostile load | request | requests/s | median ms | p99 ms | requests | errors (incl. non-2xx, timeouts) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...hostile.measured.map(row),
    '',
    'Every connection is a client of its own (its own `X-Forwarded-For`; the server runs with `ELISION_TRUST_PROXY=1`), as fifty people would be: the rate limit (off here) and the compare pool\'s per-client share see fifty clients, not one. The compare queue\'s default (`ELISION_COMPARE_QUEUE`, 64) leaves room for fifty clients saving at once.',
    '',
    'The case page is served from the page cache (src/web/page-cache.ts: pages without a form, kept up to 10 s, emptied by any change); "never cached" adds a different query string to every request, so each one is built from the store and the comparison cache, as after every edit. The compare pair: a 20,000-character window of Moby-Dick as the source; as the quotation, three passages of it (40, 25 and 30 words) joined by ellipses, one word altered; it runs in the compare worker (src/web/compare-pool.ts). "Create a case" posts a new small case each time (compared by the case guard, then written in one transaction with fsync).',
    '',
    'Targets:',
    ...verdicts.map((v) => `- ${v}`),
    '<!-- /bench:http -->',
  ].join('\n');
}

function writeSection(text: string): void {
  const existing = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : '# Benchmarks\n';
  const pattern = /<!-- bench:http -->[\s\S]*?<!-- \/bench:http -->/;
  const updated = pattern.test(existing) ? existing.replace(pattern, text) : `${existing.trimEnd()}\n\n${text}\n`;
  writeFileSync(benchmarksFile, updated);
}

const loadAtStart = os.loadavg()[0]!.toFixed(1);

interface HostileRun {
  measured: Measured[];
  hostileSent: number;
  /** e.g. "3 answered 200, 5 stopped at their budget (503)" */
  hostileAnswers: string;
}

/**
 * Two hostile clients keep the compare workers busy with pathological pairs (each one
 * after the other's answer, as a script would), while other clients measure the health
 * check and a small pasted pair.
 */
async function underHostileLoad(url: string): Promise<HostileRun> {
  const source = finding3Source();
  let stop = false;
  let sent = 0;
  const statuses = new Map<number, number>();
  let variant = 0;
  const hostileClient = async (address: string) => {
    while (!stop) {
      sent++;
      try {
        const res = await fetch(`${url}/api/compare`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          // a new pair each time (no cache helps): the excerpt moves, and the source gets a number at its end
          body: JSON.stringify({ quote: finding3Excerpt(source, variant % 400), source: `${source} ${variant++}` }),
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
      }
    }
  };
  const hostile = [hostileClient('203.0.113.66'), hostileClient('203.0.113.67')];
  const measured: Measured[] = [];
  try {
    // the workers busy first
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let pair = 0;
    const targets: Target[] = [
      { name: 'health check', method: 'GET', path: '/healthz' },
      {
        name: 'small pasted pair, a new one each time',
        method: 'POST',
        path: '/api/compare',
        body: JSON.stringify({ quote: 'offered to resign', source: 'It is said that Stalin offered to resign.' }),
        newBody: () => JSON.stringify({ quote: 'offered to resign', source: `It is said that Stalin offered to resign (${pair++}).` }),
      },
    ];
    for (const target of targets) {
      console.log(`under hostile load, ${target.name}: ${seconds} s, ${hostileConnections} connections, ${hostileRate} requests a second…`);
      const m = await measure(url, target, { connections: hostileConnections, warmUp: false, overallRate: hostileRate });
      console.log(`  ${Math.round(m.requestsPerSecond)} req/s, median ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}, non-2xx ${m.non2xx}, timeouts ${m.timeouts}`);
      measured.push(m);
    }
  } finally {
    stop = true;
    await Promise.all(hostile);
  }
  const words: Record<number, string> = { 200: 'answered 200', 503: 'stopped at their budget or refused as busy (503)', 0: 'failed to connect' };
  const hostileAnswers = [...statuses].map(([status, count]) => `${count} ${words[status] ?? `answered ${status}`}`).join(', ');
  console.log(`  the hostile clients sent ${sent} pairs: ${hostileAnswers}`);
  return { measured, hostileSent: sent, hostileAnswers };
}

async function main(): Promise<void> {
  const pair = midSizedPair();
  const targets: Target[] = [
    { name: 'health check (ceiling)', method: 'GET', path: '/healthz' },
    { name: 'founding case page', method: 'GET', path: CASE_PATH },
    { name: 'founding case page, never cached', method: 'GET', path: CASE_PATH, uniqueQuery: true },
    { name: 'compare API, mid-sized pair', method: 'POST', path: '/api/compare', body: JSON.stringify(pair) },
    { name: 'create a case', method: 'POST', path: '/api/cases', body: newCase(), newBody: newCase },
  ];
  const dbDir = mkdtempSync(path.join(os.tmpdir(), 'elision-bench-'));
  const server = await startServer(dbDir);
  const results: Measured[] = [];
  let hostile: HostileRun | undefined;
  try {
    for (const target of targets) {
      await check(server.url, target);
      console.log(`${target.name}: ${seconds} s at ${connections} connections…`);
      const measured = await measure(server.url, target);
      console.log(`  ${Math.round(measured.requestsPerSecond)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, errors ${measured.errors}, non-2xx ${measured.non2xx}, timeouts ${measured.timeouts}`);
      results.push(measured);
    }
    hostile = await underHostileLoad(server.url);
  } finally {
    const code = await server.stop();
    rmSync(dbDir, { recursive: true, force: true });
    if (code !== 0) console.error(`the server exited with ${code} on SIGTERM`);
  }

  const [health, casePage] = results as [Measured, Measured];
  const failures = results.reduce((sum, m) => sum + m.errors + m.non2xx + m.timeouts, 0);
  const ratio = casePage.requestsPerSecond / health.requestsPerSecond;
  const run = hostile!;
  const hostileFailures = run.measured.reduce((sum, m) => sum + m.errors + m.non2xx + m.timeouts, 0);
  const [calmHealth, smallPair] = run.measured as [Measured, Measured];
  const verdicts = [
    `${failures === 0 ? 'met' : 'MISSED'}: zero errors (${failures}).`,
    `${ratio >= 0.5 ? 'met' : 'MISSED'}: case page at least half the health check's throughput (${(ratio * 100).toFixed(0)} %).`,
    `${casePage.p99 < 100 ? 'met' : 'MISSED'}: case-page p99 under 100 ms at ${connections} connections (${casePage.p99} ms).`,
    `${calmHealth.p99 < 200 ? 'met' : 'MISSED'}: under hostile load, the health check's p99 under 200 ms (${calmHealth.p99} ms; median ${calmHealth.p50} ms).`,
    `${smallPair.p99 < 2000 ? 'met' : 'MISSED'}: under hostile load, a small pasted pair's p99 under 2 s (${smallPair.p99} ms; median ${smallPair.p50} ms).`,
    `${hostileFailures === 0 ? 'met' : 'MISSED'}: under hostile load, zero errors for the other clients (${hostileFailures}).`,
  ];
  writeSection(section(results, run, verdicts));
  for (const verdict of verdicts) console.log(verdict);

  // the same server on PostgreSQL, one process and two (bench/http-postgres.ts)
  for (const verdict of await benchPostgres({ seconds, connections, machine: machine(), loadAtStart })) console.log(verdict);
  console.log(`written to ${path.relative(process.cwd(), benchmarksFile) || benchmarksFile}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
