/**
 * A case saved through the API of the real server (src/server.ts, a child process) is
 * still there, whole, after the server is stopped and started again on the same
 * database; the built-in cases are imported once, not once per start. On SQLite and on PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { storeEngines, type EngineDatabase } from './helpers/engines.js';

let database: EngineDatabase | undefined;
let server: ServerProcess | undefined;

afterEach(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  server = undefined;
  await database?.remove();
  database = undefined;
});

async function stop(running: ServerProcess): Promise<void> {
  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
}

const hardCase = {
  title: 'Сервис о Сталине — “a test” with every kind of text',
  source: {
    text: '  Leading spaces, CRLF\r\nline breaks, tabs\tand emoji 👍🏽, Cyrillic «Сталин», RTL עברית, combining é.\n\n',
    citation: { author: 'Роберт Сервис', work: 'Stalin', year: '2004', url: 'https://example.org/stalin?a=1&b=2', language: 'ru', note: 'reconstructed' },
  },
  quotations: [
    { text: 'Leading spaces, CRLF\r\nline breaks', quotedBy: { author: 'Блогер', date: '2020-01-01' }, note: 'first' },
    { text: 'emoji 👍🏽 … «Сталин»', quotedBy: {}, note: '' },
  ],
  notes: '**Markdown** <b>kept as text</b>',
  tags: ['Сталин', 'test'],
  questions: ['Why?', 'Who?'],
  teacherNotes: 'only for teachers',
};

describe.each(storeEngines)('the real server on $name, stopped and started again', (engine) => {
  // Two starts of a child process: slow on a loaded two-core machine, hence the long timeout.
  it('keeps a case saved through the API, whole, and imports the built-in cases only once', { timeout: 120_000 }, async () => {
    database = await engine.create('restart');
    const env = database.serverEnv;
    server = await startServer(env, 60_000);
    const created = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(hardCase),
    });
    expect(created.status).toBe(201);
    const saved = (await created.json()) as { slug: string };
    const before = await (await fetch(`${server.url}/api/cases/${saved.slug}`)).json();
    const listBefore = (await (await fetch(`${server.url}/api/cases`)).json()) as Array<{ slug: string }>;
    expect(listBefore.map((c) => c.slug)).toContain('service-stalin-resignation');
    await stop(server);

    server = await startServer(env, 60_000);
    const after = await fetch(`${server.url}/api/cases/${saved.slug}`);
    expect(after.status).toBe(200);
    const afterCase = await after.json();
    expect(afterCase).toEqual(before);
    expect(afterCase).toMatchObject({ ...hardCase, quotations: [hardCase.quotations[0], { text: hardCase.quotations[1]!.text, quotedBy: {}, note: '' }] });
    const listAfter = (await (await fetch(`${server.url}/api/cases`)).json()) as Array<{ slug: string }>;
    expect(listAfter.map((c) => c.slug)).toEqual(listBefore.map((c) => c.slug));
    await stop(server);
  });
});
