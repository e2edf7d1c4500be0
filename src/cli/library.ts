/**
 * The library's commands, apart from src/cli.ts (which dispatches here):
 *
 *   library add PATH_OR_URL... [--author A] [--title T]   files, folders (recursively) and addresses
 *   library list [--format json]
 *   library reindex                                      rebuilds the search index from the texts
 *   find QUOTE_FILE [--format text|json]                 where in the library does the quotation stand?
 *
 * The database is ELISION_DATABASE_URL or ELISION_DB, as for the server (default data/elision.db). `library add`
 * is idempotent (a text already there is reported so), adds each source in its own
 * transaction (a failed file leaves the library as it was before it), shows a progress
 * bar on a terminal and plain progress lines otherwise, and ends with a summary: added,
 * already there, refused and why. It exits 0 when nothing was refused, 1 when some
 * file was, and 2 (one line on standard error) on a usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CaseStore } from '../cases/types.js';
import { UserError } from '../errors.js';
import { findInLibrary, type FindResult } from '../library/find.js';
import { importForLibrary, inProcessImporter, isAddress, LIBRARY_EXTENSIONS } from '../library/import-source.js';
import type { LibraryStore } from '../library/types.js';
import { openCaseStore } from '../store/case-store.js';
import { excerpt, plural, verdictText } from '../present/index.js';
import { describeFailure, readText, resolveIn, type CliIo } from './io.js';
import { openPostgresStore } from '../store/pg-open.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const LIBRARY_COMMANDS = new Set(['library', 'find']);

export function isLibraryCommand(command: string | undefined): boolean {
  return command !== undefined && LIBRARY_COMMANDS.has(command);
}

const USAGE = `Usage:
  elision library add PATH_OR_URL... [--author A] [--title T]
  elision library list [--format json]
  elision library reindex
  elision find QUOTE_FILE [--format text|json]

The database is ELISION_DATABASE_URL (PostgreSQL) when set, else ELISION_DB (default data/elision.db).`;

/** Runs a library command; resolves to the exit code. */
export async function runLibraryCommand(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? {};
  let store: CaseStore | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        author: { type: 'string' },
        title: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UserError(`Unknown format ${JSON.stringify(format)}: use text or json.`);
    const open = async (): Promise<LibraryStore> => {
      // PostgreSQL when ELISION_DATABASE_URL is set, as for the server; else the SQLite file
      const databaseUrl = env.ELISION_DATABASE_URL;
      store = databaseUrl
        ? await openPostgresStore(databaseUrl, { poolSize: 2, applicationName: 'elision-cli' }).catch((error: Error) => {
            throw new UserError(error.message);
          })
        : await openCaseStore(env.ELISION_DB ? resolveIn(io, env.ELISION_DB) : path.join(root, 'data', 'elision.db'));
      return store.library;
    };
    if (command === 'find') {
      if (rest.length !== 1) throw new UserError('find needs one file: find QUOTE_FILE (or "-" for standard input).');
      const quote = await readText(io, rest[0]!, 'quotation');
      const result = await findInLibrary(await open(), quote);
      io.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatFind(result));
      return 0;
    }
    const [sub, ...targets] = rest;
    if (sub === 'add') {
      if (targets.length === 0) throw new UserError('library add needs at least one file, folder or address.');
      return await addAll(await open(), targets, { author: values.author, title: values.title }, io);
    }
    if (sub === 'list') {
      const sources = await (await open()).list();
      if (format === 'json') io.stdout.write(`${JSON.stringify(sources, null, 2)}\n`);
      else for (const s of sources) io.stdout.write(`${s.id}\t${s.title}${s.author ? ` (${s.author})` : ''}\t${s.characters.toLocaleString('en')} characters\n`);
      return 0;
    }
    if (sub === 'reindex') {
      const library = await open();
      const progress = progressReporter(io, 'Reindexing');
      const totals = await library.index.rebuild((done, total) => progress.update(done, total, ''));
      progress.finish();
      io.stdout.write(`Reindexed ${plural(totals.sources, 'source').replace(/^\d+/, totals.sources.toLocaleString('en'))}, ${totals.characters.toLocaleString('en')} characters.\n`);
      return 0;
    }
    throw new UserError(sub === undefined ? 'library needs a command: add, list or reindex.' : `Unknown library command ${JSON.stringify(sub)}: use add, list or reindex.`);
  } catch (err) {
    const failure = describeFailure(err);
    io.stderr.write(`elision: ${failure.message}\n`);
    return err instanceof UserError ? 2 : failure.exitCode;
  } finally {
    await store?.close();
  }
}

interface Outcome {
  target: string;
  outcome: 'added' | 'already-there' | 'refused';
  reason?: string;
  title?: string;
}

/** Adds every file under the targets, one transaction each; prints progress and the summary. */
async function addAll(library: LibraryStore, targets: string[], citation: { author?: string; title?: string }, io: CliIo): Promise<number> {
  const outcomes: Outcome[] = [];
  const items: string[] = [];
  for (const target of targets) {
    if (isAddress(target)) {
      items.push(target);
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(resolveIn(io, target));
    } catch {
      outcomes.push({ target, outcome: 'refused', reason: 'no such file or folder' });
      continue;
    }
    if (stat.isDirectory()) items.push(...filesUnder(resolveIn(io, target)));
    else items.push(resolveIn(io, target));
  }
  const progress = progressReporter(io, 'Adding');
  // addresses are fetched under the SSRF rules (ELISION_FETCH_ALLOW_PRIVATE=1 for an intranet)
  const importer = inProcessImporter(io.env ?? {});
  for (const [i, item] of items.entries()) {
    progress.update(i, items.length, item);
    try {
      const imported = await importForLibrary(item, importer);
      const title = citation.title || imported.title;
      const { outcome, source } = await library.add({
        text: imported.text,
        title,
        citation: { ...(citation.author || imported.author ? { author: citation.author || imported.author } : {}), work: title },
        provenance: imported.provenance,
        where: imported.where,
        ...(imported.original ? { original: imported.original } : {}),
      });
      outcomes.push({ target: item, outcome, title: source.title });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      outcomes.push({ target: item, outcome: 'refused', reason: err.message });
    }
    progress.line(outcomes[outcomes.length - 1]!, i + 1, items.length);
  }
  progress.finish();
  const count = (kind: Outcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
  const refused = outcomes.filter((o) => o.outcome === 'refused');
  io.stdout.write(`Added ${count('added')}, already there ${count('already-there')}, refused ${refused.length}.\n`);
  for (const r of refused) io.stdout.write(`  refused ${r.target}: ${r.reason}\n`);
  return refused.length > 0 ? 1 : 0;
}

/** Files under a folder, recursively, of the kinds the importer reads; hidden files and folders skipped. */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && LIBRARY_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) found.push(full);
    }
  };
  walk(folder);
  return found;
}

/**
 * A progress bar redrawn in place on a terminal (standard error, so the summary on
 * standard output stays clean); one plain line per item otherwise.
 */
function progressReporter(io: CliIo, verb: string) {
  const width = Math.max(10, Math.min(40, (io.stdout.columns ?? 80) - 50));
  const tty = Boolean(io.stdout.isTTY);
  let drawn = false;
  return {
    update(done: number, total: number, item: string) {
      if (!tty || total === 0) return;
      const filled = Math.round((done / total) * width);
      const name = item.length > 30 ? `…${item.slice(-29)}` : item;
      io.stderr.write(`\r\x1b[K${verb} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${name}`);
      drawn = true;
    },
    line(outcome: Outcome, done: number, total: number) {
      if (tty) {
        this.update(done, total, outcome.target);
        return;
      }
      const what = outcome.outcome === 'refused' ? `refused: ${outcome.reason}` : outcome.outcome === 'added' ? 'added' : 'already there';
      io.stdout.write(`[${done}/${total}] ${outcome.target}: ${what}\n`);
    },
    finish() {
      if (drawn) io.stderr.write('\r\x1b[K');
    },
  };
}

/** The text form of find's answer. */
export function formatFind(result: FindResult): string {
  const lines = [result.summary, ''];
  const searched = `Searched ${plural(result.searched.sources, 'source').replace(/^\d+/, result.searched.sources.toLocaleString('en'))}, ${result.searched.characters.toLocaleString('en')} characters.`;
  result.results.forEach((place, i) => {
    lines.push(`${i + 1}. ${place.summary} (source ${place.sourceId}; ${Math.round(place.similarity * 100)}% of the words; ${place.rating})`);
    // the engine's verdict on this place, as every surface shows it
    lines.push(`   ${verdictText(place.comparison)}`);
    if (place.passage) lines.push(`   “${excerpt(place.passage.text, 200)}”`);
  });
  if (result.chimera) {
    lines.push('', 'A chimera, made of:');
    for (const part of result.chimera.parts) lines.push(`  “${excerpt(part.text, 120)}” from ${part.title} (source ${part.sourceId})`);
  }
  if (result.nearest && !result.found && !result.chimera && result.results.length === 0) {
    lines.push(`Nearest: ${result.nearest.title} (source ${result.nearest.sourceId}), ${Math.round(result.nearest.similarity * 100)}% alike: “${excerpt(result.nearest.passage.text, 200)}”`);
  }
  lines.push('', searched);
  return `${lines.join('\n')}\n`;
}

