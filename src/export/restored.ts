/**
 * The restored quotation (plain text): the quotation as a careful critic would print it,
 * ready to paste into a reply, an article or a fact-check. It is the source's own span,
 * from the first to the last word the quotation reproduces, with every silent omission
 * put back, every marked cut shown uniformly as [...], editorial [brackets] kept, words
 * the quoter added without brackets now bracketed, and the citation below.
 *
 * Deliberately the original's wording: where the quotation altered a word, the source's
 * word returns (unless the quoter bracketed the change, which is an editor's right).
 */
import type { Segment, Span } from '../core/types.js';
import { formatChicago } from './citation.js';
import { PARAPHRASED_CUT_LABEL, paraphraseLine, plainVerdictLine, plural, quotedByLine } from '../present/index.js';
import type { CaseExportInput, ExportInput } from './types.js';

export const CUT_MARK = '[...]';

/** "[as the]", "as the", and a half-bracketed "as the]" all print as "[as the]". */
function bracketed(text: string): string {
  return `[${text.trim().replace(/^\[\s*/, '').replace(/\s*\]$/, '')}]`;
}

/**
 * The restored text alone, without quotation marks or citation; null when the
 * quotation was not found (there is no span to restore).
 */
export function restoreQuotation(input: Pick<ExportInput, 'comparison' | 'quote' | 'source'>): string | null {
  const { comparison, quote, source } = input;
  const span = comparison.span;
  if (!comparison.found || !span) return null;

  // Insertions have no source position: each rides after the source-bearing segment that
  // precedes it in reading order (or before the first one).
  type Located = { segment: Segment & { source: Span }; insertionsAfter: Segment[] };
  const located: Located[] = [];
  const leadingInsertions: Segment[] = [];
  for (const segment of comparison.segments) {
    if (segment.kind === 'insertion') {
      // A fragment the engine could not locate stands as an insertion; it is reported below, not restored.
      if (segment.fragment !== undefined && comparison.fragments[segment.fragment]?.found === false) continue;
      (located[located.length - 1]?.insertionsAfter ?? leadingInsertions).push(segment);
    } else if (segment.source && (segment.kind === 'match' || segment.kind === 'omission' || segment.kind === 'alteration')) {
      located.push({ segment: segment as Segment & { source: Span }, insertionsAfter: [] });
    }
  }
  located.sort((a, b) => a.segment.source.start - b.segment.source.start);

  const insertionText = (segment: Segment): string =>
    ` ${bracketed(segment.quote ? quote.slice(segment.quote.start, segment.quote.end) : '')} `;
  let out = leadingInsertions.map(insertionText).join('');
  let sourceCursor = span.start;
  for (const { segment, insertionsAfter } of located) {
    const start = Math.max(segment.source.start, sourceCursor);
    if (start > sourceCursor) out += source.slice(sourceCursor, start);
    const sourceText = source.slice(start, Math.max(start, segment.source.end));
    const quoteText = segment.quote ? quote.slice(segment.quote.start, segment.quote.end) : '';
    if (segment.kind === 'omission' && segment.marked) out += ` ${CUT_MARK} `;
    else if (segment.kind === 'alteration' && /\[[^\]]*\]/.test(quoteText)) out += quoteText;
    else out += sourceText;
    out += insertionsAfter.map(insertionText).join('');
    sourceCursor = Math.max(sourceCursor, segment.source.end);
  }
  if (span.end > sourceCursor) out += source.slice(sourceCursor, span.end);
  // The span ends at the last quoted word. When the quotation ends a sentence, the full stop
  // or closing quotation mark right after that word in the source ends the restored one too.
  const quoteEnd = quote.trimEnd();
  const endsWithEllipsis = comparison.ellipses.some((mark) => mark.end >= quoteEnd.length);
  if (/[.!?’”"')\]]$/.test(quoteEnd) && !endsWithEllipsis) {
    out += /^[.!?’”"')\]]*/u.exec(source.slice(Math.max(span.end, sourceCursor)))![0];
  }
  // Cut marks and insertions were padded with spaces on both sides; tidy the padding.
  return out
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+(?=\[)/g, '\n')
    .replace(/\[\.\.\.\](?: \[\.\.\.\])+/g, CUT_MARK)
    .replace(/\] ([,.;:!?])/g, ']$1')
    .trim();
}

function restoredBlock(input: ExportInput): string {
  const { comparison, quote } = input;
  const restored = restoreQuotation(input);
  const citation = formatChicago(input.citation);
  const verdictLine = plainVerdictLine(comparison);
  const lines: string[] = [];
  if (restored === null) {
    lines.push(`“${quote.trim()}”`);
    if (citation) lines.push(`— attributed to: ${citation}`);
    lines.push('', verdictLine, 'There is no original passage to restore.');
    return lines.join('\n');
  }
  lines.push(`“${restored}”`);
  if (citation) lines.push(`— ${citation}`);
  const { silentOmissions, markedOmissions } = comparison.stats;
  const alterations = comparison.segments.filter((s) => s.kind === 'alteration').length;
  const unbracketed = comparison.segments.filter(
    (s) => s.kind === 'insertion' && !s.editorial && (s.fragment === undefined || comparison.fragments[s.fragment]?.found !== false),
  ).length;
  const changes = [
    silentOmissions > 0 ? `${plural(silentOmissions, 'silent omission')} put back` : '',
    markedOmissions > 0 ? `${plural(markedOmissions, 'cut')} marked ${CUT_MARK}` : '',
    (comparison.stats.paraphrasedOmissions ?? 0) > 0 ? `${plural(comparison.stats.paraphrasedOmissions!, PARAPHRASED_CUT_LABEL, PARAPHRASED_CUT_LABEL.replace(/^cut/, 'cuts'))} marked ${CUT_MARK}` : '',
    alterations > 0 ? `${plural(alterations, 'altered word group')} returned to the source's wording` : '',
    unbracketed > 0 ? `${plural(unbracketed, 'unbracketed insertion')} now in brackets` : '',
    comparison.reordered ? "the quotation's fragments put back in the source's order" : '',
  ].filter(Boolean);
  const missing = comparison.fragments.filter((f) => !f.found).map((f) => `“${quote.slice(f.quote.start, f.quote.end).trim()}”`);
  const outcome = changes.length > 0 ? `: ${changes.join('; ')}` : missing.length > 0 ? '' : ': the quotation was already faithful';
  lines.push('', verdictLine, `Restored from the source by Elision${outcome}.`);
  if (missing.length > 0) lines.push(`Not found in the source, so not restored: ${missing.join('; ')}.`);
  const paraphrase = paraphraseLine(input);
  if (paraphrase) lines.push(paraphrase);
  return lines.join('\n');
}

/** One restored quotation with its citation, as plain text. */
export function renderRestored(input: ExportInput): string {
  return `${restoredBlock(input)}\n`;
}

/** Every quotation of a case restored, one after the other. */
export function renderCaseRestored(input: CaseExportInput): string {
  return `${input.items
    .map((item, i) => {
      const quotedBy = quotedByLine(item.quotedBy);
      return `Quotation ${i + 1} of ${input.items.length}${quotedBy ? `\n${quotedBy}` : ''}\n\n${restoredBlock(item)}`;
    })
    .join('\n\n\n')}\n`;
}
