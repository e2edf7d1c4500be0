/**
 * Every export format, registered once with its media type and file extension, so the
 * web routes, the download buttons and the CLI ask one table. Format names are the ones
 * docs/contract.md fixes for `GET /cases/:slug/export?format=F`.
 *
 * Deliberately no PDF here: a PDF is the HTML export printed by a browser, which is I/O
 * (src/web/routes/exports.ts does it), not a pure Comparison → string function.
 */
import { renderCaseClaimReview, renderClaimReview } from './claim-review.js';
import { renderCaseCsv, renderCsv } from './csv.js';
import { renderCaseHtml, renderHtml } from './html.js';
import { renderCaseJson, renderJson } from './json.js';
import { renderCaseMarkdown, renderMarkdown } from './markdown.js';
import { renderCaseRestored, renderRestored } from './restored.js';
import { renderCaseTei, renderTei } from './tei.js';
import type { Exporter } from './types.js';
import { renderCaseWebAnnotation, renderWebAnnotation } from './web-annotation.js';

export const exporters: readonly Exporter[] = [
  { format: 'html', label: 'HTML page', mediaType: 'text/html; charset=utf-8', extension: 'html', render: renderHtml, renderCase: renderCaseHtml },
  { format: 'md', label: 'Markdown', mediaType: 'text/markdown; charset=utf-8', extension: 'md', render: renderMarkdown, renderCase: renderCaseMarkdown },
  { format: 'json', label: 'JSON', mediaType: 'application/json; charset=utf-8', extension: 'json', render: renderJson, renderCase: renderCaseJson },
  { format: 'tei', label: 'TEI XML', mediaType: 'application/tei+xml; charset=utf-8', extension: 'xml', render: renderTei, renderCase: renderCaseTei },
  {
    format: 'jsonld',
    label: 'Web Annotation',
    mediaType: 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
    extension: 'jsonld',
    render: renderWebAnnotation,
    renderCase: renderCaseWebAnnotation,
  },
  { format: 'csv', label: 'CSV', mediaType: 'text/csv; charset=utf-8; header=present', extension: 'csv', render: renderCsv, renderCase: renderCaseCsv },
  {
    format: 'claimreview',
    label: 'ClaimReview',
    mediaType: 'application/ld+json; charset=utf-8',
    extension: 'claimreview.jsonld',
    render: renderClaimReview,
    renderCase: renderCaseClaimReview,
  },
  {
    format: 'restored',
    label: 'Restored quotation',
    mediaType: 'text/plain; charset=utf-8',
    extension: 'txt',
    render: renderRestored,
    renderCase: renderCaseRestored,
  },
];

/** The exporter for a format name (case-sensitive, as in URLs); undefined when there is none. */
export function findExporter(format: string): Exporter | undefined {
  return exporters.find((exporter) => exporter.format === format);
}

/** The format names, in the registry's order, for help texts and error messages. */
export const exportFormats: readonly string[] = exporters.map((exporter) => exporter.format);
