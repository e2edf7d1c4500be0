/**
 * Input limits shared by every shell (CLI, API, forms), so each says the same thing.
 * Sizes are UTF-8 bytes, as the user's file or request body counts them.
 */
import { UserError } from './errors.js';
import { hasWords } from './core/text.js';

export const MAX_QUOTE_BYTES = 100 * 1024;
export const MAX_SOURCE_BYTES = 10 * 1024 * 1024;
/** An imported source's original file is kept beside its text up to this size, so its extraction can be redone. */
export const MAX_KEPT_ORIGINAL_BYTES = 5 * 1024 * 1024;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;
}

/**
 * Throws a UserError (400, or 413 when too large) naming what is wrong with a
 * quotation/source pair; returns nothing when the pair can be compared.
 */
export function checkComparePair(quote: unknown, source: unknown): asserts quote is string {
  if (typeof quote !== 'string') throw new UserError('The quotation must be text.');
  if (typeof source !== 'string') throw new UserError('The source must be text.');
  if (quote.trim() === '') throw new UserError('The quotation is empty.');
  if (source.trim() === '') throw new UserError('The source is empty.');
  const quoteBytes = Buffer.byteLength(quote, 'utf8');
  const sourceBytes = Buffer.byteLength(source, 'utf8');
  if (quoteBytes > MAX_QUOTE_BYTES) {
    throw new UserError(`The quotation is ${Math.ceil(quoteBytes / 1024)} KB; the limit is ${formatBytes(MAX_QUOTE_BYTES)}.`, 413);
  }
  if (sourceBytes > MAX_SOURCE_BYTES) {
    throw new UserError(`The source is ${(sourceBytes / (1024 * 1024)).toFixed(1)} MB; the limit is ${formatBytes(MAX_SOURCE_BYTES)}.`, 413);
  }
  if (!hasWords(quote)) {
    throw new UserError('The quotation has no words: only ellipses, brackets, punctuation or spaces.');
  }
  if (!hasWords(source)) throw new UserError('The source has no words.');
  if (quote.trim().length > source.trim().length) {
    throw new UserError('The quotation is longer than the source: paste the fuller text as the source.');
  }
}
