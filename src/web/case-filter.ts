/**
 * The filters of GET /api/cases and GET /cases (`q`, `tag`, `author`), read from a query
 * string: each given once, as text, at most MAX_FILTER_LENGTH characters.
 */
import type { Request } from 'express';
import type { CaseFilter } from '../cases/types.js';
import { UserError } from '../errors.js';

/** Longest filter value accepted in a query string, in characters. */
export const MAX_FILTER_LENGTH = 500;

export function readFilter(query: Request['query']): CaseFilter {
  const filter: CaseFilter = {};
  for (const name of ['q', 'tag', 'author'] as const) {
    const value: unknown = query[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new UserError(`The filter "${name}" must be given once, as text.`);
    if (value.length > MAX_FILTER_LENGTH) {
      throw new UserError(`The filter "${name}" is ${value.length} characters long; the limit is ${MAX_FILTER_LENGTH}.`);
    }
    filter[name] = value;
  }
  return filter;
}
