/**
 * A case as JSON: the contract's case shape (`title, source {text, citation},
 * quotations, notes, tags`) with its slug first and the extras after, in a fixed key
 * order so files diff well. The API, the case download and the JSON export all give it.
 */
import type { Case } from './types.js';

export function toCaseJson(c: Case) {
  return {
    slug: c.slug,
    title: c.title,
    source: {
      text: c.source.text,
      citation: c.source.citation,
      // an imported source's provenance and offset map: only when it has them, so other cases' JSON is unchanged
      ...(c.source.provenance ? { provenance: c.source.provenance } : {}),
      ...(c.source.where && c.source.where.length > 0 ? { where: c.source.where } : {}),
      // whether the imported source's original file is kept beside it; the bytes themselves are
      // never in the JSON, but at GET /cases/:slug/source/original (import them again with PUT /api/cases/:slug/source/original)
      ...(c.source.provenance
        ? { original: c.source.originalBytes ? { kept: true, bytes: c.source.originalBytes, href: `/cases/${encodeURIComponent(c.slug)}/source/original` } : { kept: false } }
        : {}),
    },
    quotations: c.quotations.map((q) => ({ text: q.text, quotedBy: q.quotedBy ?? {}, note: q.note ?? '' })),
    notes: c.notes ?? '',
    tags: c.tags ?? [],
    questions: c.questions ?? [],
    teacherNotes: c.teacherNotes ?? '',
    builtIn: c.builtIn,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
