/**
 * `npm run --silent cli -- migrate-store --from data/elision.db --to postgres://…`
 *
 * Copies every case of a SQLite store (its quotations, tags, citation, notes, questions,
 * teacher's notes, built-in flag and hash, and timestamps, exactly), the sources of its
 * library (texts, citations, provenance, page maps, kept original files; each indexed
 * again for find) and the list of dismissed built-in cases into PostgreSQL, in ONE
 * transaction: all of it or nothing.
 * Idempotent: a case whose slug is already there with the same content is left alone, so
 * running it again copies nothing; a slug there with DIFFERENT content stops the run
 * before anything is written (exit 2, naming it). Afterwards every case is read back
 * from PostgreSQL and compared with the SQLite one by a SHA-256 of its whole content;
 * the counts and the checksum over all cases are printed.
 *
 * The SQLite file is opened as Elision opens it (brought to the latest schema if older).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { Case, Citation } from '../cases/types.js';
import { sha256Hex } from '../library/sqlite-library.js';
import type { Provenance, SourceInput, WhereEntry } from '../library/types.js';
import { UserError } from '../errors.js';
import { openCaseStore } from '../store/case-store.js';
import { isPostgresUrl, openPostgresStore } from '../store/pg-open.js';
import { describeDatabaseUrl } from '../store/store-errors.js';
import { resolveIn, type CliIo } from './io.js';

const USAGE = 'Usage: elision migrate-store --from SQLITE_FILE --to postgres://USER@HOST:PORT/DATABASE';

/** Runs `migrate-store` (argv after the command's name); resolves to the exit code. */
export async function runMigrateStore(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new UserError(`Unexpected argument ${JSON.stringify(positionals[0])}. ${USAGE}`);
    if (!values.from || !values.to) throw new UserError(`migrate-store needs --from and --to. ${USAGE}`);
    const from = resolveIn(io, values.from);
    if (!fs.existsSync(from)) throw new UserError(`There is no SQLite file at ${JSON.stringify(values.from)}.`);
    if (!isPostgresUrl(values.to)) throw new UserError(`--to must be a postgres:// address, not ${JSON.stringify(describeDatabaseUrl(values.to))}.`);
    io.stdout.write(await migrate(from, values.to));
    return 0;
  } catch (error) {
    const message = error instanceof UserError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? (error as Error).message : `migrate-store failed: ${(error as Error).message}`;
    io.stderr.write(`${message.split('\n')[0]}\n`);
    return 2;
  }
}

async function migrate(from: string, to: string): Promise<string> {
  let sqlite;
  try {
    sqlite = await openCaseStore(from);
  } catch (error) {
    throw new UserError(`Cannot open the SQLite store ${from}: ${(error as Error).message}`);
  }
  let target;
  try {
    target = await openPostgresStore(to, { poolSize: 2, applicationName: 'elision-migrate-store' });
  } catch (error) {
    await sqlite.close();
    throw new UserError((error as Error).message);
  }
  try {
    const slugs = (await sqlite.list()).map((summary) => summary.slug);
    const cases: Case[] = [];
    for (const slug of slugs) cases.push((await sqlite.get(slug))!);
    const { hashes, dismissed } = readBuiltInBookkeeping(from);
    const sources = readLibrarySources(from);

    // a case's imported source keeps its original file there too (read apart: a Case carries only its size)
    const toCopy: Case[] = [];
    for (const c of cases) {
      const original = c.source.originalBytes ? await sqlite.sourceOriginal(c.slug) : undefined;
      toCopy.push(original ? { ...c, source: { ...c.source, originalFile: original.bytes } } : c);
    }
    const written = await target.importExact(
      toCopy.map((c) => ({ case: c, builtInHash: hashes.get(c.slug) ?? null })),
      dismissed,
      (here, there) => {
        if (checksum(here) !== checksum(there)) {
          throw new UserError(`The case "${there.slug}" is already in ${describeDatabaseUrl(to)} with different content; nothing was copied. Rename or delete one of the two, then run migrate-store again.`);
        }
      },
      sources,
    );

    // Verify: every case read back from PostgreSQL is the SQLite one, to the byte.
    const mismatched: string[] = [];
    const all = crypto.createHash('sha256');
    let quotations = 0;
    let tags = 0;
    for (const c of cases) {
      const copy = await target.get(c.slug);
      const sum = checksum(c);
      if (!copy || checksum(copy) !== sum) mismatched.push(c.slug);
      all.update(sum);
      quotations += c.quotations.length;
      tags += c.tags?.length ?? 0;
    }
    if (mismatched.length > 0) {
      throw new UserError(`Verification failed: ${mismatched.length} case(s) differ in PostgreSQL after copying (first: "${mismatched[0]}").`);
    }
    // every text of the SQLite library is in PostgreSQL's, to the byte (compared by SHA-256)
    const sqliteHashes = readLibraryHashes(from);
    const pgHashes = new Set((await target.library.list()).map((source) => source.sha256));
    const missingSource = sqliteHashes.find((hash) => !pgHashes.has(hash));
    if (missingSource) throw new UserError(`Verification failed: the library source with SHA-256 ${missingSource.slice(0, 12)}… is not in PostgreSQL after copying.`);
    for (const { id, sha256 } of await target.library.list()) {
      if (sqliteHashes.includes(sha256) && sha256Hex((await target.library.text(id)) ?? '') !== sha256) {
        throw new UserError(`Verification failed: the text of library source ${id} differs from its SHA-256 after copying.`);
      }
    }
    const targetCount = (await target.list()).length;
    return [
      `Copied ${written.length} case(s) from ${from} to ${describeDatabaseUrl(to)}; ${cases.length - written.length} already there.`,
      `Verified ${cases.length} case(s), ${quotations} quotation(s), ${tags} tag(s), ${sqliteHashes.length} library source(s), ${dismissed.length} dismissed built-in case(s): every checksum matches (SHA-256 over all cases ${all.digest('hex').slice(0, 16)}).`,
      `PostgreSQL now holds ${targetCount} case(s).`,
      '',
    ].join('\n');
  } finally {
    await sqlite.close();
    await target.close();
  }
}

/** What the store interface does not show: each built-in case's file hash, and the built-in cases a user deleted. */
function readBuiltInBookkeeping(file: string): { hashes: Map<string, string>; dismissed: Array<{ slug: string; dismissedAt: string }> } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hashes = new Map(
      (db.prepare('SELECT slug, built_in_hash FROM cases WHERE built_in_hash IS NOT NULL').all() as Array<{ slug: string; built_in_hash: string }>).map((row) => [row.slug, row.built_in_hash]),
    );
    const dismissed = (db.prepare('SELECT slug, dismissed_at FROM dismissed_built_ins ORDER BY slug').all() as Array<{ slug: string; dismissed_at: string }>).map((row) => ({
      slug: row.slug,
      dismissedAt: row.dismissed_at,
    }));
    return { hashes, dismissed };
  } finally {
    db.close();
  }
}

/** The sources added to the SQLite library itself (not only brought by a case), with everything the library keeps of them. */
function readLibrarySources(file: string): SourceInput[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(`SELECT text, title, citation, provenance, where_map, original FROM library_sources WHERE origin = 'library' ORDER BY id`)
      .all() as Array<{ text: string; title: string; citation: string; provenance: string; where_map: string; original: Buffer | null }>;
    return rows.map((row) => ({
      text: row.text,
      title: row.title,
      citation: JSON.parse(row.citation) as Citation,
      provenance: JSON.parse(row.provenance) as Provenance,
      where: JSON.parse(row.where_map) as WhereEntry[],
      ...(row.original ? { original: new Uint8Array(row.original) } : {}),
    }));
  } finally {
    db.close();
  }
}

function readLibraryHashes(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT sha256 FROM library_sources ORDER BY id').all() as Array<{ sha256: string }>).map((row) => row.sha256);
  } finally {
    db.close();
  }
}

/** SHA-256 of a case's whole content, with object keys in a fixed order. */
export function checksum(c: Case): string {
  return crypto.createHash('sha256').update(canonicalJson(c)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      // the original file's bytes are compared by their size (originalBytes), not spelled out
      .filter(([k, v]) => v !== undefined && k !== 'originalFile')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
