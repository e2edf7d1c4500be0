/**
 * The real case store for tests: on ':memory:' where a file is not the point, or in a
 * fresh temporary folder (removed afterwards) where it is — a restart, a second
 * process, WAL files. Also the built-in cases and a bare temporary folder, which several
 * tests need around a store.
 *
 *   const store = await memoryStore();                 // fresh, empty, migrated
 *   const temp = await tempStore('pages');             // temp.store, temp.file, temp.dir
 *   await temp.remove();                               // closes the store, removes the folder
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCaseStore, type SqliteCaseStore } from '../../src/store/case-store.js';
import { importBuiltInCases } from '../../src/store/import-built-in.js';
import type { CaseStore } from '../../src/cases/types.js';
import { projectRoot } from './server-process.js';

export const builtInCasesDir = path.join(projectRoot, 'data', 'cases');

/** A migrated, empty store in memory; with `builtIns`, the built-in cases imported. */
export async function memoryStore(options: { builtIns?: boolean } = {}): Promise<SqliteCaseStore> {
  const store = await openCaseStore(':memory:');
  if (options.builtIns) await importBuiltInCases(store, builtInCasesDir);
  return store;
}

export interface TempDir {
  path: string;
  /** a path inside the folder */
  file(name: string): string;
  remove(): void;
}

/** A fresh folder under the system's temporary folder, named after what the test is about. */
export function tempDir(label: string): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `elision-${label}-`));
  return {
    path: dir,
    file: (name) => path.join(dir, name),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TempStore {
  store: SqliteCaseStore;
  /** the database file */
  file: string;
  dir: TempDir;
  /** closes the store and removes the folder */
  remove(): Promise<void>;
}

/** A store in a file of its own (`name` inside a fresh folder; default elision.db). */
export async function tempStore(label: string, options: { builtIns?: boolean; name?: string } = {}): Promise<TempStore> {
  const dir = tempDir(label);
  const file = dir.file(options.name ?? 'elision.db');
  const store = await openCaseStore(file);
  if (options.builtIns) await importBuiltInCases(store, builtInCasesDir);
  return {
    store,
    file,
    dir,
    async remove() {
      await store.close();
      dir.remove();
    },
  };
}

/** Closes a store if one was opened (for afterEach/afterAll hooks). */
export async function closeStore(store: CaseStore | undefined): Promise<void> {
  await store?.close();
}

/**
 * The real store with some methods wrapped (to count reads, or to fail on purpose): every
 * other method is the store's own. Not a fake: everything still reaches SQLite.
 */
export function wrapStore(store: CaseStore, overrides: Partial<CaseStore>): CaseStore {
  return {
    library: store.library,
    list: (filter) => store.list(filter),
    get: (slug) => store.get(slug),
    create: (input, slug) => store.create(input, slug),
    update: (slug, input) => store.update(slug, input),
    delete: (slug) => store.delete(slug),
    createMany: (items) => store.createMany(items),
    syncBuiltIn: (items) => store.syncBuiltIn(items),
    sourceOriginal: (slug) => store.sourceOriginal(slug),
    close: () => store.close(),
    ...overrides,
  };
}
