/**
 * What every command of the CLI reads and writes, passed in rather than taken from
 * `process`, so the whole CLI runs as a function: src/cli.ts's entry point hands it the
 * real streams, tests hand it strings they can read back.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

/** An output stream: `process.stdout` is one, and so is a test's string collector. */
export interface CliOutput {
  write(text: string): unknown;
  /** a terminal: colour and progress bars */
  isTTY?: boolean;
  /** the terminal's width, for the progress bar */
  columns?: number;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** what a file named "-" reads: `process.stdin`, or a test's bytes; absent, "-" is refused */
  stdin?: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
  /** settings (ELISION_DB, ELISION_DATABASE_URL, ELISION_FETCH_ALLOW_PRIVATE…); absent, none */
  env?: Readonly<Record<string, string | undefined>>;
  /** the folder relative file names are read from; absent, the process's own */
  cwd?: string;
}

/** A file name as the commands open it: relative to `io.cwd` when one is given. */
export function resolveIn(io: CliIo, file: string): string {
  return io.cwd ? path.resolve(io.cwd, file) : file;
}

/** All of standard input as bytes; a clear error when there is none to read. */
export async function readStdin(io: CliIo): Promise<Uint8Array> {
  if (!io.stdin) throw new UserError('There is no standard input to read "-" from.');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** "elision: …" on one line, as every command reports bad input. */
export function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}

/** The exit code and one-line message for an error a command did not expect to succeed past. */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof UserError) return { message: oneLine(err.message), exitCode: err.exitCode };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    return { message: `${oneLine((err as Error).message.split('\n')[0]!)} (see --help)`, exitCode: 2 };
  }
  return { message: `Internal error: ${oneLine((err as Error)?.message ?? String(err))}`, exitCode: 1 };
}

/** The bytes of a file, or of standard input for "-"; a clear one-line error when it cannot be read. */
export async function readBytes(io: CliIo, file: string, what: string): Promise<Uint8Array> {
  if (file === '-') return readStdin(io);
  try {
    return await readFile(resolveIn(io, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : 'it cannot be read';
    throw new UserError(`Cannot read the ${what} file ${JSON.stringify(file)}: ${reason}.`);
  }
}

/** Strict UTF-8, or undefined when the bytes are not; a leading BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A file (or standard input for "-") read as strict UTF-8 text. */
export async function readText(io: CliIo, file: string, what: string): Promise<string> {
  const text = decodeUtf8(await readBytes(io, file, what));
  if (text === undefined) throw new UserError(`The ${what} file ${JSON.stringify(file)} is not UTF-8 text.`);
  return text;
}
