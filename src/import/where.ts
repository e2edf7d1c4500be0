/**
 * Where an offset of an imported source stands: the page, chapter or heading of the
 * entry of its `where` map that covers it. Pure, so every surface (API, page, citation,
 * exports) can ask it of a comparison's span.
 */
import type { Citation } from '../cases/types.js';
import type { Comparison } from '../core/types.js';
import type { Where, WhereEntry } from './types.js';

/** The entry covering `offset` (the last one starting at or before it), without its `start`; undefined when none does. */
export function whereAt(map: readonly WhereEntry[] | undefined, offset: number): Where | undefined {
  if (!map || map.length === 0) return undefined;
  // binary search: a 1,000-page PDF has 1,000 entries and an export asks for many spans
  let low = 0;
  let high = map.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((map[mid] as WhereEntry).start <= offset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  if (found < 0) return undefined;
  const { start: _start, ...where } = map[found] as WhereEntry;
  return Object.keys(where).length > 0 ? where : undefined;
}

/** "p. 74", "ch. The Street", "§ Early life": a where as a citation prints it. */
export function formatWhere(where: Where | undefined): string | undefined {
  if (!where) return undefined;
  if (where.page !== undefined) return `p. ${where.page}`;
  // a title that names itself a chapter ("Chapter VI", "BOOK II") needs no "ch." before it
  if (where.chapter !== undefined) return /^(chapter|ch\.|book|part|letter)\b/i.test(where.chapter) ? where.chapter : `ch. “${where.chapter}”`;
  if (where.heading !== undefined) return `§ “${where.heading}”`;
  return undefined;
}

/** The comparison with `where` set for its span's start, when the source has a map and the quotation was found. */
export function withWhere<C extends Comparison>(comparison: C, map: readonly WhereEntry[] | undefined): C {
  if (!comparison.span || !map || map.length === 0) return comparison;
  const where = whereAt(map, comparison.span.start);
  return where ? { ...comparison, where } : comparison;
}

/**
 * The citation with the page (or chapter, or heading) the quotation stands at, when it
 * names none itself: so every citation and export says "p. 74" without asking the user.
 */
export function citationAt(citation: Citation | undefined, where: Where | undefined): Citation | undefined {
  // Chicago notes print a page as its bare number ("74"); chapters and headings keep their words
  const at = where?.page !== undefined ? String(where.page) : formatWhere(where);
  if (!at || citation?.page) return citation;
  return { ...(citation ?? {}), page: at };
}
