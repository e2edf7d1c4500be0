/**
 * No data lost: the real server is killed (SIGKILL, no chance to clean up) while cases
 * are being saved through the API; after a restart every save that was answered 2xx
 * must be there and whole, every case there must be whole, and SQLite's own
 * integrity check must pass. On SQLite and on PostgreSQL.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { storeEngines, type EngineDatabase } from './helpers/engines.js';

let servers: ServerProcess[] = [];
let database: EngineDatabase | undefined;

afterEach(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await Promise.all(servers.map((server) => server.exited));
  servers = [];
  await database?.remove();
  database = undefined;
});

const RUN = `durability-${process.pid}`;

/** A case whose every text can be rebuilt from its number, so a torn save would show. */
function caseNumber(n: number) {
  const sentence = (i: number) => `Sentence ${i} of case ${n} says something about the matter at hand.`;
  const text = Array.from({ length: 40 + (n % 7) * 20 }, (_, i) => sentence(i)).join(' ');
  return {
    title: `${RUN} case ${n}`,
    source: { text, citation: { author: `Author ${n}`, work: `Work ${n}`, year: '1924' } },
    quotations: [
      { text: `${sentence(1)} … ${sentence(3)}`, quotedBy: { author: `Quoter ${n}` }, note: `note ${n}` },
      { text: sentence(5), quotedBy: { author: `Second quoter ${n}` } },
    ],
    notes: `Notes of case ${n}.`,
    tags: ['durability', `n${n}`],
  };
}

interface Saved {
  n: number;
  slug: string;
}

describe.each(storeEngines)('durability under SIGKILL on $name', (engine) => {
  it('keeps every save that was answered 2xx, whole, and the database is consistent', async () => {
    database = await engine.create('durability');
    const env = database.serverEnv;
    const first = await startServer(env);
    servers.push(first);

    const acknowledged: Saved[] = [];
    let next = 0;
    let killed = false;
    const CONCURRENCY = 12;
    const MAX_SAVES = 400;

    async function saver(): Promise<void> {
      while (!killed && next < MAX_SAVES) {
        const n = next++;
        try {
          const res = await fetch(`${first.url}/api/cases`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(caseNumber(n)),
          });
          const body = (await res.json()) as { slug?: string; error?: string };
          if (res.status >= 200 && res.status < 300) {
            expect(body.slug).toBeTruthy();
            acknowledged.push({ n, slug: body.slug as string });
          } else {
            throw new Error(`save ${n} answered ${res.status}: ${body.error}`);
          }
        } catch (error) {
          if (!killed) throw error;
          // the server died under this request: it was never acknowledged
        }
      }
    }

    const savers = Array.from({ length: CONCURRENCY }, () => saver());
    // Kill mid-stream: after some saves were acknowledged and while others are in flight.
    while (acknowledged.length < 60 && next < MAX_SAVES) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(savers);
    expect(await first.exited).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(acknowledged.length).toBeLessThan(MAX_SAVES); // it really died mid-way

    const second = await startServer(env);
    servers.push(second);
    for (const { n, slug } of acknowledged) {
      const res = await fetch(`${second.url}/api/cases/${slug}`);
      expect(res.status, `case ${n} (${slug})`).toBe(200);
      const stored = (await res.json()) as ReturnType<typeof caseNumber>;
      const sent = caseNumber(n);
      expect(stored.title).toBe(sent.title);
      expect(stored.source.text).toBe(sent.source.text);
      expect(stored.source.citation).toMatchObject(sent.source.citation);
      expect(stored.quotations.map((q) => q.text)).toEqual(sent.quotations.map((q) => q.text));
      expect(stored.quotations[0]?.quotedBy?.author).toBe(`Quoter ${n}`);
      expect(stored.notes).toBe(sent.notes);
      expect([...(stored.tags ?? [])].sort()).toEqual([...sent.tags].sort());
    }

    // Whatever else made it in (saves that finished without their answer) is whole too.
    const list = (await (await fetch(`${second.url}/api/cases`)).json()) as Array<{ slug: string; title: string; quotationCount: number }>;
    const ours = list.filter((c) => c.title.startsWith(RUN));
    const builtInQuotations = list.filter((c) => !c.title.startsWith(RUN)).reduce((sum, c) => sum + c.quotationCount, 0);
    expect(ours.length).toBeGreaterThanOrEqual(acknowledged.length);
    for (const summary of ours) {
      const n = Number(summary.title.slice(`${RUN} case `.length));
      const stored = (await (await fetch(`${second.url}/api/cases/${summary.slug}`)).json()) as ReturnType<typeof caseNumber>;
      expect(stored.source.text).toBe(caseNumber(n).source.text);
      expect(stored.quotations).toHaveLength(2);
    }

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    if (engine.name === 'SQLite') {
      const check = new Database(env.ELISION_DB!, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(check.pragma('foreign_key_check')).toEqual([]);
      } finally {
        check.close();
      }
    }
    // every case has its quotations, none is left without its case
    expect(await database.count('quotations')).toBe(2 * ours.length + builtInQuotations);
  }, 120_000);
});
