/**
 * An imported source: the text Elision compares, where it came from, and a map from its
 * offsets to the pages, chapters or headings of the original, so a located quotation can
 * say "p. 74" or "ch. VI".
 *
 * These shapes are shared by the importers (src/import/), the API and CLI that call them,
 * and the store that keeps imported sources beside their cases.
 */

import type { SourceLocation } from '../core/types.js';

/** What `importSource` is given: the original bytes and whatever is known about them. */
export interface SourceInput {
  bytes: Uint8Array;
  /** the file's name as the user had it (its extension helps tell the format) */
  fileName?: string;
  /** the declared media type, e.g. an HTTP Content-Type ("text/plain; charset=koi8-r") */
  mediaType?: string;
  /** the address the bytes were fetched from (after redirects) */
  url?: string;
}

/** Where an imported source came from and how its text was made. */
export interface SourceProvenance {
  /** the address it was fetched from (the final one, after redirects); absent for a file */
  url?: string;
  /** the file name it was uploaded or read as; absent for an address */
  file?: string;
  /** the format the importer read it as: "application/pdf", "text/html", "application/epub+zip", ... */
  mediaType: string;
  /** the library (and version) that extracted the text, e.g. "pdfjs-dist 5.6.205" */
  extractedBy: string;
  /** when the bytes were read or fetched (ISO 8601) */
  retrievedAt: string;
  /** size of the original bytes */
  bytes: number;
  /** SHA-256 of the original bytes, lower-case hex */
  sha256: string;
  /** the character encoding a text file was read in ("windows-1252", "koi8-r", "utf-8") */
  encoding?: string;
  /** the document's own title (HTML <title>, EPUB or PDF metadata, TEI titleStmt), when it has one */
  title?: string;
  /** the author the document names in its metadata, when it does */
  author?: string;
  /** a Project Gutenberg file's licence header and footer, set aside from the text */
  gutenberg?: { header: string; footer: string };
  /** notes set apart from the text (TEI <note>s), in document order */
  notes?: string[];
  /** pages of a PDF, chapters of an EPUB */
  pages?: number;
  chapters?: number;
}

/**
 * One entry of a source's map: from offset `start` in the text (UTF-16 code units, as
 * every Span counts) until the next entry's start, the text stands on this page, in this
 * chapter or under this heading. Entries are sorted by `start`.
 */
export interface WhereEntry extends SourceLocation {
  start: number;
  /** PDF: the printed page label when the PDF has page labels ("xiv", "74"), else the page's number */
  page?: number | string;
  /** EPUB: the chapter's title (from the navigation document or NCX) */
  chapter?: string;
  /** HTML, TEI, DOCX: the nearest heading above */
  heading?: string;
}

/** What a comparison's JSON carries for its span's start: `{"page": 74}`, `{"chapter": "The Street"}`, `{"heading": "…"}`. */
export type Where = SourceLocation;

export interface ImportedSource {
  /** the text as Elision compares it: paragraphs separated by a blank line */
  text: string;
  provenance: SourceProvenance;
  where: WhereEntry[];
}

/** What one format's importer returns; importSource adds the provenance every format shares. */
export interface Extracted {
  text: string;
  where: WhereEntry[];
  /** the media type actually read */
  mediaType: string;
  extractedBy: string;
  /** format-specific provenance (encoding, title, Gutenberg header, notes, pages...) */
  details?: Partial<SourceProvenance>;
}
