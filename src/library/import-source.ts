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
import { fetchSource } from '../import/fetch-source.js';
import { fetchOptionsFromEnv } from '../import/importer.js';
import { keepsOriginal } from '../import/originals.js';
import type { ImportedSource, SourceInput } from '../import/types.js';
import type { Provenance, WhereEntry } from './types.js';

/** The kinds of file a folder is searched for (a file named outright may be of any kind the importers tell). */
export const LIBRARY_EXTENSIONS = new Set(['.txt', '.text', '.md', '.html', '.htm', '.xhtml', '.pdf', '.docx', '.epub', '.xml', '.tei']);

// the one bound on kept originals, shared with the originals a case keeps (src/import/originals.ts)
export { MAX_KEPT_ORIGINAL_BYTES } from '../import/originals.js';

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

/** What reads files and addresses: the shared import worker on the server, in process for the CLI. */
export interface LibraryImporter {
  importFile(input: SourceInput): Promise<ImportedSource>;
  importAddress(address: string): Promise<ImportedSource>;
}

/** Reads in this process (the CLI, which has nothing else to serve), fetching under the SSRF rules. */
export function inProcessImporter(env: NodeJS.ProcessEnv = process.env): LibraryImporter {
  return {
    importFile: (input) => importSource(input),
    importAddress: async (address) => {
      const fetched = await fetchSource(address, fetchOptionsFromEnv(env));
      return importSource({ bytes: fetched.bytes, url: fetched.url, ...(fetched.mediaType ? { mediaType: fetched.mediaType } : {}) });
    },
  };
}

export async function importForLibrary(target: string, importer: LibraryImporter = inProcessImporter()): Promise<ImportedForLibrary> {
  if (isAddress(target)) {
    const imported = await importer.importAddress(target);
    return forLibrary(imported, titleFromAddress(imported.provenance.url ?? target));
  }
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
  return importBytesForLibrary(bytes, path.basename(target), importer);
}

/** Reads the bytes of a file called `fileName` (read from disk or uploaded). */
export async function importBytesForLibrary(bytes: Uint8Array, fileName: string, importer: LibraryImporter = inProcessImporter()): Promise<ImportedForLibrary> {
  const imported = await importer.importFile({ bytes, fileName });
  const keep = keepsOriginal(imported.provenance, bytes.byteLength);
  return forLibrary(imported, titleFromFileName(fileName), keep ? bytes : undefined);
}

function forLibrary(imported: ImportedSource, fallbackTitle: string, original?: Uint8Array): ImportedForLibrary {
  const { provenance } = imported;
  return {
    text: imported.text,
    title: provenance.title?.trim() || fallbackTitle,
    ...(provenance.author?.trim() ? { author: provenance.author.trim() } : {}),
    provenance: provenance as Provenance,
    where: imported.where,
    ...(original ? { original } : {}),
  };
}

/** An address's last path segment without its extension, else its host: "https://x.org/a/Walden.html" → "Walden". */
export function titleFromAddress(address: string): string {
  try {
    const url = new URL(address);
    const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
    return (last && titleFromFileName(last)) || url.hostname;
  } catch {
    return address;
  }
}
