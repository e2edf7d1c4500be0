/**
 * Findings 3, 4 and 5 of the second hardening review (issue 12), against the real server
 * (src/server.ts in a child process, a temporary database file) over HTTP:
 *
 * 3. a stored case froze the whole server: it was compared on the main thread, and the
 *    guard that tried it before saving could be walked around (trailing slash, PUT, the
 *    import form) or passed ten times under its per-quotation budget;
 * 4. the compare worker could be starved by two hostile requests, whose jobs went on
 *    after their clients had gone;
 * 5. a request answered 503 by its time budget still saved its case afterwards.
 *
 * Budgets are set through the environment far below what the hostile texts need, so the
 * outcomes do not depend on how fast the engine is. Several clients are told apart by
 * their loopback addresses (127.0.0.2, 127.0.0.3, ...). Each latency bound is measured
 * once and is generous (a loaded two-core CI machine): it separates "answered at once"
 * from "waited for a hostile job", which took 18 s before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseInput } from '../src/cases/types.js';
import { openCaseStore } from '../src/store/case-store.js';
import { finding3Excerpt, finding3Source } from './helpers/finding-3.js';
import { call, formSession } from './helpers/http-client.js';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { slowPair } from './helpers/slow-pair.js';

const dirs: string[] = [];
const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A database file holding `cases` (stored directly, as an older Elision or a bypass could have), and a server on it. */
async function serverWith(env: Record<string, string>, cases: Array<{ slug: string; input: CaseInput }> = []): Promise<ServerProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'elision-worker-'));
  dirs.push(dir);
  const file = path.join(dir, 'cases.db');
  const store = await openCaseStore(file);
  for (const { slug, input } of cases) await store.create(input, slug);
  await store.close();
  const server = await startServer({ ELISION_DB: file, ...env }, 60_000);
  servers.push(server);
  return server;
}

const GOOD: CaseInput = { title: 'Fine', source: { text: 'It is said that Stalin offered to resign, but the congress would not hear of it.', citation: {} }, quotations: [{ text: 'Stalin offered to resign' }] };

function slowCase(tag: string): CaseInput {
  const { quote, source } = slowPair(tag);
  return { title: `Slow ${tag}`, source: { text: source, citation: {} }, quotations: [{ text: quote }] };
}

function finding3Case(quotations: number, variant = 0): CaseInput {
  const source = finding3Source();
  return {
    title: `Thirteen words ${variant}`,
    source: { text: source, citation: {} },
    quotations: Array.from({ length: quotations }, (_, i) => ({ text: finding3Excerpt(source, variant + i) })),
  };
}

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

/** The slugs of the cases users stored (the built-in ones aside). */
async function userSlugs(server: ServerProcess): Promise<string[]> {
  const cases = JSON.parse((await call(server.url, { path: '/api/cases' })).text) as Array<{ slug: string; builtIn: boolean }>;
  return cases.filter((c) => !c.builtIn).map((c) => c.slug).sort();
}

describe('finding 3: every write of a case runs the same guard, and a case over budget is shown as such', () => {
  let server: ServerProcess;
  const stored = slowCase('stored');
  beforeAll(async () => {
    // (the fine case is stored directly too: 150 ms is no promise even for a small pair on a loaded machine)
    server = await serverWith(
      { ELISION_COMPARE_BUDGET_MS: '150', ELISION_QUOTATION_BUDGET_MS: '150', ELISION_CASE_BUDGET_MS: '150' },
      [
        { slug: 'stored-over-budget', input: stored },
        { slug: 'fine', input: GOOD },
      ],
    );
  }, 90_000);

  it('refuses a case over budget through the API, with or without a trailing slash, and on PUT and import', async () => {
    const refusal = /cannot be compared with its source within 150 ms, so the case was not saved/;
    const post = await call(server.url, { path: '/api/cases', json: { ...slowCase('post'), slug: 'post' } });
    expect(post.status).toBe(400);
    expect(json(post.text).error).toMatch(refusal);
    // a trailing slash is another address (404) or the same guarded route: never a way in
    const slash = await call(server.url, { path: '/api/cases/', json: { ...slowCase('slash'), slug: 'slash' } });
    expect([400, 404]).toContain(slash.status);
    const put = await call(server.url, { method: 'PUT', path: '/api/cases/fine', json: slowCase('put') });
    expect(put.status).toBe(400);
    expect(json(put.text).error).toMatch(refusal);
    const putSlash = await call(server.url, { method: 'PUT', path: '/api/cases/fine/', json: slowCase('put-slash') });
    expect([400, 404]).toContain(putSlash.status);
    const imported = await call(server.url, { path: '/api/cases/import', json: { cases: [{ ...GOOD, slug: 'fine-too' }, slowCase('import')] } });
    expect(imported.status).toBe(400);
    expect(json(imported.text).error).toMatch(refusal);
    expect(await userSlugs(server)).toEqual(['fine', 'stored-over-budget']);
    const fine = json((await call(server.url, { path: '/api/cases/fine' })).text);
    expect((fine.source as { text: string }).text).toBe(GOOD.source.text);
  }, 90_000);

  it('refuses it through the case forms and the import form too', async () => {
    const refusal = 'cannot be compared with its source within 150 ms, so the case was not saved';
    const slow = slowPair('form');
    const session = await formSession(server.url, '/cases/new');
    const post = (formPath: string, form: Record<string, string>) =>
      call(server.url, { path: formPath, form: { _csrf: session.csrf, ...form }, headers: { Cookie: session.cookie } });
    const created = await post('/cases', { title: 'Slow form', source: slow.source, quote: slow.quote });
    expect(created.status).toBe(400);
    expect(created.text).toContain(refusal);
    const edited = await post('/cases/fine/edit', { title: 'Fine', source: slow.source, quotationCount: '1', 'quote-0': slow.quote });
    expect(edited.status).toBe(400);
    expect(edited.text).toContain(refusal);
    // a quotation added to a stored source is checked with the whole case
    const added = await post('/cases/stored-over-budget/quotations', { quote: 'the bird sang in the tree' });
    expect(added.status).toBe(400);
    expect(added.text).toContain('cannot be compared');
    const pasted = await post('/cases/import', { json: JSON.stringify(slowCase('import-form')) });
    expect(pasted.status).toBe(400);
    expect(pasted.text).toContain(refusal);
    const boundary = 'elision-test-boundary';
    const file = JSON.stringify(slowCase('upload'));
    const multipart = [`--${boundary}`, 'Content-Disposition: form-data; name="file"; filename="case.json"', 'Content-Type: application/json', '', file, `--${boundary}--`, ''].join('\r\n');
    const uploaded = await call(server.url, {
      path: `/cases/import?_csrf=${encodeURIComponent(session.csrf)}`,
      raw: { body: multipart, contentType: `multipart/form-data; boundary=${boundary}` },
      headers: { Cookie: session.cookie },
    });
    expect(uploaded.status).toBe(400);
    expect(uploaded.text).toContain(refusal);
    expect(await userSlugs(server)).toEqual(['fine', 'stored-over-budget']);
  }, 90_000);

  it('shows a stored case over budget in plain words, with its texts, and exports answer a clear error', async () => {
    const page = await call(server.url, { path: '/cases/stored-over-budget' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('cannot be compared with the source within 150 ms');
    expect(page.text).toContain(stored.quotations[0]!.text);
    expect(page.text).toContain('The cat sat on the mat while the dog ate the bone');
    const exported = await call(server.url, { path: '/cases/stored-over-budget/export?format=json', headers: { Accept: 'application/json' } });
    expect(exported.status).toBe(503);
    expect(json(exported.text).error).toMatch(/^This case cannot be exported with its comparison: .*150 ms/);
    for (const sheet of ['exercise?step=2', 'teacher', 'answers']) {
      const answer = await call(server.url, { path: `/cases/stored-over-budget/${sheet}` });
      expect(answer.status, sheet).toBe(200);
      expect(answer.text, sheet).toContain('cannot be compared with the source within 150 ms');
    }
    const home = await call(server.url, { path: '/' });
    expect(home.status).toBe(200);
    const card = home.text.slice(home.text.indexOf('href="/cases/stored-over-budget"'));
    expect(card.slice(0, card.indexOf('</li>'))).toContain('Too long to compare here');
  }, 90_000);
});

describe('findings 3 and 4: under hostile load the server stays responsive', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    // the pre-fix figures: 10 s for a pasted pair, 3 s a quotation of a case; 10 s a case in all
    server = await serverWith({ ELISION_COMPARE_BUDGET_MS: '10000', ELISION_QUOTATION_BUDGET_MS: '3000', ELISION_CASE_BUDGET_MS: '10000' }, [
      { slug: 'thirteen-words', input: finding3Case(10) },
    ]);
    await call(server.url, { path: '/api/compare', json: { quote: 'warm', source: 'warm up' } });
  }, 90_000);

  it('answers the health check within 200 ms (median of five) and a small pasted pair within 2 s while hostile comparisons run', async () => {
    const source = finding3Source();
    const hostile = [
      call(server.url, { path: '/api/compare', json: { quote: finding3Excerpt(source, 20), source }, from: '127.0.0.2' }),
      call(server.url, { path: '/api/compare', json: { quote: finding3Excerpt(source, 21), source }, from: '127.0.0.3' }),
      call(server.url, { path: '/cases/thirteen-words', from: '127.0.0.4' }),
      // ten quotations, each under its 3 s: the case's own budget stops them together
      call(server.url, { path: '/api/cases', json: { ...finding3Case(10, 40), slug: 'ten-under-budget' }, from: '127.0.0.5' }),
    ];
    await sleep(500);
    // five checks 100 ms apart, while the hostile work runs: the median within 200 ms (before the
    // fix every one waited 18.5 s); one scheduling hiccup of a loaded test machine is not the server
    const checks = [];
    for (let k = 0; k < 5; k++) {
      checks.push(await call(server.url, { path: '/healthz', from: '127.0.0.6' }));
      await sleep(100);
    }
    const small = await call(server.url, { path: '/api/compare', json: { quote: 'offered to resign', source: 'It is said that Stalin offered to resign.' }, from: '127.0.0.7' });
    for (const health of checks) expect(health.status).toBe(200);
    const times = checks.map((health) => health.ms).sort((a, b) => a - b);
    expect(times[2]).toBeLessThan(200);
    expect(times[4]).toBeLessThan(2000);
    expect(small.status).toBe(200);
    expect(small.ms).toBeLessThan(2000);
    expect(json(small.text).found).toBe(true);
    const [first, second, view, saved] = await Promise.all(hostile);
    // each hostile pair either finished or was stopped at its budget, never more
    for (const answer of [first!, second!]) {
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) expect(json(answer.text).error).toMatch(/would take longer than 10 seconds/);
    }
    expect(view!.status).toBe(200);
    // the page shows the comparison, or says in plain words why not: never a frozen server
    if (!view!.text.includes('class="debate')) expect(view!.text).toMatch(/cannot be compared with their source within 10 seconds together|cannot be compared with the source within 3 seconds/);
    // the case is refused (400, naming the budget), or it waited its turn past the request's
    // 30 s (503, and nothing stored), or it was fast enough to keep (201)
    expect([201, 400, 503]).toContain(saved!.status);
    if (saved!.status === 400) expect(json(saved!.text).error).toMatch(/within (10|3) seconds/);
    if (saved!.status !== 201) expect((await call(server.url, { path: '/api/cases/ten-under-budget' })).status).toBe(404);
  }, 120_000);

  it('drops the jobs of clients that leave: the next large pair does not wait for them', async () => {
    const source = finding3Source();
    const leaving = new AbortController();
    const hostile = [
      call(server.url, { path: '/api/compare', json: { quote: finding3Excerpt(source, 60), source }, from: '127.0.0.2', signal: leaving.signal }).catch(() => undefined),
      call(server.url, { path: '/api/compare', json: { quote: finding3Excerpt(source, 61), source }, from: '127.0.0.3', signal: leaving.signal }).catch(() => undefined),
    ];
    await sleep(300);
    leaving.abort();
    await Promise.all(hostile);
    // larger than a small job, so it needs the worker the hostile jobs held
    const prose = Array.from({ length: 600 }, (_, i) => `Sentence ${i} is about topic ${(i * 7) % 13} and nothing else.`).join(' ');
    const next = await call(server.url, { path: '/api/compare', json: { quote: 'Sentence 321 is about topic', source: prose }, from: '127.0.0.8' });
    expect(next.status).toBe(200);
    // a worker restarts in about a second; the hostile jobs had up to 10 s each left
    expect(next.ms).toBeLessThan(6000);
  }, 120_000);
});

describe('finding 5: a request answered 503 writes nothing afterwards', () => {
  it('does not store a case whose request ran out of time, and a retry is not told it exists', async () => {
    const server = await serverWith({ ELISION_REQUEST_TIMEOUT_MS: '300', ELISION_QUOTATION_BUDGET_MS: '30000', ELISION_CASE_BUDGET_MS: '60000' });
    const { source } = slowPair('late');
    const phrases = ['the dog ate the bone', 'the bird sang in the tree', 'The cat sat on the mat', 'while the dog ate'];
    const input: CaseInput = {
      title: 'Late',
      source: { text: source, citation: {} },
      quotations: Array.from({ length: 20 }, (_, i) => ({ text: `${phrases[i % 4]} ${i % 2 === 0 ? '' : 'and the bird'}`.trim() })),
    };
    const first = await call(server.url, { path: '/api/cases', json: { ...input, slug: 'late' } });
    expect([201, 503]).toContain(first.status);
    if (first.status === 201) return; // fast enough to answer in time: nothing to prove here
    expect(first.headers['retry-after']).toBeDefined();
    // the guard's comparisons would have taken seconds; had they gone on, the case would appear
    for (let i = 0; i < 12; i++) {
      await sleep(500);
      expect((await call(server.url, { path: '/api/cases/late' })).status).toBe(404);
    }
    const retry = await call(server.url, { path: '/api/cases', json: { ...input, slug: 'late' } });
    expect(retry.status).not.toBe(409);
  }, 120_000);
});
