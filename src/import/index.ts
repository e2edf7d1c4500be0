/**
 * importSource: the one entry to every importer. Tells the format from the bytes first
 * (a PDF or ZIP signature, an XML root), then from the media type and the file name,
 * extracts the text with that format's library and adds the provenance every format
 * shares (size, SHA-256 of the original bytes, when). A shell: it hashes and reads the
 * clock, so it lives outside src/core.
 *
 * Bad input throws a UserError with one clear sentence: 400 for a type no importer
 * knows, 413 for a file over the source limit, 422 for a file of a known type that
 * cannot be read (a scanned or encrypted PDF, a corrupt file, a zip bomb).
 */
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { MAX_SOURCE_BYTES } from '../limits.js';
import { extractHtml } from './html.js';
import { charsetOf, extractText } from './text.js';
import type { Extracted, ImportedSource, SourceInput, SourceProvenance } from './types.js';

export type { ImportedSource, SourceInput, SourceProvenance, WhereEntry, Where } from './types.js';
export { whereAt, formatWhere } from './where.js';

/** The formats Elision reads. */
export type SourceFormat = 'text' | 'html' | 'pdf' | 'docx' | 'epub' | 'tei';

/** Largest original file or answer read: the source limit (a PDF's bytes are larger than its text, so the same cap is generous). */
export const MAX_IMPORT_BYTES = MAX_SOURCE_BYTES;

export interface ImportOptions {
  /** the clock for `retrievedAt` (tests fix it) */
  now?: () => Date;
  /** largest file accepted (default: the source limit, 10 MB) */
  maxBytes?: number;
}

const EXTENSIONS: Record<string, SourceFormat> = {
  txt: 'text', text: 'text', md: 'text',
  html: 'html', htm: 'html', xhtml: 'html',
  pdf: 'pdf', docx: 'docx', epub: 'epub', xml: 'tei', tei: 'tei',
};

function startsWith(bytes: Uint8Array, signature: string): boolean {
  for (let i = 0; i < signature.length; i++) if (bytes[i] !== signature.charCodeAt(i)) return false;
  return true;
}

/** The format of some bytes; throws a UserError (400) when it is none Elision reads. */
export function detectFormat(input: SourceInput): SourceFormat {
  const { bytes } = input;
  const what = input.fileName ? `The file "${input.fileName}"` : 'The source';
  const extension = input.fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  const mediaType = input.mediaType?.split(';')[0]?.trim().toLowerCase();
  if (startsWith(bytes, '%PDF-')) return 'pdf';
  if (startsWith(bytes, 'PK\u0003\u0004')) {
    // both are ZIP packages: EPUB names itself in its first entry, DOCX holds word/document.xml
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
    if (head.includes('mimetypeapplication/epub+zip') || extension === 'epub' || mediaType === 'application/epub+zip') return 'epub';
    return 'docx';
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048)).replace(/^\ufeff|^\xef\xbb\xbf/, '').trimStart();
  if (/<TEI[\s>]/.test(head) || /<teiCorpus[\s>]/.test(head)) return 'tei';
  if (/^<!doctype html|^<html[\s>]/i.test(head) || mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return 'html';
  if (extension && EXTENSIONS[extension]) return EXTENSIONS[extension] as SourceFormat;
  if (mediaType === 'application/pdf') throw new UserError(`${what} says it is a PDF but is not one.`, 422);
  if (mediaType && /^text\//.test(mediaType)) return 'text';
  if (mediaType === 'application/xml' || mediaType === 'text/xml') return 'tei';
  if (mediaType === undefined || mediaType === 'application/octet-stream') return 'text';
  throw new UserError(`${what} is of a type Elision cannot read (${mediaType}): use a .txt, .html, .pdf, .docx, .epub or TEI .xml file.`);
}

type Extractor = (input: SourceInput, what: string) => Extracted | Promise<Extracted>;

const extractors: Record<SourceFormat, Extractor> = {
  text: (input, what) => extractText(input.bytes, charsetOf(input.mediaType), what),
  html: (input) => extractHtml(input.bytes, charsetOf(input.mediaType)),
  pdf: async (input, what) => (await import('./pdf.js')).extractPdf(input.bytes, what),
  docx: async (input, what) => (await import('./docx.js')).extractDocx(input.bytes, what),
  epub: async (input, what) => (await import('./epub.js')).extractEpub(input.bytes, what),
  tei: async (input, what) => (await import('./tei.js')).extractTei(input.bytes, what),
};

/** The text of a source file or answer, with its provenance and its map of pages, chapters or headings. */
export async function importSource(input: SourceInput, options: ImportOptions = {}): Promise<ImportedSource> {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
  const what = input.fileName ? `The file "${input.fileName}"` : input.url ? `The page at ${input.url}` : 'The source';
  if (input.bytes.length === 0) throw new UserError(`${what} is empty.`);
  if (input.bytes.length > maxBytes) {
    throw new UserError(`${what} is ${(input.bytes.length / (1024 * 1024)).toFixed(1)} MB; the limit is ${Math.round(maxBytes / (1024 * 1024))} MB.`, 413);
  }
  const format = detectFormat(input);
  const extracted = await extractors[format](input, what);
  if (extracted.text.trim() === '') throw new UserError(`${what} holds no text Elision could read.`, 422);
  if (Buffer.byteLength(extracted.text, 'utf8') > MAX_SOURCE_BYTES) {
    throw new UserError(`The text of ${what.replace(/^The /, 'the ')} is over the source limit of ${MAX_SOURCE_BYTES / (1024 * 1024)} MB.`, 413);
  }
  const provenance: SourceProvenance = {
    ...(input.url ? { url: input.url } : {}),
    ...(input.fileName && !input.url ? { file: input.fileName } : {}),
    mediaType: extracted.mediaType,
    extractedBy: extracted.extractedBy,
    retrievedAt: (options.now?.() ?? new Date()).toISOString(),
    bytes: input.bytes.length,
    sha256: createHash('sha256').update(input.bytes).digest('hex'),
    ...extracted.details,
  };
  return { text: extracted.text, provenance, where: extracted.where };
}
