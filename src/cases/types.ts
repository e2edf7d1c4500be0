/**
 * A case: one source with one or more quotations of it, as the store keeps it and as
 * the cases API and the JSON export give it (the shape in docs/contract.md:
 * `{title, source: {text, citation}, quotations: [{text, quotedBy, note}], notes, tags}`).
 * All fields a user typed are plain text, except `notes` and `teacherNotes`, which are
 * Markdown rendered without raw HTML.
 */
import type { SourceProvenance, WhereEntry } from '../import/types.js';
import type { LibraryStore } from '../library/types.js';

export interface Citation {
  author?: string;
  work?: string;
  /** the book, journal or site the work appears in */
  container?: string;
  year?: string;
  edition?: string;
  publisher?: string;
  place?: string;
  /** page or section */
  page?: string;
  url?: string;
  /** BCP 47 tag, e.g. "en", "ru" */
  language?: string;
  /** e.g. "reconstructed from the two quotations" */
  note?: string;
}

/** Who printed a quotation, where and when. */
export interface QuotedBy {
  author?: string;
  work?: string;
  date?: string;
  url?: string;
  page?: string;
}

export interface Quotation {
  text: string;
  quotedBy?: QuotedBy;
  note?: string;
}

/**
 * A case's source. `provenance` and `where` come with an imported source (the shape
 * POST /api/sources answers, src/import/types.ts); they are kept with the source's
 * text in the library, so every case quoting the same text shares them.
 */
export interface CaseSource {
  text: string;
  citation: Citation;
  provenance?: Partial<SourceProvenance>;
  /** offsets of the text → page, chapter or heading, sorted by start */
  where?: WhereEntry[];
  /**
   * Written only: the original file the text was extracted from, kept beside the text in
   * the library (bounded: src/import/originals.ts) so the extraction can be redone.
   * Never read back with the case (its bytes are served by GET /cases/:slug/source/original).
   */
  originalFile?: Uint8Array;
  /** Read only: the size of the original file kept with the source; absent when none is kept */
  originalBytes?: number;
}

export interface CaseInput {
  title: string;
  source: CaseSource;
  quotations: Quotation[];
  /** Markdown */
  notes?: string;
  tags?: string[];
  /** discussion questions for class */
  questions?: string[];
  /** Markdown; shown on the teacher's sheet, never in the student's exercise view */
  teacherNotes?: string;
}

export interface Case extends CaseInput {
  slug: string;
  /** imported from data/cases/ at start */
  builtIn: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CaseSummary {
  slug: string;
  title: string;
  builtIn: boolean;
  tags: string[];
  sourceAuthor?: string;
  quotedBy: string[];
  quotationCount: number;
  updatedAt: string;
}

export interface CaseFilter {
  /** free text, matched against title, texts, citation and notes */
  q?: string;
  tag?: string;
  author?: string;
}

/**
 * What the web shell needs of the store. Every method is asynchronous, so a store may
 * sit on a server (PostgreSQL) as well as in a file (SQLite, src/store/case-store.ts,
 * synchronous underneath). Every write is one transaction: a whole case or nothing.
 * A store that cannot get its lock in time rejects with a UserError 503 (Retry-After),
 * never with a raw driver error.
 */
export interface CaseStore {
  /** the library of sources the cases point at (src/library) */
  readonly library: LibraryStore;
  list(filter?: CaseFilter): Promise<CaseSummary[]>;
  get(slug: string): Promise<Case | undefined>;
  /** A given slug is kept, or refused with a UserError 409 when taken; none: made from the title. */
  create(input: CaseInput, slug?: string, options?: WriteOptions): Promise<Case>;
  /** Replaces the whole case; undefined when there is none. A built-in case edited becomes the user's. */
  update(slug: string, input: CaseInput, options?: WriteOptions): Promise<Case | undefined>;
  /** False when there was none. A deleted built-in case is remembered, so it is not imported again. */
  delete(slug: string, options?: WriteOptions): Promise<boolean>;
  /**
   * Creates every case or none (one transaction): what an import of a JSON file needs.
   * A given slug is kept when free, else made unique.
   */
  createMany(items: ReadonlyArray<{ input: CaseInput; slug?: string }>, options?: WriteOptions): Promise<Case[]>;
  /**
   * Brings the built-in cases (read from data/cases/) into the store in one transaction:
   * creates the missing ones, updates those whose files changed (`hash` differs), and
   * never touches a user's own case nor brings back one the user deleted.
   */
  syncBuiltIn(items: ReadonlyArray<BuiltInCase>): Promise<BuiltInSyncResult[]>;
  /** The original file kept with the case's source (src/import/originals.ts), with its provenance; undefined when none is kept. */
  sourceOriginal(slug: string): Promise<SourceOriginal | undefined>;
  close(): Promise<void>;
}

/** An imported source's original file, as kept beside its text. */
export interface SourceOriginal {
  bytes: Uint8Array;
  provenance: Partial<SourceProvenance>;
}

/**
 * What a write of the web shell passes along: the request's AbortSignal, which the store
 * checks inside the transaction that writes (after taking its lock), rejecting with a
 * WriteAbortedError and changing nothing once it has fired. So a request answered 503
 * by its time budget, or left by its client, never stores anything afterwards.
 */
export interface WriteOptions {
  signal?: AbortSignal;
}

/** One built-in case as read from its folder, with a hash of what was read. */
export interface BuiltInCase {
  slug: string;
  input: CaseInput;
  /** changes whenever any of the case's files changes */
  hash: string;
}

export interface BuiltInSyncResult {
  slug: string;
  outcome:
    | 'created'
    | 'updated'
    | 'unchanged'
    /** a user's own case holds the slug (or the user edited the built-in case): left alone */
    | 'kept-user-case'
    /** the user deleted this built-in case: not brought back */
    | 'dismissed';
}
