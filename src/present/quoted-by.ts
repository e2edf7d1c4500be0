/**
 * Who printed a quotation, as one line every surface shows the same way:
 * `Quoted by A in W, date, page, URL.` Absent or empty → "".
 */
import type { QuotedBy } from '../cases/types.js';

function clean(value: string | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

export function quotedByLine(quotedBy: QuotedBy | undefined): string {
  if (!quotedBy) return '';
  const author = clean(quotedBy.author);
  const work = clean(quotedBy.work);
  const rest = [clean(quotedBy.date), clean(quotedBy.page), clean(quotedBy.url)].filter(Boolean);
  if (!author && !work && rest.length === 0) return '';
  let line = 'Quoted';
  if (author) line += ` by ${author}`;
  if (work) line += ` in ${work}`;
  if (rest.length > 0) line += `${author || work ? ',' : ':'} ${rest.join(', ')}`;
  return /[.?!]$/.test(line) ? line : `${line}.`;
}

/** A quotation's short name in lists and lanes: who printed it, else "Quotation N" (1-based). */
export function quotationLabel(quotedBy: QuotedBy | undefined, index: number): string {
  return clean(quotedBy?.author) || `Quotation ${index + 1}`;
}
