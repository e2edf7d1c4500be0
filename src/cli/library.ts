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
import { presentVerdict } from '../present/verdict.js';
import { openPostgresStore } from '../store/pg-open.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const LIBRARY_COMMANDS = new Set(['library', 'find']);

export function isLibraryCommand(command: string | undefined): boolean {
  return command !== undefined && LIBRARY_COMMANDS.has(command);
}

/** Where the commands write: standard output and error, and whether output is a terminal. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  isTty: boolean;
  /** terminal width, for the progress bar */
  columns?: number;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTty: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns,
    env: process.env,
  };
}

const USAGE = `Usage:
  elision library add PATH_OR_URL... [--author A] [--title T]
  elision library list [--format json]
  elision library reindex
  elision find QUOTE_FILE [--format text|json]

The database is ELISION_DATABASE_URL (PostgreSQL) when set, else ELISION_DB (default data/elision.db).`;

/** Runs a library command; resolves to the exit code. */
export async function runLibraryCommand(argv: string[], io: CliIo): Promise<number> {
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
      io.out(`${USAGE}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UserError(`Unknown format ${JSON.stringify(format)}: use text or json.`);
    const open = async (): Promise<LibraryStore> => {
      // PostgreSQL when ELISION_DATABASE_URL is set, as for the server; else the SQLite file
      const databaseUrl = io.env.ELISION_DATABASE_URL;
      store = databaseUrl
        ? await openPostgresStore(databaseUrl, { poolSize: 2, applicationName: 'elision-cli' }).catch((error: Error) => {
            throw new UserError(error.message);
          })
        : await openCaseStore(io.env.ELISION_DB || path.join(root, 'data', 'elision.db'));
      return store.library;
    };
    if (command === 'find') {
      if (rest.length !== 1) throw new UserError('find needs one file: find QUOTE_FILE (or "-" for standard input).');
      const quote = readQuote(rest[0]!);
      const result = await findInLibrary(await open(), quote);
      io.out(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatFind(result));
      return 0;
    }
    const [sub, ...targets] = rest;
    if (sub === 'add') {
      if (targets.length === 0) throw new UserError('library add needs at least one file, folder or address.');
      return await addAll(await open(), targets, { author: values.author, title: values.title }, io);
    }
    if (sub === 'list') {
      const sources = await (await open()).list();
      if (format === 'json') io.out(`${JSON.stringify(sources, null, 2)}\n`);
      else for (const s of sources) io.out(`${s.id}\t${s.title}${s.author ? ` (${s.author})` : ''}\t${s.characters.toLocaleString('en')} characters\n`);
      return 0;
    }
    if (sub === 'reindex') {
      const library = await open();
      const progress = progressReporter(io, 'Reindexing');
      const totals = await library.index.rebuild((done, total) => progress.update(done, total, ''));
      progress.finish();
      io.out(`Reindexed ${totals.sources.toLocaleString('en')} source${totals.sources === 1 ? '' : 's'}, ${totals.characters.toLocaleString('en')} characters.\n`);
      return 0;
    }
    throw new UserError(sub === undefined ? 'library needs a command: add, list or reindex.' : `Unknown library command ${JSON.stringify(sub)}: use add, list or reindex.`);
  } catch (err) {
    const message = err instanceof UserError
      ? err.message
      : (err as NodeJS.ErrnoException)?.code?.startsWith('ERR_PARSE_ARGS')
        ? `${(err as Error).message.split('\n')[0]} (see --help)`
        : `Internal error: ${(err as Error)?.message ?? String(err)}`;
    io.err(`elision: ${message.replace(/\s+/g, ' ')}\n`);
    return err instanceof UserError || (err as NodeJS.ErrnoException)?.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  } finally {
    await store?.close();
  }
}

function readQuote(file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : 'it cannot be read';
    throw new UserError(`Cannot read the quotation file ${JSON.stringify(file)}: ${reason}.`);
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new UserError(`The quotation file ${JSON.stringify(file)} is not UTF-8 text.`);
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
      stat = fs.statSync(target);
    } catch {
      outcomes.push({ target, outcome: 'refused', reason: 'no such file or folder' });
      continue;
    }
    if (stat.isDirectory()) items.push(...filesUnder(target));
    else items.push(target);
  }
  const progress = progressReporter(io, 'Adding');
  // addresses are fetched under the SSRF rules (ELISION_FETCH_ALLOW_PRIVATE=1 for an intranet)
  const importer = inProcessImporter(io.env);
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
  io.out(`Added ${count('added')}, already there ${count('already-there')}, refused ${refused.length}.\n`);
  for (const r of refused) io.out(`  refused ${r.target}: ${r.reason}\n`);
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
  const width = Math.max(10, Math.min(40, (io.columns ?? 80) - 50));
  let drawn = false;
  return {
    update(done: number, total: number, item: string) {
      if (!io.isTty || total === 0) return;
      const filled = Math.round((done / total) * width);
      const name = item.length > 30 ? `…${item.slice(-29)}` : item;
      io.err(`\r\x1b[K${verb} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${name}`);
      drawn = true;
    },
    line(outcome: Outcome, done: number, total: number) {
      if (io.isTty) {
        this.update(done, total, outcome.target);
        return;
      }
      const what = outcome.outcome === 'refused' ? `refused: ${outcome.reason}` : outcome.outcome === 'added' ? 'added' : 'already there';
      io.out(`[${done}/${total}] ${outcome.target}: ${what}\n`);
    },
    finish() {
      if (drawn) io.err('\r\x1b[K');
    },
  };
}

/** The text form of find's answer. */
export function formatFind(result: FindResult): string {
  const lines = [result.summary, ''];
  const searched = `Searched ${result.searched.sources.toLocaleString('en')} source${result.searched.sources === 1 ? '' : 's'}, ${result.searched.characters.toLocaleString('en')} characters.`;
  result.results.forEach((place, i) => {
    lines.push(`${i + 1}. ${place.summary} (source ${place.sourceId}; ${Math.round(place.similarity * 100)}% of the words; ${place.rating})`);
    // the engine's verdict on this place, as every surface shows it
    lines.push(`   ${presentVerdict(place.comparison).label}. ${place.comparison.verdict.summary}`);
    if (place.passage) lines.push(`   “${clip(place.passage.text, 200)}”`);
  });
  if (result.chimera) {
    lines.push('', 'A chimera, made of:');
    for (const part of result.chimera.parts) lines.push(`  “${clip(part.text, 120)}” from ${part.title} (source ${part.sourceId})`);
  }
  if (result.nearest && !result.found && !result.chimera && result.results.length === 0) {
    lines.push(`Nearest: ${result.nearest.title} (source ${result.nearest.sourceId}), ${Math.round(result.nearest.similarity * 100)}% alike: “${clip(result.nearest.passage.text, 200)}”`);
  }
  lines.push('', searched);
  return `${lines.join('\n')}\n`;
}

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1).trimEnd()}…`;
}
