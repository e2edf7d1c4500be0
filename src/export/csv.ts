/**
 * The CSV export: one row per segment of the comparison, in reading order — which
 * quotation and segment (0-based, as the JSON export indexes them), kind, the
 * quoted text, the source text, their UTF-16 offsets (as the contract counts them), and
 * whether an omission was marked or an insertion or alteration editorial, and on every row the
 * engine's verdict for the whole comparison (its rating and summary). A quotation in pieces adds,
 * after its segments, one row of kind `paraphrase` (no segment index: it belongs to no segment)
 * for each stretch of the writer's own words around its quoted pieces, with `paraphrased` true;
 * `paraphrased` is also true on the omission between two quoted pieces. RFC 4180: comma-separated,
 * CRLF line ends, fields quoted when they hold a comma, quote or line break.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR before one) as a
 * formula, so a text cell starting with any of them gets a leading apostrophe. The
 * file deliberately has no byte-order mark: RFC 4180 has none, and the media type says UTF-8.
 */
import type { CaseExportInput, ExportInput } from './types.js';

export const CSV_HEADER = [
  'quotation index',
  'segment index',
  'kind',
  'quoted text',
  'source text',
  'quote start',
  'quote end',
  'source start',
  'source end',
  'marked',
  'editorial',
  'rating',
  'summary',
  'paraphrased',
] as const;

/** A cell of user text, defused against formula injection. */
export function defuseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One RFC 4180 field: quoted when it must be, inner quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function row(cells: string[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function rowsOf(input: ExportInput, quotationIndex: number): string {
  const { comparison, quote, source } = input;
  return comparison.segments
    .map((segment, i) => {
      const flag = (value: boolean | undefined, applies: boolean): string => (applies ? String(value === true) : '');
      return row([
        String(quotationIndex),
        String(i),
        segment.kind,
        defuseFormula(segment.quote ? quote.slice(segment.quote.start, segment.quote.end) : ''),
        defuseFormula(segment.source ? source.slice(segment.source.start, segment.source.end) : ''),
        segment.quote ? String(segment.quote.start) : '',
        segment.quote ? String(segment.quote.end) : '',
        segment.source ? String(segment.source.start) : '',
        segment.source ? String(segment.source.end) : '',
        flag(segment.marked, segment.kind === 'omission'),
        flag(segment.editorial, segment.kind === 'insertion' || segment.kind === 'alteration'),
        comparison.verdict.rating,
        defuseFormula(comparison.verdict.summary),
        flag(segment.paraphrased, segment.kind === 'omission'),
      ]);
    })
    .join('') + (comparison.paraphrase ?? []).map((span) => row([
    String(quotationIndex),
    '',
    'paraphrase',
    defuseFormula(quote.slice(span.start, span.end)),
    '',
    String(span.start),
    String(span.end),
    '',
    '',
    '',
    '',
    comparison.verdict.rating,
    defuseFormula(comparison.verdict.summary),
    'true',
  ])).join('');
}

/** One comparison: the header, then a row per segment. Indexes are 0-based, as in the JSON export and the URL. */
export function renderCsv(input: ExportInput): string {
  return row([...CSV_HEADER]) + rowsOf(input, input.quotationIndex ?? 0);
}

/** Every quotation of a case: one header, then each quotation's rows. */
export function renderCaseCsv(input: CaseExportInput): string {
  return row([...CSV_HEADER]) + input.items.map((item, i) => rowsOf(item, item.quotationIndex ?? i)).join('');
}
