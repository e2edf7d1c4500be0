/**
 * Reads a file or an address into what the library keeps: its text, provenance, map of
 * places and (bounded) original bytes, and a title from the file name without its
 * extension when nothing better is known.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { MAX_SOURCE_BYTES } from '../limits.js';
import type { Provenance, WhereEntry } from './types.js';

/** The kinds of file a folder is searched for. */
export const LIBRARY_EXTENSIONS = new Set(['.txt', '.text']);

export interface ImportedSource {
  text: string;
  title: string;
  provenance: Provenance;
  where: WhereEntry[];
  original?: Uint8Array;
}

export function isAddress(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

/** A file's name without its folder and extension: "Notes on Virginia.txt" → "Notes on Virginia". */
export function titleFromFileName(name: string): string {
  const base = path.basename(name);
  const ext = path.extname(base);
  return (ext && ext !== base ? base.slice(0, -ext.length) : base).trim() || base;
}

export async function importForLibrary(target: string): Promise<ImportedSource> {
  if (isAddress(target)) throw new UserError('Adding an address needs the importer of web pages, which this Elision lacks.');
  let bytes: Buffer;
  try {
    const size = fs.statSync(target).size;
    if (size > MAX_SOURCE_BYTES * 4) throw new UserError(`The file is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_SOURCE_BYTES / 1024 / 1024} MB of text.`, 413);
    bytes = fs.readFileSync(target);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'it cannot be read');
  }
  return importBytesForLibrary(bytes, path.basename(target));
}

/** Reads uploaded or read bytes of a file called `fileName`. */
export async function importBytesForLibrary(bytes: Uint8Array, fileName: string): Promise<ImportedSource> {
  const ext = path.extname(fileName).toLowerCase();
  if (!LIBRARY_EXTENSIONS.has(ext)) throw new UserError(`A ${ext || 'file without an extension'} file cannot be read: use a .txt file.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError('The file is not UTF-8 text.');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new UserError('The file holds no text.');
  if (Buffer.byteLength(text, 'utf8') > MAX_SOURCE_BYTES) throw new UserError(`The text is over ${MAX_SOURCE_BYTES / 1024 / 1024} MB, the limit for a source.`, 413);
  return {
    text,
    title: titleFromFileName(fileName),
    provenance: {
      file: fileName,
      mediaType: 'text/plain',
      extractedBy: 'elision (UTF-8 text)',
      retrievedAt: new Date().toISOString(),
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
    where: [],
  };
}
