/**
 * Finding 6 of the second hardening review (issue 12): two servers on one SQLite file.
 * Started together on a fresh file, one used to crash in 2 of 4 tries ("duplicate column
 * name: search_text", "table cases already exists": the schema version was read outside
 * the migration's transaction), and 80 concurrent creates over both answered 11 × 500
 * "database is locked".
 *
 * Here, four times: two real server processes (src/server.ts) started at the same moment
 * on one fresh temporary file; both must come up and stay up. Then 80 creates at once,
 * alternating between the two servers, each from its own loopback address (80 clients,
 * as a class would be, not one client holding 80 places of the compare queue): every one
 * must be saved (201), and the file must hold each case exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openCaseStore } from '../src/store/case-store.js';
import { call } from './helpers/http-client.js';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { tempDir, type TempDir } from './helpers/temp-store.js';

const ROUNDS = 4;
const CREATES = 80;

const dirs: TempDir[] = [];
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const server of running) {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await server.exited;
  }
  for (const dir of dirs) dir.remove();
});

function newCase(round: number, n: number) {
  return {
    title: `Round ${round} case ${n}`,
    source: { text: `Sentence one of case ${n}. Sentence two says more about it. Sentence three ends it.`, citation: {} },
    quotations: [{ text: `Sentence one of case ${n}. … Sentence three ends it.` }],
  };
}

describe('finding 6: two server processes on one SQLite file', () => {
  it(`start together on a fresh file (${ROUNDS} times) and save ${CREATES} concurrent creates, each exactly once`, async () => {
    const statuses: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const dir = tempDir('two-processes');
      dirs.push(dir);
      const file = dir.file('cases.db');
      // the same moment: both open, migrate and import the built-in cases at once
      const servers = await Promise.all([startServer({ ELISION_DB: file }, 90_000), startServer({ ELISION_DB: file }, 90_000)]);
      running.push(...servers);

      const answers = await Promise.all(
        Array.from({ length: CREATES }, (_, n) =>
          call(servers[n % 2]!.url, { path: '/api/cases', json: newCase(round, n), from: `127.0.${round}.${n + 1}` }),
        ),
      );
      for (const [n, answer] of answers.entries()) {
        statuses.push(answer.status);
        expect(answer.status, `round ${round}, case ${n}: ${answer.text.slice(0, 200)}`).toBe(201);
      }
      const slugs = answers.map((answer) => (JSON.parse(answer.text) as { slug: string }).slug);

      // neither crashed meanwhile; both stop cleanly
      for (const server of servers) {
        expect(server.child.exitCode, server.output()).toBeNull();
        server.child.kill('SIGTERM');
        expect(await server.exited, server.output()).toBe(0);
      }

      const store = await openCaseStore(file);
      try {
        const stored = (await store.list()).filter((c) => !c.builtIn);
        expect(stored.map((c) => c.slug).sort()).toEqual([...slugs].sort());
        const titles = stored.map((c) => c.title);
        expect(new Set(titles).size).toBe(CREATES);
        for (let n = 0; n < CREATES; n++) expect(titles, `round ${round}, case ${n}`).toContain(`Round ${round} case ${n}`);
        // the built-in cases once, not once per server
        const builtIns = (await store.list()).filter((c) => c.builtIn).map((c) => c.slug);
        expect(new Set(builtIns).size).toBe(builtIns.length);
        expect(builtIns.length).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    }
    expect(statuses).toHaveLength(ROUNDS * CREATES);
  }, 600_000);
});
