/**
 * The command line: a thin shell over compare() and the exporters.
 *
 *   npm run --silent cli -- compare QUOTE_FILE SOURCE_FILE [--format text|json|FORMAT] [--context N | --context-words N]
 *
 * Prints one comparison on standard output and exits 0, found or not. Bad input prints
 * one line on standard error and exits 2, with nothing on standard output.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compare } from './core/compare.js';
import type { Comparison, CompareOptions, Segment } from './core/types.js';
import type { Citation } from './cases/types.js';
import { UserError } from './errors.js';
import { exportFormats, findExporter } from './export/registry.js';
import { checkComparePair } from './limits.js';
import { isLibraryCommand, processIo, runLibraryCommand } from './cli/library.js';
import { countsLine, presentVerdict } from './present/index.js';
import { fetchSource } from './import/fetch-source.js';
import { fetchOptionsFromEnv } from './import/importer.js';
import type { ImportedSource } from './import/types.js';
import { citationAt, formatWhere, withWhere } from './import/where.js';

const USAGE = `Usage: elision compare QUOTE_FILE SOURCE [options]

Compares a quotation (as printed, with its ellipses and [brackets]) with its source.
Either file may be "-" for standard input. SOURCE may be a .txt, .html, .pdf, .docx,
.epub or TEI .xml file, or an http(s) address (fetched under the address rules; set
ELISION_FETCH_ALLOW_PRIVATE=1 to allow private addresses).

Options:
  --format F          text (default), json (the comparison contract), or an export:
                      ${'{formats}'}
  --context N         sentences of context each side (default 2)
  --context-words N   words of context each side, instead of sentences
  --color / --no-color  colour the text format (default: when standard output is a terminal)
  -h, --help          this help`;

const extraFormats = exportFormats.filter((f) => f !== 'json' && f !== 'text');

function usage(): string {
  return USAGE.replace('{formats}', extraFormats.join(', '));
}

/** Reads a file (or standard input for "-") as strict UTF-8; a leading BOM is dropped. */
function readText(file: string, what: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : 'it cannot be read';
    throw new UserError(`Cannot read the ${what} file ${JSON.stringify(file)}: ${reason}.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`The ${what} file ${JSON.stringify(file)} is not UTF-8 text.`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseCount(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value)) throw new UserError(`--${name} takes a whole number from 0 to 9999, not ${JSON.stringify(value)}.`);
  return Number(value);
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const OPTIONS = {
  format: { type: 'string', default: 'text' },
  context: { type: 'string' },
  'context-words': { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A source that needs an importer: an address, or a file other than UTF-8 plain text. */
export function sourceNeedsImport(sourceFile: string): boolean {
  if (sourceFile === '-') return false;
  if (/^https?:\/\//i.test(sourceFile)) return true;
  if (/\.(html?|xhtml|pdf|docx|epub|xml|tei)$/i.test(sourceFile)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(sourceFile));
    return false;
  } catch {
    // unreadable files are reported by runCli; text in another encoding goes to the importer
    return existsSync(sourceFile) && !statSync(sourceFile).isDirectory();
  }
}

/** Imports a source file or address for the CLI (in this process: the CLI runs one comparison). */
export async function importForCli(sourceFile: string, env: NodeJS.ProcessEnv = process.env): Promise<ImportedSource> {
  // loaded only when a source needs it: plain text comparisons start as fast as before
  const { importSource } = await import('./import/index.js');
  if (/^https?:\/\//i.test(sourceFile)) {
    const fetched = await fetchSource(sourceFile, fetchOptionsFromEnv(env));
    return importSource({ bytes: fetched.bytes, url: fetched.url, ...(fetched.mediaType ? { mediaType: fetched.mediaType } : {}) });
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(sourceFile);
  } catch {
    throw new UserError(`Cannot read the source file ${JSON.stringify(sourceFile)}.`);
  }
  return importSource({ bytes: new Uint8Array(bytes), fileName: path.basename(sourceFile) });
}

/**
 * The CLI with imported sources: a source that is an address or a file of another
 * format is imported first, then compared like a pasted one; its page, chapter or
 * heading is reported.
 */
export async function runCliAsync(argv: string[], isTty = false): Promise<CliResult> {
  let sourceFile: string | undefined;
  try {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    sourceFile = positionals[0] === 'compare' && positionals.length === 3 ? positionals[2] : undefined;
  } catch {
    sourceFile = undefined; // runCli reports the bad arguments
  }
  if (sourceFile === undefined || !sourceNeedsImport(sourceFile)) return runCli(argv, isTty);
  try {
    return runCli(argv, isTty, await importForCli(sourceFile));
  } catch (err) {
    if (err instanceof UserError) return { stdout: '', stderr: `elision: ${err.message.replace(/\s+/g, ' ')}\n`, exitCode: err.exitCode };
    return { stdout: '', stderr: `elision: Internal error: ${(err as Error)?.message ?? String(err)}\n`, exitCode: 1 };
  }
}

/** Runs the CLI on arguments; returns what it would print (so tests need no process). `imported`: the source, already imported. */
export function runCli(argv: string[], isTty = false, imported?: ImportedSource): CliResult {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
    if (values.help) return { stdout: `${usage()}\n`, stderr: '', exitCode: 0 };
    const [command, quoteFile, sourceFile, ...extra] = positionals;
    if (command !== 'compare') {
      throw new UserError(command === undefined ? 'Missing command: try "elision compare QUOTE_FILE SOURCE_FILE" (or --help).' : `Unknown command ${JSON.stringify(command)}: the commands are "compare", "find" and "library".`);
    }
    if (quoteFile === undefined || sourceFile === undefined) throw new UserError('compare needs two files: QUOTE_FILE SOURCE_FILE.');
    if (extra.length > 0) throw new UserError(`Unexpected argument ${JSON.stringify(extra[0])}: compare takes two files.`);
    if (quoteFile === '-' && sourceFile === '-') throw new UserError('Only one of the two files can be "-" (standard input).');
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json' && !findExporter(format)) {
      throw new UserError(`Unknown format ${JSON.stringify(format)}: use text, json, ${extraFormats.join(', ')}.`);
    }
    const options: CompareOptions = {};
    const contextSentences = parseCount(values.context, 'context');
    const contextWords = parseCount(values['context-words'], 'context-words');
    if (contextSentences !== undefined) options.contextSentences = contextSentences;
    if (contextWords !== undefined) options.contextWords = contextWords;

    const quote = readText(quoteFile, 'quotation');
    const source = imported ? imported.text : readText(sourceFile, 'source');
    checkComparePair(quote, source);
    const comparison = withWhere(compare(quote, source, options), imported?.where);

    let output: string;
    if (format === 'json') output = `${JSON.stringify(comparison, null, 2)}\n`;
    else if (format === 'text') {
      const color = values['no-color'] ? false : values.color ?? isTty;
      output = formatText(comparison, quote, source, color);
      if (imported) output += describeImported(imported, comparison.where);
    } else {
      const citation = citationAt(imported ? citationFromProvenance(imported) : undefined, comparison.where);
      const rendered = findExporter(format)!.render({ comparison, quote, source, ...(citation ? { citation } : {}) });
      output = rendered.endsWith('\n') ? rendered : `${rendered}\n`;
    }
    return { stdout: output, stderr: '', exitCode: 0 };
  } catch (err) {
    const message = err instanceof UserError
      ? err.message
      : err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
        ? `${err.message.split('\n')[0]} (see --help)`
        : `Internal error: ${(err as Error)?.message ?? String(err)}`;
    return { stdout: '', stderr: `elision: ${message.replace(/\s+/g, ' ')}\n`, exitCode: err instanceof UserError || (err as NodeJS.ErrnoException)?.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1 };
  }
}

/** What the importer kept, under the text format's findings. */
function describeImported(imported: ImportedSource, where: Comparison['where']): string {
  const p = imported.provenance;
  const at = formatWhere(where);
  const lines = [
    '',
    `Source: ${p.url ?? p.file ?? 'standard input'}${at ? `, ${at}` : ''}`,
    `  ${p.mediaType}, ${p.bytes} bytes, sha256 ${p.sha256}, read by ${p.extractedBy}${p.encoding ? ` (${p.encoding})` : ''}${p.gutenberg ? '; Project Gutenberg licence set aside' : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A citation from what an imported file says of itself (title, author, address). */
function citationFromProvenance(imported: ImportedSource): Citation | undefined {
  const p = imported.provenance;
  const citation: Citation = {
    ...(p.author ? { author: p.author } : {}),
    ...(p.title ? { work: p.title } : {}),
    ...(p.url ? { url: p.url } : {}),
  };
  return Object.keys(citation).length > 0 ? citation : undefined;
}

const STYLES = {
  omittedSilent: ['\x1b[1;41;97m', '\x1b[0m'],
  omittedMarked: ['\x1b[2;9m', '\x1b[0m'],
  inserted: ['\x1b[4;34m', '\x1b[0m'],
  altered: ['\x1b[1;33m', '\x1b[0m'],
  context: ['\x1b[2m', '\x1b[0m'],
} as const;

/**
 * The readable terminal form: the source passage read through, with what the quotation
 * left out shown inline ([-…-] marked, {-…-} silent), what it added ({+…+}) and altered
 * ([~quoted~ for original]), then the engine's verdict, the counts, the findings and cues.
 */
export function formatText(comparison: Comparison, quote: string, source: string, color: boolean): string {
  const paint = (style: keyof typeof STYLES, text: string) => (color ? `${STYLES[style][0]}${text}${STYLES[style][1]}` : text);
  const flat = (text: string) => text.replace(/\s+/g, ' ');
  const parts: string[] = [];
  const pieceOf = (segment: Segment): string => {
    const quoted = segment.quote ? flat(quote.slice(segment.quote.start, segment.quote.end)) : '';
    const original = segment.source ? flat(source.slice(segment.source.start, segment.source.end)) : '';
    switch (segment.kind) {
      case 'context-before':
      case 'context-after':
        return paint('context', original);
      case 'match':
        return original;
      case 'omission':
        return segment.marked ? paint('omittedMarked', `[-${original.trim()}-] `) : paint('omittedSilent', `{-${original.trim()}-} `);
      case 'insertion':
        return paint('inserted', `{+${quoted.trim()}+} `);
      case 'alteration':
        return paint('altered', `[~${quoted.trim()}~ for ${original.trim()}] `);
    }
  };
  for (const segment of comparison.segments) parts.push(pieceOf(segment));
  const verdict = presentVerdict(comparison);
  const lines = [
    parts.join(' ').replace(/ {2,}/g, ' ').trim(),
    '',
    `Verdict: ${verdict.label}. ${verdict.summary}`,
    countsLine(comparison),
    ...comparison.notes.map((note) => `- ${note.message}`),
    ...comparison.cues.map((cue) => `- ${cue.message}`),
  ];
  if (!color) lines.push('', 'Legend: [-marked omission-] {-silent omission-} {+insertion+} [~altered~ for original]');
  return `${lines.join('\n')}\n`;
}

// Run when executed directly (not when imported by tests).
const runDirectly = Boolean(process.argv[1]) && import.meta.url === new URL(`file://${process.argv[1]}`).href;
// library and find (src/cli/library.ts) are asynchronous and print progress as they go
if (runDirectly && isLibraryCommand(process.argv[2])) process.exitCode = await runLibraryCommand(process.argv.slice(2), processIo());
else if (runDirectly) {
  const result =
    process.argv[2] === 'migrate-store'
      ? await (await import('./cli/migrate-store.js')).runMigrateStore(process.argv.slice(3))
      : await runCliAsync(process.argv.slice(2), Boolean(process.stdout.isTTY));
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}
