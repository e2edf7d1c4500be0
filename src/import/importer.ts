/**
 * What the shells (API, forms, CLI) call to import a source: a file's bytes, or an
 * address fetched under the SSRF rules (src/import/fetch-source.ts), read in the import
 * worker (src/import/import-pool.ts) within its time budget.
 */
import { fetchSource, type FetchOptions } from './fetch-source.js';
import { ImportPool, sharedImportPool } from './import-pool.js';
import { RecentOriginals } from './originals.js';
import type { QuotingPage } from './quoting-page.js';
import type { ImportedSource, SourceInput } from './types.js';

export interface SourceImporter {
  importFile(input: SourceInput): Promise<ImportedSource>;
  importAddress(address: string): Promise<ImportedSource>;
  /** the quotations a quoting page presents, from its address or its file */
  quotingPage(from: { address: string } | SourceInput): Promise<QuotingPage>;
  /** the original files of recent imports, until a case is saved with their text */
  readonly originals: RecentOriginals;
}

/** The fetch rules from the environment: ELISION_FETCH_ALLOW_PRIVATE=1, ELISION_FETCH_TIMEOUT_MS. */
export function fetchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FetchOptions {
  const timeout = Number(env.ELISION_FETCH_TIMEOUT_MS);
  return {
    allowPrivate: env.ELISION_FETCH_ALLOW_PRIVATE === '1',
    ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
  };
}

export function createSourceImporter(options: { pool?: ImportPool; fetch?: FetchOptions; originals?: RecentOriginals } = {}): SourceImporter {
  const pool = options.pool ?? sharedImportPool();
  const fetchOptions = options.fetch ?? fetchOptionsFromEnv();
  const originals = options.originals ?? new RecentOriginals();
  // every import remembers its original, so a case saved with its text keeps it
  const read = async (input: SourceInput): Promise<ImportedSource> => {
    const imported = await pool.import(input);
    originals.remember(input.bytes, imported.provenance);
    return imported;
  };
  const fetchInput = async (address: string): Promise<SourceInput> => {
    const fetched = await fetchSource(address, fetchOptions);
    return { bytes: fetched.bytes, url: fetched.url, ...(fetched.mediaType ? { mediaType: fetched.mediaType } : {}) };
  };
  return {
    originals,
    importFile: read,
    importAddress: async (address) => read(await fetchInput(address)),
    quotingPage: async (from) => pool.passages('address' in from ? await fetchInput(from.address) : from),
  };
}
