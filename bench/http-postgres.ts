/**
 * The PostgreSQL half of `npm run bench:http` (bench/http.ts calls it after the SQLite
 * run): a throw-away PostgreSQL cluster (fsync on, as in production), then one and two
 * Elision server processes on it, each on its own port with nothing in front, driven by
 * autocannon at BENCH_CONNECTIONS (default 50) for BENCH_SECONDS each:
 *   1. the founding case page, never cached (a new query string each time), so every
 *      request reads the case from PostgreSQL and renders it;
 *   2. POST /api/cases, a new small case each time (one transaction per case).
 * With two servers, autocannon spreads its connections over both ports.
 * Writes requests/s, p50/p99 and errors into BENCHMARKS.md between
 * `<!-- bench:http-postgres -->` and `<!-- /bench:http-postgres -->` and checks the
 * targets: no errors; the uncached page with two servers at least 1.5× one server.
 *
 * Without PostgreSQL on the machine it says so in one line and writes that instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { findPostgresBin, startPostgresCluster } from '../tests/helpers/postgres-cluster.js';
import { startBenchServer, type BenchServer } from './server.js';
import { asDistinctClients, type BenchRequest } from './clients.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchmarksFile = path.join(root, 'BENCHMARKS.md');
const CASE_PATH = '/cases/service-stalin-resignation';

interface Row {
  servers: number;
  name: string;
  request: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
  /** errors, non-2xx, timeouts */
  breakdown: [number, number, number];
  /** CPU time of the Elision server processes per request answered, ms */
  serverCpuMsPerRequest: number;
  /** share of the machine's CPU time that was busy during the run (all processes), 0..1 */
  machineBusy: number;
}


/** CPU time a process (all its threads, the compare workers included) has used, in ms, from /proc. */
function processCpuMs(pid: number): number {
  try {
    // fields after the command's closing parenthesis: utime is the 12th, stime the 13th, in clock ticks (100 a second on Linux)
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The whole machine's CPU counters (busy and total ticks), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((sum, n) => sum + n, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}


let caseNumber = 0;
/** A small case, a new title each time, quick for the case guard to compare. */
export function newCase(): string {
  const n = caseNumber++;
  return JSON.stringify({
    title: `Bench case ${n} ${randomBytes(3).toString('hex')}`,
    source: { text: `Sentence one of case ${n}. Sentence two says more about it. Sentence three ends it.`, citation: { author: `Author ${n}` } },
    quotations: [{ text: `Sentence one of case ${n}. … Sentence three ends it.`, quotedBy: { author: 'Bench' } }],
    tags: ['bench'],
  });
}

/** Clients numbered from here on are new to the servers: no two runs share a client. */
let nextClient = 100_000;

async function measure(urls: string[], seconds: number, connections: number, kind: 'page' | 'create'): Promise<Omit<Row, 'servers' | 'name' | 'request' | 'serverCpuMsPerRequest' | 'machineBusy'>> {
  let n = 0;
  // every connection a client of its own (bench/clients.ts), as fifty people would be
  const request: BenchRequest =
    kind === 'page'
      ? { method: 'GET', path: CASE_PATH, setupRequest: (r) => ({ ...r, path: `${CASE_PATH}?bench=${n++}` }) }
      : { method: 'POST', path: '/api/cases', headers: { 'content-type': 'application/json' }, body: newCase(), setupRequest: (r) => ({ ...r, body: newCase() }) };
  const options = { url: urls.map((u) => `${u}${request.path}`), method: request.method };
  // a short warm-up, so the first seconds of JIT and caches do not count
  await autocannon({ ...options, connections: 4, amount: 100, ...asDistinctClients(request, nextClient) });
  nextClient += 4;
  const result = await autocannon({ ...options, connections, duration: seconds, ...asDistinctClients(request, nextClient) });
  nextClient += connections;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.non2xx + result.timeouts,
    breakdown: [result.errors, result.non2xx, result.timeouts],
  };
}

function writeSection(text: string): void {
  const existing = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : '# Benchmarks\n';
  const pattern = /<!-- bench:http-postgres -->[\s\S]*?<!-- \/bench:http-postgres -->/;
  const updated = pattern.test(existing) ? existing.replace(pattern, text) : `${existing.trimEnd()}\n\n${text}\n`;
  writeFileSync(benchmarksFile, updated);
}

export async function benchPostgres(settings: { seconds: number; connections: number; machine: string; loadAtStart: string }): Promise<string[]> {
  const { seconds, connections } = settings;
  const header = ['<!-- bench:http-postgres -->', '## HTTP under load on PostgreSQL: one and two servers', ''];
  const bin = findPostgresBin();
  if (!bin) {
    const line = 'PostgreSQL not found (no initdb under /usr/lib/postgresql/*/bin or on the PATH): the PostgreSQL run of bench:http did not run.';
    console.log(line);
    writeSection([...header, line, '<!-- /bench:http-postgres -->'].join('\n'));
    return [];
  }
  const cluster = await startPostgresCluster(bin, { fsync: true });
  const servers: BenchServer[] = [];
  const rows: Row[] = [];
  try {
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE elision_bench');
    await admin.end();
    const databaseUrl = cluster.adminUrl.replace(/\/postgres$/, '/elision_bench');
    const env = { ELISION_DATABASE_URL: databaseUrl, ELISION_SECRET: randomBytes(32).toString('hex') };
    servers.push(await startBenchServer(env));
    servers.push(await startBenchServer(env));
    const [a, b] = servers as [BenchServer, BenchServer];

    const run = async (count: 1 | 2, kind: 'page' | 'create') => {
      const urls = count === 1 ? [a.url] : [a.url, b.url];
      const name = kind === 'page' ? 'founding case page, never cached' : 'create a case';
      console.log(`PostgreSQL, ${count} server${count === 1 ? '' : 's'}, ${name}: ${seconds} s at ${connections} connections…`);
      const used = count === 1 ? [a] : [a, b];
      const cpuBefore = used.map((s) => processCpuMs(s.pid));
      const ticksBefore = machineTicks();
      const measured = await measure(urls, seconds, connections, kind);
      const ticksAfter = machineTicks();
      const serverCpuMs = used.reduce((sum, s, k) => sum + processCpuMs(s.pid) - cpuBefore[k]!, 0);
      // the warm-up's 100 requests ran inside the window too
      const serverCpuMsPerRequest = serverCpuMs / (measured.requests + 100);
      const machineBusy = (ticksAfter.busy - ticksBefore.busy) / (ticksAfter.total - ticksBefore.total);
      console.log(`  ${Math.round(measured.requestsPerSecond)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, failures ${measured.failures}; servers' CPU ${serverCpuMsPerRequest.toFixed(2)} ms a request, machine ${Math.round(machineBusy * 100)} % busy`);
      rows.push({ servers: count, name, request: kind === 'page' ? `GET ${CASE_PATH}` : 'POST /api/cases', ...measured, serverCpuMsPerRequest, machineBusy });
    };
    await run(1, 'page');
    await run(2, 'page');
    await run(1, 'create');
    await run(2, 'create');
  } finally {
    for (const server of servers) {
      const code = await server.stop();
      if (code !== 0) console.error(`a server exited with ${code} on SIGTERM`);
    }
    cluster.stop();
  }

  const pageOne = rows[0]!;
  const pageTwo = rows[1]!;
  const failures = rows.reduce((sum, row) => sum + row.failures, 0);
  const scale = pageTwo.requestsPerSecond / pageOne.requestsPerSecond;
  const cores = os.cpus().length;
  const verdicts = [
    `${failures === 0 ? 'met' : 'MISSED'}: zero errors on PostgreSQL (${failures}).`,
    `${scale >= 1.5 ? 'met' : 'MISSED'}: the uncached page with two servers at least 1.5× one server's throughput (${scale.toFixed(2)}×${scale < 1.5 && cores <= 2 ? `; on ${cores} cores the two servers, PostgreSQL and autocannon share the same cores, so a second server adds little CPU to share` : ''}).`,
  ];
  // What the servers' own CPU says about scaling where cores are not shared: a second server
  // that costs no more CPU a request adds its whole core's worth of requests.
  const costRatio = pageTwo.serverCpuMsPerRequest / pageOne.serverCpuMsPerRequest;
  const scaling = Number.isFinite(costRatio)
    ? `Scaling, read from CPU time: one server spent ${pageOne.serverCpuMsPerRequest.toFixed(2)} ms of CPU a page, two ${pageTwo.serverCpuMsPerRequest.toFixed(2)} ms together (${costRatio.toFixed(2)}× a request: ${costRatio <= 1.1 ? 'no measurable extra cost' : `each server warms its own caches and keeps its own connections`}); the machine was ${Math.round(pageOne.machineBusy * 100)} % busy with one server (${((1 - pageOne.machineBusy) * cores).toFixed(1)} of its ${cores} cores idle) and ${Math.round(pageTwo.machineBusy * 100)} % with two. Given a core of its own, each server adds its core's worth of pages less that extra cost; on this ${cores}-core machine, where the servers share their cores with PostgreSQL and autocannon, the second server has next to nothing to add, so the 1.5× cannot be shown here.`
    : 'Scaling, read from CPU time: not measured (no /proc on this machine).';
  const row = (r: Row) =>
    `| ${r.servers} | ${r.name} | \`${r.request}\` | ${Math.round(r.requestsPerSecond)} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.failures} (${r.breakdown.join(' / ')}) | ${r.serverCpuMsPerRequest.toFixed(2)} | ${Math.round(r.machineBusy * 100)} % |`;
  writeSection(
    [
      ...header,
      `Command: \`npm run bench:http\` (its second half, bench/http-postgres.ts; BENCH_SECONDS=${seconds}, BENCH_CONNECTIONS=${connections}). A throw-away PostgreSQL ${cluster.version} cluster on loopback (fsync on), one database; Elision server processes (NODE_ENV=production, ELISION_RATE_LIMIT=0, request logs on) each on its own port, nothing in front; with two servers autocannon spreads its ${connections} connections over both. Every connection is a client of its own (its own \`X-Forwarded-For\`, the servers run with \`ELISION_TRUST_PROXY=1\`).`,
      '',
      `Machine: ${settings.machine}. Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${settings.loadAtStart} at the start of bench:http.`,
      '',
      '| servers | target | request | requests/s | p50 ms | p99 ms | requests | failures (errors / non-2xx / timeouts) | servers\' CPU ms a request | machine busy |',
      '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(row),
      '',
      scaling,
      '',
      'The SQLite figures for one server are in the section above. "Never cached" adds a different query string to every request, so each one reads the case from PostgreSQL (one statement) and renders it; "create a case" posts a new small case each time (the case guard compares it in the worker, then one transaction writes it and notifies the other servers\' page caches).',
      '',
      'Targets:',
      ...verdicts.map((v) => `- ${v}`),
      '<!-- /bench:http-postgres -->',
    ].join('\n'),
  );
  return verdicts;
}

// `npx tsx bench/http-postgres.ts` runs this half alone (npm run bench:http runs both).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  benchPostgres({ seconds: Number(process.env.BENCH_SECONDS || 10), connections: Number(process.env.BENCH_CONNECTIONS || 50), machine, loadAtStart: os.loadavg()[0]!.toFixed(1) })
    .then((verdicts) => verdicts.forEach((v) => console.log(v)))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
