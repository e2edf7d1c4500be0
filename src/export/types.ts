/**
 * What every exporter takes and what it is: the one vocabulary the registry, the web
 * routes and the CLI share. An exporter turns a Comparison (plus, when there is one,
 * its case) into a string; it does no I/O and never recomputes the comparison, so
 * every format says exactly what the engine said (CollateX's "one intermediate").
 */
import type { Comparison } from '../core/types.js';
import type { Case, Citation, QuotedBy } from '../cases/types.js';
import type { SourceProvenance } from '../import/types.js';

/** One quotation compared with its source: everything a single export needs. */
export interface ExportInput {
  comparison: Comparison;
  /** the quotation exactly as given: `comparison`'s quote spans index it */
  quote: string;
  /** the source exactly as given: `comparison`'s source spans index it */
  source: string;
  title?: string;
  /** the source's citation */
  citation?: Citation;
  /** who printed the quotation */
  quotedBy?: QuotedBy;
  /** a note on this quotation (plain text) */
  note?: string;
  /** where an imported source came from (file or address, media type, extractor, size, SHA-256, when) */
  provenance?: Partial<SourceProvenance>;
  /** the case the quotation belongs to, when it comes from the store */
  case?: Case;
  /** 0-based index of the quotation within `case.quotations` */
  quotationIndex?: number;
}

/**
 * A whole case with every quotation compared (the `quotation=all` address): one item
 * per quotation, in the case's order, each a complete ExportInput of its own.
 */
export interface CaseExportInput {
  case: Case;
  items: ExportInput[];
}

export interface Exporter {
  /** the name in URLs and on the command line (`format=tei`, `--format tei`) */
  format: string;
  /** what a download button says */
  label: string;
  /** the Content-Type to serve it with */
  mediaType: string;
  /** file name extension, without the dot */
  extension: string;
  /** one quotation */
  render(input: ExportInput): string;
  /** every quotation of a case in one file */
  renderCase(input: CaseExportInput): string;
}
