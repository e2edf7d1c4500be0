/**
 * Reads a file (or an address) into what the library keeps, through the importers of
 * src/import (text in any encoding, HTML, PDF, DOCX, EPUB, TEI): its text, provenance,
 * map of places, the original bytes (bounded, and not for plain text, which is its own
 * original), and a title: the document's own, else the file name without its extension.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { importSource, MAX_IMPORT_BYTES } from '../import/index.js';
import type { Provenance, WhereEntry } from './types.js';

/** The kinds of file a folder is searched for (a file named outright may be of any kind the importers tell). */
export const LIBRARY_EXTENSIONS = new Set(['.txt', '.text', '.md', '.html', '.htm', '.xhtml', '.pdf', '.docx', '.epub', '.xml', '.tei']);

/** Originals are kept beside their text up to this size, so an extraction can be redone. */
export const MAX_KEPT_ORIGINAL_BYTES = 5 * 1024 * 1024;

export interface ImportedForLibrary {
  text: string;
  title: string;
  author?: string;
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

export async function importForLibrary(target: string): Promise<ImportedForLibrary> {
  if (isAddress(target)) throw new UserError('Adding an address needs the importer of web pages, which this Elision lacks.');
  let bytes: Buffer;
  try {
    const size = fs.statSync(target).size;
    if (size > MAX_IMPORT_BYTES) {
      throw new UserError(`The file is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${Math.round(MAX_IMPORT_BYTES / 1024 / 1024)} MB.`, 413);
    }
    bytes = fs.readFileSync(target);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'it cannot be read');
  }
  return importBytesForLibrary(bytes, path.basename(target));
}

/** Reads the bytes of a file called `fileName` (read from disk or uploaded). */
export async function importBytesForLibrary(bytes: Uint8Array, fileName: string, url?: string): Promise<ImportedForLibrary> {
  const imported = await importSource({ bytes, fileName, ...(url ? { url } : {}) });
  const { provenance } = imported;
  const keep = provenance.mediaType !== 'text/plain' && bytes.byteLength <= MAX_KEPT_ORIGINAL_BYTES;
  return {
    text: imported.text,
    title: provenance.title?.trim() || titleFromFileName(fileName),
    ...(provenance.author?.trim() ? { author: provenance.author.trim() } : {}),
    provenance: provenance as Provenance,
    where: imported.where,
    ...(keep ? { original: bytes } : {}),
  };
}
