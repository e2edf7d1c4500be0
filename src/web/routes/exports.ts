/**
 * The export addresses: GET /cases/:slug/export?format=F&quotation=N (N 0-based, or
 * `all` for every quotation of the case in one file) as docs/contract.md fixes it,
 * and POST /compare/export for a pasted pair (form fields quote, source, format, and the
 * optional author, work, year, page, url, quotedBy, context). Every format comes from
 * the export registry; `format=pdf` prints the HTML export with headless Chromium.
 *
 * Deliberately thin: it reads and checks the request, compares in the compare pool (src/web/case-comparisons.ts), asks the
 * registry, and answers an attachment with a safe file name. Bad input is a 400 naming
 * what is wrong; an unknown case a 404; no Chromium for a PDF a 501.
 */
import { Router, type Response } from 'express';
import type { CompareOptions } from '../../core/types.js';
import type { Case, Citation, QuotedBy } from '../../cases/types.js';
import { UserError } from '../../errors.js';
import { checkComparePair } from '../../limits.js';
import { caseExportInput, exportInputForQuotation } from '../../export/case-input.js';
import { renderPdf } from '../../export/pdf.js';
import { exportFormats, findExporter } from '../../export/registry.js';
import type { CaseExportInput, ExportInput, Exporter } from '../../export/types.js';
import { setExportContentSecurityPolicy } from '../security.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';
import { parseProvenance, parseWhereMap } from '../../import/describe.js';
import { citationAt, withWhere } from '../../import/where.js';
import { caseCompareOptions, compareCaseForExport } from '../case-comparisons.js';
import { jobContext } from '../request-signal.js';

/** Sentences of context each side, as the pages' control allows. */
const MAX_CONTEXT_SENTENCES = 10;
const ALL_FORMATS = [...exportFormats, 'pdf'];

type Format = { exporter: Exporter; pdf: boolean };

function readFormat(value: unknown): Format {
  if (value === undefined || value === '') {
    throw new UserError(`Say which format to export: format=${ALL_FORMATS.join(', ')}.`);
  }
  if (typeof value !== 'string') throw new UserError('Give one format, e.g. format=html.');
  if (value === 'pdf') return { exporter: findExporter('html')!, pdf: true };
  const exporter = findExporter(value);
  if (!exporter) {
    throw new UserError(`There is no export format "${value.slice(0, 40)}"; use one of ${ALL_FORMATS.join(', ')}.`);
  }
  return { exporter, pdf: false };
}

function readContext(value: unknown): CompareOptions {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'string' || !/^\d{1,2}$/.test(value) || Number(value) > MAX_CONTEXT_SENTENCES) {
    throw new UserError(`context must be a whole number of sentences from 0 to ${MAX_CONTEXT_SENTENCES}.`);
  }
  return { contextSentences: Number(value) };
}

/** `quotation`: a 0-based index into the case's quotations, or "all"; absent means 0. */
function readQuotation(value: unknown, found: Case): number | 'all' {
  const count = found.quotations.length;
  if (count === 0) throw new UserError('This case has no quotations to export.');
  if (value === undefined || value === '') return 0;
  if (value === 'all') return 'all';
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) {
    throw new UserError(`quotation must be a number from 0 to ${count - 1} (counting from 0), or "all".`);
  }
  const index = Number(value);
  if (index >= count) {
    throw new UserError(
      `This case has ${count} quotation${count === 1 ? '' : 's'}, so quotation=${index} does not exist: use 0${count > 1 ? ` to ${count - 1}` : ''}, or "all".`,
    );
  }
  return index;
}

/** Lower-case letters, digits and hyphens only: nothing a header or a file system could misread. */
export function safeFileStem(text: string): string {
  const stem = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return stem || 'elision';
}

async function send(res: Response, format: Format, stem: string, render: () => string): Promise<void> {
  const output = render();
  if (format.pdf) {
    const pdf = await renderPdf(output);
    res.setHeader('Content-Disposition', `attachment; filename="${stem}.pdf"`);
    res.type('application/pdf').send(pdf);
    return;
  }
  const { exporter } = format;
  if (exporter.format === 'html') setExportContentSecurityPolicy(res);
  res.setHeader('Content-Disposition', `attachment; filename="${stem}.${exporter.extension}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.type(exporter.mediaType).send(output);
}

function isWebAddress(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new UserError(`The form field "${name}" must be text.`);
  return value;
}

export function exportsRouter({ store, pool, guards }: RouteDeps): Router {
  const router = Router(ROUTER_OPTIONS);
  // a PDF starts a headless browser: counted like the API; the other formats are pages
  const limitPdf = guards.limitRateWhen((req) => req.query.format === 'pdf');

  router.get('/cases/:slug/export', limitPdf, async (req, res) => {
    const format = readFormat(req.query.format);
    const options = readContext(req.query.context);
    const slug = req.params.slug;
    const found = await store.get(slug);
    if (!found) throw new UserError(`There is no case "${slug.slice(0, 80)}".`, 404);
    const quotation = readQuotation(req.query.quotation, found);
    // the whole case at once, in the pool within the case's budgets, as its page compares it
    // (so the page's comparisons are reused); over budget, a 503 saying why
    const comparisons = await compareCaseForExport(pool, found, caseCompareOptions(options.contextSentences), jobContext(req));
    const stem = safeFileStem(found.slug);
    if (quotation === 'all') {
      const input: CaseExportInput = caseExportInput(found, comparisons);
      await send(res, format, `${stem}-all`, () => format.exporter.renderCase(input));
      return;
    }
    const input = exportInputForQuotation(found, quotation, comparisons[quotation]!);
    const fileStem = found.quotations.length > 1 ? `${stem}-quotation-${quotation}` : stem;
    await send(res, format, fileStem, () => format.exporter.render(input));
  });

  router.post('/compare/export', guards.limitRate, async (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const format = readFormat(body.format);
    const options = readContext(body.context);
    const quote = field(body, 'quote');
    const source = field(body, 'source');
    checkComparePair(quote, source);
    const citation: Citation = {};
    for (const name of ['author', 'work', 'year', 'page', 'url'] as const) {
      const value = field(body, name).trim();
      if (name === 'url' && value && !isWebAddress(value)) {
        // the case schema refuses these too: a javascript: or data: URL would be a live link in the export
        throw new UserError('The URL must be a web address starting with http:// or https://.');
      }
      if (value) citation[name] = value;
    }
    const quotedByName = field(body, 'quotedBy').trim();
    const quotedBy: QuotedBy | undefined = quotedByName ? { author: quotedByName } : undefined;
    // pasted text runs in a worker within the time budget (src/web/compare-pool.ts); an
    // imported source's map (a hidden field of the compare page) says where the quotation stands
    const comparison = withWhere(await pool.compare(quote, source, options, jobContext(req)), parseWhereMap(field(body, 'sourceWhere')));
    const cited = citationAt(Object.keys(citation).length > 0 ? citation : undefined, comparison.where);
    const input: ExportInput = {
      comparison,
      quote,
      source,
      citation: cited,
      quotedBy,
      title: quotedByName && citation.author ? `${quotedByName} quoting ${citation.author}` : undefined,
    };
    // an imported source's provenance (a hidden field of the compare page): every export says where the text came from
    const provenance = parseProvenance(field(body, 'sourceProvenance'));
    if (provenance) input.provenance = provenance;
    await send(res, format, 'elision-comparison', () => format.exporter.render(input));
  });

  return router;
}
