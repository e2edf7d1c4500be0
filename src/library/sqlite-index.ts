/**
 * The library's search index on SQLite: a contentless FTS5 table (detail=none, so it
 * keeps which passage holds which term and nothing more) whose documents are passages
 * of the sources, each written as its hashed word pairs (src/library/shingles.ts), and
 * a small table from passage to source and offsets.
 *
 * A fragment's candidates: every pair of the fragment that is rare enough (held by at
 * most RARE_LIMIT passages) votes for the passages holding it, weighted by its rarity;
 * a passage and its neighbour in the same source count together, so a fragment across
 * a passage boundary is not split in two. Pairs too common to help are read only when
 * nothing rarer exists, and then together (an AND query). So a query reads a few
 * thousand postings at most, however large the library.
 *
 * The synchronous functions run inside the store's transactions (better-sqlite3 is
 * synchronous); SqliteSearchIndex wraps them in the asynchronous SearchIndex.
 */
import type Database from 'better-sqlite3';
import { chooseWindows, rankWindows, scoreCommonOnly, scorePostings, spread, usableTerms, type PassageScore } from './windows.js';
import type { CandidatePassage, FragmentQuery, LibraryTotals, SearchIndex } from './types.js';
import { passagesOf, shingleTerms } from './shingles.js';

/** A pair held by more passages than this is too common to pick candidates by. */
export const RARE_LIMIT = 1000;
/** Pairs of one fragment read at most (the rarest are not known in advance: take them spread out). */
export const MAX_TERMS_PER_FRAGMENT = 40;
/** Common pairs joined in the AND query when a fragment has no rare ones. */
export const MAX_AND_TERMS = 8;

export const INDEX_SCHEMA = `
  CREATE TABLE library_passages (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES library_sources(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
  );
  CREATE INDEX library_passages_by_source ON library_passages(source_id, id);
  CREATE VIRTUAL TABLE library_index USING fts5(terms, content='', contentless_delete=1, detail=none, tokenize='ascii');
`;

/** Indexes one source's passages (call inside a transaction); returns its number of words. */
export function indexSourceSync(db: Database.Database, sourceId: number, text: string): number {
  const insertPassage = db.prepare<[number, number, number]>('INSERT INTO library_passages (source_id, start, end) VALUES (?, ?, ?)');
  const insertTerms = db.prepare<[bigint | number, string]>('INSERT INTO library_index (rowid, terms) VALUES (?, ?)');
  const { passages, words } = passagesOf(text);
  for (const passage of passages) {
    const { lastInsertRowid } = insertPassage.run(sourceId, passage.start, passage.end);
    insertTerms.run(lastInsertRowid, passage.terms);
  }
  return words;
}

/** Removes one source's passages from the index (call inside a transaction). */
export function unindexSourceSync(db: Database.Database, sourceId: number): void {
  db.prepare('DELETE FROM library_index WHERE rowid IN (SELECT id FROM library_passages WHERE source_id = ?)').run(sourceId);
  db.prepare('DELETE FROM library_passages WHERE source_id = ?').run(sourceId);
}

interface PassageRow {
  id: number;
  source_id: number;
  start: number;
  end: number;
}

export class SqliteSearchIndex implements SearchIndex {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      postings: db.prepare<[string, number], number>('SELECT rowid FROM library_index WHERE library_index MATCH ? LIMIT ?').pluck(),
      passage: db.prepare<[number], PassageRow>('SELECT id, source_id, start, end FROM library_passages WHERE id = ?'),
      passageCount: db.prepare<[], number>('SELECT count(*) FROM library_passages').pluck(),
    };
  }

  async addSource(sourceId: number, text: string): Promise<void> {
    this.db.transaction(() => {
      indexSourceSync(this.db, sourceId, text);
    })();
  }

  async removeSource(sourceId: number): Promise<void> {
    this.db.transaction(() => unindexSourceSync(this.db, sourceId))();
  }

  async candidates(fragments: FragmentQuery[], perFragment: number): Promise<CandidatePassage[]> {
    return this.candidatesSync(fragments, perFragment);
  }

  candidatesSync(fragments: FragmentQuery[], perFragment: number): CandidatePassage[] {
    const total = Math.max(1, this.statements.passageCount.get() ?? 0);
    const results: CandidatePassage[] = [];
    for (const { fragment, keys } of fragments) {
      const terms = spread(shingleTerms(keys), MAX_TERMS_PER_FRAGMENT);
      if (terms.length === 0) continue;
      const scored = scorePostings(terms.map((term) => ({ term, ids: this.statements.postings.all(quoteTerm(term), RARE_LIMIT + 1) })), total, RARE_LIMIT);
      if (scored.scores.size === 0 && scored.common.length > 0) {
        // only common pairs: the passages that hold several of them at once
        const query = spread(scored.common, MAX_AND_TERMS).map(quoteTerm).join(' AND ');
        scoreCommonOnly(scored, this.statements.postings.all(query, perFragment * 4), MAX_AND_TERMS);
      }
      if (scored.scores.size === 0) continue;
      results.push(...this.bestWindows(fragment, scored.scores, perFragment, usableTerms(terms.length, scored, MAX_AND_TERMS), scored.weightTotal));
    }
    return results;
  }

  /** The best passages of one fragment, each joined with its better-scoring neighbour in the same source. */
  private bestWindows(fragment: number, scores: Map<number, PassageScore>, perFragment: number, usable: number, weightTotal: number): CandidatePassage[] {
    const passageAt = (id: number) => {
      const row = this.statements.passage.get(id);
      return row ? { sourceId: row.source_id, start: row.start, end: row.end } : undefined;
    };
    return chooseWindows(fragment, rankWindows(scores), scores, passageAt, { perFragment, usable, weightTotal });
  }

  async rebuild(onProgress?: (done: number, total: number) => void): Promise<LibraryTotals> {
    const ids = this.db.prepare<[], number>('SELECT id FROM library_sources ORDER BY id').pluck().all();
    const textOf = this.db.prepare<[number], string>('SELECT text FROM library_sources WHERE id = ?').pluck();
    let characters = 0;
    // one transaction: a rebuild that fails half-way leaves the old index as it was
    this.db.transaction(() => {
      this.db.exec("DELETE FROM library_passages; INSERT INTO library_index(library_index) VALUES('delete-all');");
      ids.forEach((id, done) => {
        const text = textOf.get(id) ?? '';
        characters += text.length;
        indexSourceSync(this.db, id, text);
        onProgress?.(done + 1, ids.length);
      });
      this.db.exec("INSERT INTO library_index(library_index) VALUES('optimize')");
    })();
    return { sources: ids.length, characters };
  }
}

function quoteTerm(term: string): string {
  return `"${term}"`;
}
