/**
 * The pages people read: the home page (what Elision does, the case library, the
 * compare form), the comparison of a pasted pair (POST /compare) and a case's page
 * (GET /cases/:slug: one comparison, or the debate view when the case has several
 * quotations). Addresses as docs/contract.md fixes them.
 *
 * Deliberately not here: case editing and the /cases list (routes/cases), exports,
 * the exercise view, CSRF and rate limits (hardening middleware). Comparisons come
 * from the compare pool's workers and cache (src/web/case-comparisons.ts); the view model from comparison-view.ts.
 */
import { Router, type Request, type Response } from 'express';
import MarkdownIt from 'markdown-it';
import type { CompareOptions } from '../../core/types.js';
import type { Case, CaseStore, Citation } from '../../cases/types.js';
import { checkComparePair } from '../../limits.js';
import { closeBidiControls } from '../../bidi.js';
import { BusyError, UserError } from '../../errors.js';
import { JobCancelledError, type ComparePool } from '../compare-pool.js';
import { compareCase, libraryComparisons, type CaseComparisons } from '../case-comparisons.js';
import { jobContext } from '../request-signal.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';
import { cardVerdicts, DEFAULT_CONTEXT_SENTENCES } from '../case-verdicts.js';
import { renderFind } from '../find-page.js';
import { formatChicago } from '../../export/citation.js';
import { buildComparisonView, buildDebateView, type SourceMode } from '../comparison-view.js';
import { parseProvenance, parseWhereMap } from '../../import/describe.js';
import { describeProvenance, describeSourceProvenance } from '../../present/provenance.js';
import { citationAt, withWhere } from '../../import/where.js';
import { joinNames, presentVerdict, quotationLabel, quotedByLine, type VerdictView } from '../../present/index.js';

/** The founding case leads the library (CONTRACT.md). */
export const FOUNDING_CASE_SLUG = 'service-stalin-resignation';
/** The home page lists this many cases; /cases lists them all. */
const HOME_LIBRARY_SIZE = 30;
export { DEFAULT_CONTEXT_SENTENCES };
export const MAX_CONTEXT_SENTENCES = 10;
export const EXPORT_FORMATS = ['html', 'md', 'json', 'tei', 'jsonld', 'csv', 'claimreview', 'restored'] as const;
const EXPORT_FORMAT_LABELS: Record<(typeof EXPORT_FORMATS)[number], string> = {
  html: 'HTML page',
  md: 'Markdown',
  json: 'JSON',
  tei: 'TEI XML',
  jsonld: 'Web Annotation (JSON-LD)',
  csv: 'CSV',
  claimreview: 'ClaimReview',
  restored: 'Restored quotation',
};

/** The optional fields of the compare form, as named in the form and in "Save as case". */
const CITATION_FIELDS = ['author', 'work', 'year', 'page', 'url'] as const;
export interface CompareForm {
  quote: string;
  source: string;
  author: string;
  work: string;
  year: string;
  page: string;
  url: string;
  quotedBy: string;
  /** an imported source's provenance and map of pages/chapters/headings, as JSON carried in hidden fields (src/web/routes/sources.ts fills them) */
  sourceProvenance: string;
  sourceWhere: string;
}

/** The view controls, read from the query string (cases) or the form (pasted pairs). */
export interface ViewControls {
  context: number;
  view: SourceMode;
  only: boolean;
}

const markdown = new MarkdownIt({ html: false, linkify: true });

export function pagesRouter({ store, pool, guards }: RouteDeps): Router {
  const router = Router(ROUTER_OPTIONS);

  router.get('/', async (_req, res) => {
    res.render('index', {
      title: 'Quotations beside their sources',
      current: 'home',
      library: await libraryEntries(store, pool),
      form: emptyForm(),
      error: undefined,
    });
  });

  // A bookmarked or reloaded result page arrives as a GET: the form is where the texts go.
  router.get('/compare', (_req, res) => {
    res.redirect(303, '/#compare');
  });

  router.post('/compare', guards.limitRate, async (req, res) => {
    const form = readForm(req.body);
    const controls = readControls(req.body);
    // no source given: search the library for it (src/web/routes/library.ts)
    if (form.source.trim() === '' && form.quote.trim() !== '' && !hasImportedSource(req)) return renderFind(res, store.library, form.quote, (quote, passage) => pool.compare(quote, passage, {}, jobContext(req)));
    let comparison;
    try {
      checkComparePair(form.quote, form.source);
      // pasted text runs in a worker within the time budget (src/web/compare-pool.ts)
      comparison = await pool.compare(form.quote, form.source, compareOptions(controls), jobContext(req));
      // an imported source says on which page, in which chapter or under which heading the quotation stands
      comparison = withWhere(comparison, parseWhereMap(form.sourceWhere));
    } catch (error) {
      if (!(error instanceof UserError) || error instanceof JobCancelledError) throw error;
      if (error instanceof BusyError) res.set('Retry-After', String(error.retryAfterSeconds));
      res.status(error.status).render('compare-form', { title: 'Compare a quotation', current: 'compare', form, error: error.message });
      return;
    }
    const view = buildComparisonView(comparison, form.quote, form.source, { mode: controls.view, onlyDifferences: controls.only });
    res.render('compare', {
      title: 'Comparison',
      mainClass: 'wide',
      form,
      controls,
      view,
      quoteByline: quotedByLine({ author: form.quotedBy }) || undefined,
      sourceByline: formatCitation(citationAt({ author: form.author, work: form.work, year: form.year, page: form.page, url: form.url }, comparison.where) ?? {}) || undefined,
      sourceNote: describeProvenance(parseProvenance(form.sourceProvenance)),
      exportFormats: EXPORT_FORMATS.map((format) => ({ format, label: EXPORT_FORMAT_LABELS[format] })),
    });
  });

  router.get('/cases/:slug', async (req, res) => {
    const found = await store.get(req.params.slug);
    if (!found) {
      res.status(404).render('404', { title: 'No such case', message: `There is no case called “${req.params.slug}”.` });
      return;
    }
    const controls = readControls(req.query);
    const requested = readQuotationIndex(req.query.quotation, found);
    if (requested === 'invalid') {
      res.status(404).render('404', {
        title: 'No such quotation',
        message: `This case has ${found.quotations.length} quotation${found.quotations.length === 1 ? '' : 's'}, numbered from 0; there is no quotation ${String(req.query.quotation)}.`,
      });
      return;
    }
    const result = await compareCase(pool, found, compareOptions(controls), jobContext(req));
    renderCase(res, found, result, controls, requested, req.query.reextracted);
  });

  return router;
}

function renderCase(res: Response, found: Case, result: CaseComparisons, controls: ViewControls, requested: number | undefined, reextracted?: unknown): void {
  const source = found.source.text;
  // an imported source's map says where each quotation stands ("p. 74"), as on the compare page
  const comparisons = (result.ok ? result.comparisons : []).map((comparison) => withWhere(comparison, found.source.where));
  const quotationIndex = requested ?? (found.quotations.length === 1 ? 0 : undefined);
  const base = {
    title: found.title,
    mainClass: 'wide',
    kase: found,
    controls,
    quotationIndex,
    citation: formatCitation(found.source.citation),
    provenance: describeSourceProvenance(found.source),
    originalHref: found.source.originalBytes ? `/cases/${encodeURIComponent(found.slug)}/source/original` : undefined,
    reextracted: reextracted === 'same' || reextracted === 'changed' ? reextracted : undefined,
    notesHtml: found.notes ? markdown.render(found.notes) : '',
    teacherNotesHtml: found.teacherNotes ? markdown.render(found.teacherNotes) : '',
    quotationLabels: found.quotations.map((q, i) => quotationLabel(q.quotedBy, i)),
    verdicts: comparisons.map((c) => presentVerdict(c)),
    exportFormats: EXPORT_FORMATS.map((format) => ({ format, label: EXPORT_FORMAT_LABELS[format] })),
  };
  if (!result.ok) {
    // over its budget: the case's texts as stored, and a sentence saying why there is no more
    res.render('case', { ...base, overBudget: result.reason, debate: undefined, view: undefined });
    return;
  }
  if (quotationIndex === undefined) {
    const debate = buildDebateView(
      found.quotations.map((quotation, i) => ({ quote: quotation.text, comparison: comparisons[i]! })),
      source,
      { onlyDifferences: controls.only },
    );
    res.render('case', { ...base, debate, view: undefined });
    return;
  }
  const quotation = found.quotations[quotationIndex]!;
  const view = buildComparisonView(comparisons[quotationIndex]!, quotation.text, source, { mode: controls.view, onlyDifferences: controls.only });
  res.render('case', {
    ...base,
    debate: undefined,
    view,
    quotation,
    quoteByline: quotedByLine(quotation.quotedBy) || undefined,
    sourceByline: formatCitation(citationAt(found.source.citation, comparisons[quotationIndex]!.where) ?? {}) || undefined,
  });
}

// ---------------------------------------------------------------------------------
// The library on the home page

export interface LibraryEntry {
  slug: string;
  title: string;
  /** e.g. "the blog's author and a reader (comment 5) quoting Robert Service" */
  whoQuotedWhom: string;
  /** the engine's verdict on each quotation, with who printed it */
  verdicts: Array<{ by: string; verdict: VerdictView }>;
  /** instead of verdicts: why there are none (over budget, or not compared yet) */
  unavailable?: string;
  tags: string[];
}

async function libraryEntries(store: CaseStore, pool: ComparePool): Promise<{ entries: LibraryEntry[]; more: boolean }> {
  const summaries = await store.list();
  summaries.sort((a, b) => Number(b.slug === FOUNDING_CASE_SLUG) - Number(a.slug === FOUNDING_CASE_SLUG) || Number(b.builtIn) - Number(a.builtIn));
  const cases: Case[] = [];
  for (const summary of summaries.slice(0, HOME_LIBRARY_SIZE)) {
    const found = await store.get(summary.slug);
    if (found) cases.push(found);
  }
  const cards = await cardVerdicts(pool, cases);
  const entries: LibraryEntry[] = [];
  for (const found of cases) {
    const { verdicts, unavailable } = cards.get(found.slug) ?? { verdicts: [] };
    const quoters = [...new Set(found.quotations.map((q) => q.quotedBy?.author).filter((a): a is string => Boolean(a)))];
    const author = found.source.citation.author;
    entries.push({
      slug: found.slug,
      title: found.title,
      whoQuotedWhom: [quoters.length > 0 ? joinNames(quoters) : 'a quotation', author ? `quoting ${author}` : ''].filter(Boolean).join(' '),
      verdicts,
      unavailable,
      tags: found.tags ?? [],
    });
  }
  return { entries, more: summaries.length > HOME_LIBRARY_SIZE };
}

// ---------------------------------------------------------------------------------
// Reading requests

/** Whether the compare form brings its source as a file or an address instead of the text box. */
function hasImportedSource(req: Request): boolean {
  const body = req.body as Record<string, unknown> | undefined;
  return Boolean((req as Request & { file?: unknown }).file) || (typeof body?.sourceUrl === 'string' && body.sourceUrl.trim() !== '');
}

function field(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

export function emptyForm(): CompareForm {
  return { quote: '', source: '', author: '', work: '', year: '', page: '', url: '', quotedBy: '', sourceProvenance: '', sourceWhere: '' };
}

export function readForm(body: unknown): CompareForm {
  const form = emptyForm();
  form.quote = field(body, 'quote');
  form.source = field(body, 'source');
  // closeBidiControls: an override left open in a label would reverse the page's words after it
  for (const name of CITATION_FIELDS) form[name] = closeBidiControls(field(body, name).trim());
  form.quotedBy = closeBidiControls(field(body, 'quotedBy').trim());
  form.sourceProvenance = field(body, 'sourceProvenance');
  form.sourceWhere = field(body, 'sourceWhere');
  return form;
}

export function defaultControls(): ViewControls {
  return { context: DEFAULT_CONTEXT_SENTENCES, view: 'region', only: false };
}

/** Lenient by design: a control the page cannot read falls back to its default, never an error page. */
export function readControls(input: unknown): ViewControls {
  const controls = defaultControls();
  const context = Number.parseInt(field(input, 'context'), 10);
  if (Number.isFinite(context)) controls.context = Math.min(Math.max(context, 0), MAX_CONTEXT_SENTENCES);
  if (field(input, 'view') === 'whole') controls.view = 'whole';
  const only = field(input, 'only');
  controls.only = only === 'differences' || only === '1' || only === 'on';
  return controls;
}

function compareOptions(controls: ViewControls): CompareOptions {
  return { contextSentences: controls.context };
}

function readQuotationIndex(raw: unknown, found: Case): number | undefined | 'invalid' {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) return 'invalid';
  const index = Number(raw);
  return index < found.quotations.length ? index : 'invalid';
}

// ---------------------------------------------------------------------------------
// Formatting

/**
 * The source's citation in Chicago style, as every export gives it (src/export/citation.ts),
 * without its URL, which the page shows as a link. Empty when nothing is known.
 */
export function formatCitation(citation: Citation): string {
  return formatChicago({ ...citation, url: undefined });
}
