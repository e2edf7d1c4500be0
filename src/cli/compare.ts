/**
 * `elision compare QUOTE_FILE SOURCE [--format F] [--context N | --context-words N]`
 *
 * Prints one comparison on standard output and exits 0, found or not. Bad input prints
 * one line on standard error and exits 2, with nothing on standard output: the output is
 * written only once the comparison is whole.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Citation } from '../cases/types.js';
import { compare } from '../core/compare.js';
import type { Comparison, CompareOptions } from '../core/types.js';
import { UserError } from '../errors.js';
import { exportFormats, findExporter } from '../export/registry.js';
import { fetchSource } from '../import/fetch-source.js';
import { fetchOptionsFromEnv } from '../import/importer.js';
import type { ImportedSource } from '../import/types.js';
import { citationAt, formatWhere, withWhere } from '../import/where.js';
import { checkComparePair } from '../limits.js';
import { countsLine, describeProvenance, paraphraseLine, PLAIN_READING_LEGEND, plainReading, plainVerdictLine, readThrough, type PlainStyle } from '../present/index.js';
import { decodeUtf8, readBytes, readText, type CliIo } from './io.js';

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

export function compareUsage(): string {
  return USAGE.replace('{formats}', extraFormats.join(', '));
}

const OPTIONS = {
  format: { type: 'string', default: 'text' },
  context: { type: 'string' },
  'context-words': { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCount(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value)) throw new UserError(`--${name} takes a whole number from 0 to 9999, not ${JSON.stringify(value)}.`);
  return Number(value);
}

/** Runs `compare` (argv starts with the command's name); throws a UserError on bad input. */
export async function runCompare(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (values.help) {
    io.stdout.write(`${compareUsage()}\n`);
    return 0;
  }
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

  const quote = await readText(io, quoteFile, 'quotation');
  const { source, imported } = await readSource(io, sourceFile);
  checkComparePair(quote, source);
  const comparison = withWhere(compare(quote, source, options), imported?.where);

  let output: string;
  if (format === 'json') output = `${JSON.stringify(comparison, null, 2)}\n`;
  else if (format === 'text') {
    const color = values['no-color'] ? false : values.color ?? Boolean(io.stdout.isTTY);
    output = formatText(comparison, quote, source, color);
    if (imported) output += describeImported(imported, comparison.where);
  } else {
    const citation = citationAt(imported ? citationFromProvenance(imported) : undefined, comparison.where);
    const rendered = findExporter(format)!.render({ comparison, quote, source, ...(citation ? { citation } : {}) });
    output = rendered.endsWith('\n') ? rendered : `${rendered}\n`;
  }
  io.stdout.write(output);
  return 0;
}

const IMPORTED_EXTENSIONS = /\.(html?|xhtml|pdf|docx|epub|xml|tei)$/i;

/**
 * The source's text: UTF-8 plain text as it is; an address, a file of another format or
 * a text file in another encoding imported first (its page, chapter or heading then reported).
 */
async function readSource(io: CliIo, sourceFile: string): Promise<{ source: string; imported?: ImportedSource }> {
  if (/^https?:\/\//i.test(sourceFile)) {
    const fetched = await fetchSource(sourceFile, fetchOptionsFromEnv(io.env ?? {}));
    return withImported(await importBytes({ bytes: fetched.bytes, url: fetched.url, ...(fetched.mediaType ? { mediaType: fetched.mediaType } : {}) }));
  }
  const bytes = await readBytes(io, sourceFile, 'source');
  const text = IMPORTED_EXTENSIONS.test(sourceFile) && sourceFile !== '-' ? undefined : decodeUtf8(bytes);
  if (text !== undefined) return { source: text };
  if (sourceFile === '-') throw new UserError('The source file "-" is not UTF-8 text.');
  return withImported(await importBytes({ bytes: new Uint8Array(bytes), fileName: path.basename(sourceFile) }));
}

function withImported(imported: ImportedSource): { source: string; imported: ImportedSource } {
  return { source: imported.text, imported };
}

async function importBytes(input: Parameters<typeof import('../import/index.js').importSource>[0]): Promise<ImportedSource> {
  // loaded only when a source needs it: plain text comparisons start as fast as before
  const { importSource } = await import('../import/index.js');
  return importSource(input);
}

/** Where the quotation stands in an imported source, and its provenance as every surface words it. */
function describeImported(imported: ImportedSource, where: Comparison['where']): string {
  const p = imported.provenance;
  const at = formatWhere(where);
  const provenance = describeProvenance(p);
  return `\nSource: ${p.url ?? p.file ?? 'standard input'}${at ? `, ${at}` : ''}\n${provenance ? `  ${provenance}\n` : ''}`;
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

/** Terminal colours for the reading's marked pieces. */
const STYLES: Record<PlainStyle, readonly [string, string]> = {
  omittedSilent: ['\x1b[1;41;97m', '\x1b[0m'],
  omittedMarked: ['\x1b[2;9m', '\x1b[0m'],
  inserted: ['\x1b[4;34m', '\x1b[0m'],
  altered: ['\x1b[1;33m', '\x1b[0m'],
  context: ['\x1b[2m', '\x1b[0m'],
  paraphrase: ['\x1b[3m', '\x1b[0m'],
};

/**
 * The readable terminal form: the source passage read through with what the quotation
 * left out, added and altered shown inline (src/present's plain reading), then the
 * engine's verdict, the counts, the findings and cues.
 */
export function formatText(comparison: Comparison, quote: string, source: string, color: boolean): string {
  const paint = color ? (style: PlainStyle, text: string) => `${STYLES[style][0]}${text}${STYLES[style][1]}` : undefined;
  const lines = [
    plainReading(readThrough({ comparison, quote, source }), paint),
    '',
    plainVerdictLine(comparison),
    countsLine(comparison),
    // a quotation in pieces: the words around its quoted pieces are the writer's, not quoted
    ...[paraphraseLine({ comparison, quote })].filter(Boolean),
    ...comparison.notes.map((note) => `- ${note.message}`),
    ...comparison.cues.map((cue) => `- ${cue.message}`),
  ];
  if (!color) lines.push('', PLAIN_READING_LEGEND);
  return `${lines.join('\n')}\n`;
}
