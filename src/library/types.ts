/**
 * The library of sources: every source text once (keyed by the SHA-256 of its text),
 * with a citation and provenance, shared by the cases that quote it and searched by
 * `find` through a SearchIndex. SQLite implements both (src/library/sqlite-*.ts); any
 * other store (PostgreSQL) implements the same asynchronous interfaces.
 */
import type { Citation } from '../cases/types.js';
import type { SourceProvenance, WhereEntry } from '../import/types.js';

/** Where an imported source came from (src/import/types.ts: address or file, media type, extractor, time, size, SHA-256 of the bytes). */
export type Provenance = Partial<SourceProvenance> & Record<string, unknown>;

export type { WhereEntry };

export interface SourceInput {
  text: string;
  /** shown in lists; from the citation's work, else the file name without its extension */
  title: string;
  citation?: Citation;
  provenance?: Provenance;
  where?: WhereEntry[];
  /** the original file, kept when at most MAX_ORIGINAL_BYTES so an extraction can be redone */
  original?: Uint8Array;
}

/** How a source came in: added to the library itself, or brought by a case. */
export type SourceOrigin = 'library' | 'case';

export interface SourceSummary {
  id: number;
  title: string;
  author?: string;
  characters: number;
  words: number;
  /** SHA-256 of the text, hex */
  sha256: string;
  origin: SourceOrigin;
  /** cases whose source this is */
  caseCount: number;
  addedAt: string;
}

export interface LibrarySource extends SourceSummary {
  text: string;
  citation: Citation;
  provenance: Provenance;
  where: WhereEntry[];
  /** bytes of the original file kept, 0 when none */
  originalBytes: number;
}

export interface SourceFilter {
  /** words of the title or the citation */
  q?: string;
  author?: string;
}

export interface AddOutcome {
  outcome: 'added' | 'already-there';
  source: SourceSummary;
}

/** A case that quotes a source, with its quotations' texts (for the source's page). */
export interface QuotingCase {
  slug: string;
  title: string;
  quotations: Array<{ text: string; quotedBy?: string }>;
}

export interface LibraryTotals {
  sources: number;
  characters: number;
}

/**
 * A fragment of a quotation as the index sees it: its folded word keys in order
 * (src/library/shingles.ts makes them), and its index among the quotation's fragments.
 */
export interface FragmentQuery {
  fragment: number;
  keys: string[];
}

/** A stretch of one source where a fragment may stand, with how strongly the index thinks so. */
export interface CandidatePassage {
  fragment: number;
  sourceId: number;
  /** offsets into the source's text */
  start: number;
  end: number;
  /** larger is likelier; comparable within one fragment only */
  score: number;
  /** share of the fragment's shingles found in the passage, 0..1 */
  coverage: number;
}

/**
 * The search index behind `find`: passages of every source, found by the rare word
 * shingles a fragment holds. Never the engine: it only proposes where to look.
 */
export interface SearchIndex {
  addSource(sourceId: number, text: string): Promise<void>;
  removeSource(sourceId: number): Promise<void>;
  /** the best few passages for each fragment, best first within each fragment */
  candidates(fragments: FragmentQuery[], perFragment: number): Promise<CandidatePassage[]>;
  /** drops the whole index and builds it again from the sources' texts */
  rebuild(onProgress?: (done: number, total: number) => void): Promise<LibraryTotals>;
}

export interface LibraryStore {
  readonly index: SearchIndex;
  /** adds a source in one transaction (text, row and index), or reports it already there */
  add(input: SourceInput): Promise<AddOutcome>;
  get(id: number): Promise<LibrarySource | undefined>;
  /** the source's text only, or a stretch of it */
  text(id: number, start?: number, end?: number): Promise<string | undefined>;
  /** the source's map from offsets to pages, chapters or headings ([] when none) */
  whereMap(id: number): Promise<WhereEntry[]>;
  /** the original file kept beside the source's text, undefined when none is kept */
  original(id: number): Promise<Uint8Array | undefined>;
  list(filter?: SourceFilter): Promise<SourceSummary[]>;
  /** every author named in a source's citation, for the library's filter */
  authors(): Promise<string[]>;
  totals(): Promise<LibraryTotals>;
  casesQuoting(id: number): Promise<QuotingCase[]>;
  /** removes a source no case quotes; false when absent, an error when a case still quotes it */
  remove(id: number): Promise<boolean>;
}
