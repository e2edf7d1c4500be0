/**
 * What the shells (API, forms, CLI) call to import a source: a file's bytes, or an
 * address fetched under the SSRF rules (src/import/fetch-source.ts), read in the import
 * worker (src/import/import-pool.ts) within its time budget.
 */
import { fetchSource, type FetchOptions } from './fetch-source.js';
import { ImportPool, sharedImportPool } from './import-pool.js';
import type { QuotingPage } from './quoting-page.js';
import type { ImportedSource, SourceInput } from './types.js';

export interface SourceImporter {
  importFile(input: SourceInput): Promise<ImportedSource>;
  importAddress(address: string): Promise<ImportedSource>;
  /** the quotations a quoting page presents, from its address or its file */
  quotingPage(from: { address: string } | SourceInput): Promise<QuotingPage>;
}

/** The fetch rules from the environment: ELISION_FETCH_ALLOW_PRIVATE=1, ELISION_FETCH_TIMEOUT_MS. */
export function fetchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FetchOptions {
  const timeout = Number(env.ELISION_FETCH_TIMEOUT_MS);
  return {
    allowPrivate: env.ELISION_FETCH_ALLOW_PRIVATE === '1',
    ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
  };
}

export function createSourceImporter(options: { pool?: ImportPool; fetch?: FetchOptions } = {}): SourceImporter {
  const pool = options.pool ?? sharedImportPool();
  const fetchOptions = options.fetch ?? fetchOptionsFromEnv();
  const fetchInput = async (address: string): Promise<SourceInput> => {
    const fetched = await fetchSource(address, fetchOptions);
    return { bytes: fetched.bytes, url: fetched.url, ...(fetched.mediaType ? { mediaType: fetched.mediaType } : {}) };
  };
  return {
    importFile: (input) => pool.import(input),
    importAddress: async (address) => pool.import(await fetchInput(address)),
    quotingPage: async (from) => pool.passages('address' in from ? await fetchInput(from.address) : from),
  };
}
