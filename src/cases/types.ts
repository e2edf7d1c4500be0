/**
 * A case: one source with one or more quotations of it, as the store keeps it and as
 * the cases API and the JSON export give it (the shape in ../shared/CONTRACT.md:
 * `{title, source: {text, citation}, quotations: [{text, quotedBy, note}], notes, tags}`).
 * All fields a user typed are plain text, except `notes` and `teacherNotes`, which are
 * Markdown rendered without raw HTML.
 */

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
  list(filter?: CaseFilter): CaseSummary[];
  get(slug: string): Case | undefined;
  create(input: CaseInput, slug?: string): Case;
  update(slug: string, input: CaseInput): Case | undefined;
  delete(slug: string): boolean;
  close(): void;
}
