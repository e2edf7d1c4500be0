/**
 * A CaseStore kept in a Map, for HTTP tests of middleware that need an app but not a
 * database (security headers, rate limits, logins). Tests of storing use the real
 * SQLite store (src/store/case-store.ts).
 */
import type { Case, CaseInput, CaseStore, CaseSummary } from '../../src/cases/types.js';

export function memoryStore(): CaseStore {
  const cases = new Map<string, Case>();
  const summary = (c: Case): CaseSummary => ({
    slug: c.slug,
    title: c.title,
    builtIn: c.builtIn,
    tags: c.tags ?? [],
    sourceAuthor: c.source.citation.author,
    quotedBy: c.quotations.map((q) => q.quotedBy?.author ?? '').filter(Boolean),
    quotationCount: c.quotations.length,
    updatedAt: c.updatedAt,
  });
  return {
    list: () => [...cases.values()].map(summary),
    get: (slug) => cases.get(slug),
    create(input: CaseInput, slug = `case-${cases.size + 1}`) {
      const now = new Date().toISOString();
      const created: Case = { ...input, slug, builtIn: false, createdAt: now, updatedAt: now };
      cases.set(slug, created);
      return created;
    },
    update(slug, input) {
      const old = cases.get(slug);
      if (!old) return undefined;
      const updated: Case = { ...old, ...input, updatedAt: new Date().toISOString() };
      cases.set(slug, updated);
      return updated;
    },
    delete: (slug) => cases.delete(slug),
    close: () => undefined,
  };
}
