/**
 * A case: one source with one or more quotations of it, as the store keeps it and as
 * the cases API and the JSON export give it (the shape in docs/contract.md:
 * `{title, source: {text, citation}, quotations: [{text, quotedBy, note}], notes, tags}`).
 * All fields a user typed are plain text, except `notes` and `teacherNotes`, which are
 * Markdown rendered without raw HTML.
 */
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

export interface CaseInput {
  title: string;
  source: { text: string; citation: Citation };
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

/** What the web shell and the CLI need of the store (src/store implements it on SQLite). */
export interface CaseStore {
  /** the library of sources the cases point at (issue "The source library"); absent in small test stores */
  readonly library?: LibraryStore;
  list(filter?: CaseFilter): CaseSummary[];
  get(slug: string): Case | undefined;
  create(input: CaseInput, slug?: string): Case;
  update(slug: string, input: CaseInput): Case | undefined;
  delete(slug: string): boolean;
  close(): void;
  /**
   * Creates every case or none (one transaction): what an import of a JSON file needs.
   * A given slug is kept when free, else made unique. Optional so that small in-memory
   * stores in tests need not implement it; the SQLite store does.
   */
  createMany?(items: ReadonlyArray<{ input: CaseInput; slug?: string }>): Case[];
  /**
   * Brings the built-in cases (read from data/cases/) into the store in one transaction:
   * creates the missing ones, updates those whose files changed (`hash` differs), and
   * never touches a user's own case. Optional for the same reason as createMany.
   */
  syncBuiltIn?(items: ReadonlyArray<BuiltInCase>): BuiltInSyncResult[];
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
