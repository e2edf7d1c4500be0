/**
 * One Elision server process for the HTTP benchmarks (bench/http.ts, bench/http-postgres.ts):
 * production mode on a free loopback port, no rate limit, request logs on, and
 * ELISION_TRUST_PROXY so each connection names its own client in X-Forwarded-For
 * (bench/clients.ts). Resolves with its address once it says it is listening.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchServer {
  url: string;
  pid: number;
  /** SIGTERM; resolves with the exit code */
  stop: () => Promise<number | null>;
}

export async function startBenchServer(env: Record<string, string>, startTimeoutMs = 60_000): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ELISION_RATE_LIMIT: '0', ELISION_TRUST_PROXY: '1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${printed}`)), startTimeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      // keep draining: the request log would otherwise fill the pipe and stall the server
      if (printed.length < 10_000) printed += String(chunk);
      const match = /Elision listening on (http:\/\/[^\s/]+)\//.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${printed}`)));
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  return { url, pid: child.pid!, stop };
}
