/**
 * A throw-away PostgreSQL cluster for the tests: `initdb` in a temporary folder, started
 * with `pg_ctl` on a free port of 127.0.0.1 only (no Unix socket), trust authentication,
 * and removed afterwards. No mock of the database anywhere: the PostgreSQL half of the
 * store, API, import, durability and cluster tests talks to this real server.
 *
 * The binaries are the newest /usr/lib/postgresql/<version>/bin (Debian's `postgresql`
 * package), or ELISION_PG_BIN, or `initdb` on the PATH. initdb refuses to run as root,
 * so under root the cluster is made and run by the `postgres` user (`runuser`).
 *
 * Used by tests/helpers/postgres-global-setup.ts (one cluster for a whole test run) and
 * by bench/http-postgres.ts (one for the benchmark, with fsync on).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres: the superuser's own database */
  adminUrl: string;
  port: number;
  /** the PostgreSQL major version, e.g. "15" */
  version: string;
  stop(): void;
}

/** The folder holding initdb and pg_ctl, or undefined when this machine has no PostgreSQL. */
export function findPostgresBin(): string | undefined {
  const fromEnv = process.env.ELISION_PG_BIN;
  if (fromEnv) return fs.existsSync(path.join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const versions = fs
      .readdirSync(debianRoot)
      .filter((name) => fs.existsSync(path.join(debianRoot, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debianRoot, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return which.status === 0 && initdb !== '' ? path.dirname(initdb) : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL program, as the `postgres` user when we are root. */
function run(bin: string, program: string, args: string[]): void {
  const file = path.join(bin, program);
  if (isRoot) execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe' });
  else execFileSync(file, args, { stdio: 'pipe' });
}

export interface ClusterOptions {
  /** false (the tests' default) skips fsync: the tests kill Elision, never PostgreSQL. The benchmark keeps it on. */
  fsync?: boolean;
}

export async function startPostgresCluster(bin: string, options: ClusterOptions = {}): Promise<PostgresCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elision-pg-'));
  const data = path.join(dir, 'data');
  if (isRoot) execFileSync('chown', ['-R', 'postgres:', dir]);
  const versionText = execFileSync(path.join(bin, 'pg_ctl'), ['--version'], { encoding: 'utf8' });
  const version = /(\d+)/.exec(versionText)?.[1] ?? 'unknown';
  try {
    run(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync']);
    // A few tries: another process may take the free port between our look and the start.
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const settings = [
        `-c listen_addresses=127.0.0.1`,
        `-c port=${port}`,
        `-c unix_socket_directories=''`,
        ...(options.fsync ? [] : ['-c fsync=off', '-c full_page_writes=off']),
        `-c max_connections=200`,
      ].join(' ');
      try {
        run(bin, 'pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
      } catch (error) {
        if (attempt < 3) continue;
        throw error;
      }
      let stopped = false;
      return {
        adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
        port,
        version,
        stop() {
          if (stopped) return;
          stopped = true;
          try {
            run(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    }
  } catch (error) {
    const log = path.join(dir, 'server.log');
    const detail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : String((error as { stderr?: unknown }).stderr ?? '');
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a PostgreSQL cluster with ${bin}: ${(error as Error).message}\n${detail}`);
  }
}
