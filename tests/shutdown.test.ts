import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './helpers/server-process.js';
import { tempDir, type TempDir } from './helpers/temp-store.js';

let server: ServerProcess | undefined;
let dir: TempDir | undefined;

afterEach(() => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  dir?.remove();
  server = undefined;
  dir = undefined;
});

function tempDb(): string {
  dir = tempDir('shutdown');
  return dir.file('cases.db');
}

/** Opens a POST whose body arrives in two halves, so the request is in flight until `finish` is called. */
function slowPost(url: string, pathname: string, body: string) {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  const req = http.request(`${url}${pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length },
  });
  const answer = new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
  });
  req.write(bytes.subarray(0, half));
  return { answer, finish: () => req.end(bytes.subarray(half)) };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('graceful shutdown of the real server', () => {
  it('on SIGTERM stops accepting, finishes the request in flight, closes the database and exits 0', async () => {
    const db = tempDb();
    server = await startServer({ ELISION_DB: db, LOG_LEVEL: 'info' });
    const pair = JSON.stringify({ quote: 'the quick … lazy dog', source: 'The quick brown fox jumps over the lazy dog.' });
    const inFlight = slowPost(server.url, '/api/compare', pair);
    await sleep(200);

    server.child.kill('SIGTERM');
    // the listener closes as soon as the signal is handled; on a loaded machine that takes a moment
    const deadline = Date.now() + 15_000;
    while ((await canConnect(server.port)) && Date.now() < deadline) await sleep(50);
    expect(await canConnect(server.port)).toBe(false); // no longer accepting
    expect(server.child.exitCode).toBeNull(); // but still finishing the request in flight

    inFlight.finish();
    const answer = await inFlight.answer;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ version: 1, found: true });

    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    // SQLite removes the write-ahead log when the last connection closes cleanly.
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect(existsSync(db)).toBe(true);
  });

  it('on SIGINT with nothing in flight exits 0 promptly, keep-alive connections included', async () => {
    server = await startServer({ ELISION_DB: tempDb() });
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${server!.url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }).on('error', reject);
    });
    expect(status).toBe(200);
    const started = Date.now();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    // well under the 10 s drain: an idle keep-alive connection does not hold the exit
    expect(Date.now() - started).toBeLessThan(7000);
    agent.destroy();
  });

  it('prints the real listening URL and answers the health check there', async () => {
    server = await startServer({ ELISION_DB: tempDb() });
    expect(server.port).toBeGreaterThan(0);
    expect(server.output()).toMatch(new RegExp(`Elision listening on http://127\\.0\\.0\\.1:${server.port}/`));
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses a bad ELISION_RATE_LIMIT with one clear line and exit code 2', async () => {
    await expect(startServer({ ELISION_DB: tempDb(), ELISION_RATE_LIMIT: 'lots' })).rejects.toThrow(
      /exited \(2\)[\s\S]*ELISION_RATE_LIMIT must be a whole number/,
    );
  });
});
