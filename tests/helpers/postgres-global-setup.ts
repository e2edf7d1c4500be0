/**
 * vitest globalSetup: one throw-away PostgreSQL cluster for the whole run (see
 * postgres-cluster.ts), its address handed to the test files through `inject('postgresUrl')`.
 * Each test that needs a database makes its own in it (tests/helpers/postgres.ts).
 *
 * Without PostgreSQL on the machine, one line says so and the PostgreSQL half of the
 * tests is left out (the SQLite half still runs); under CI (CI=true) that is a failure.
 */
import type { TestProject } from 'vitest/node';
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the cluster's superuser address, or null when the PostgreSQL half does not run */
    postgresUrl: string | null;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  const bin = findPostgresBin();
  if (!bin) {
    const line = 'PostgreSQL not found (no initdb under /usr/lib/postgresql/*/bin or on the PATH): the PostgreSQL half of the store tests does not run; install Debian\'s postgresql package to run it.';
    if (process.env.CI === 'true') throw new Error(`${line} Under CI it must run.`);
    console.warn(line);
    project.provide('postgresUrl', null);
    return;
  }
  cluster = await startPostgresCluster(bin);
  project.provide('postgresUrl', cluster.adminUrl);
}

export function teardown(): void {
  cluster?.stop();
}
