/**
 * The library of sources on the web:
 *
 *   GET  /library               every source; search (q), filter by author; sizes; the add and find forms
 *   POST /library               add one file (multipart field `file`; optional author, title)
 *   GET  /library/:id           a source: its citation, provenance and text, a heat map over the
 *                               whole work of where the cases' quotations come from, and the
 *                               debate across cases (who quotes what)
 *   POST /find                  the find form: where in the library does a quotation stand?
 *   POST /api/find              {"quote"} → {searched, found, summary, results, chimera?, nearest?}
 *   GET  /api/library[/:id]     the sources as JSON (with the text for one)
 *
 * POST /compare with an empty source box searches the library too (both render
 * src/web/find-page.ts). Everything a user typed or a file held is escaped by the templates.
 */
import { createRequire } from 'node:module';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { UserError } from '../../errors.js';
import { findInLibrary, type FindResult } from '../../library/find.js';
import { importBytesForLibrary, type LibraryImporter } from '../../library/import-source.js';
import type { LibrarySource, LibraryStore } from '../../library/types.js';
import { MAX_SOURCE_BYTES as MAX_IMPORT_BYTES } from '../../limits.js';
import { formatWhere, whereAt } from '../../import/where.js';
import type { Comparison, Span } from '../../core/types.js';
import { presentVerdict, quotationLabel } from '../../present/index.js';
import { formatChicago } from '../../export/citation.js';
import { closeBidiControls } from '../../bidi.js';
import { buildDebateView } from '../comparison-view.js';
import type { ComparePool, JobContext } from '../compare-pool.js';
import { caseCompareOptions, compareCase } from '../case-comparisons.js';
import { jobContext } from '../request-signal.js';
import { renderFind } from '../find-page.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';

/** Cells of the heat strip over a whole work. */
const HEAT_CELLS = 100;
/** The source's page shows this much of its text; the heat strip covers all of it. */
const SHOWN_TEXT_CHARS = 200_000;
/** The debate across cases is drawn when the quoted stretches lie within this many characters. */
const DEBATE_MAX_CHARS = 60_000;

interface UploadedFile {
  buffer: Buffer;
  originalname: string;
}
type MulterFactory = ((options: { storage: unknown; limits: Record<string, number> }) => { single(field: string): RequestHandler }) & { memoryStorage(): unknown };
const multer = createRequire(import.meta.url)('multer') as MulterFactory;

/** Reads the add form's one file, in memory and bounded. */
const uploadSourceFile: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data')) {
    next(new UserError('Send the file as a form upload (multipart/form-data, field "file").'));
    return;
  }
  multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, parts: 12 } }).single('file')(req, res, (err?: unknown) => {
    const code = (err as { code?: string } | undefined)?.code;
    if (!err) next();
    else if (code === 'LIMIT_FILE_SIZE') next(new UserError(`The file is larger than ${MAX_IMPORT_BYTES / (1024 * 1024)} MB.`, 413));
    else next(new UserError('The upload could not be read: send one file in the "file" field.'));
  });
};

export function libraryRouter({ store, pool, guards }: RouteDeps, importer: LibraryImporter): Router {
  const router = Router(ROUTER_OPTIONS);
  const { limitRate, requireAdmin } = guards;
  const library = store.library;

  router.get('/library', async (req, res) => {
    const filter = { q: text(req.query.q), author: text(req.query.author) };
    const [sources, totals, authors] = await Promise.all([library.list(filter), library.totals(), library.authors()]);
    const added = Number(req.query.added);
    res.render('library/list', {
      title: 'Library',
      current: 'library',
      sources,
      totals,
      authors,
      filter,
      filtered: Boolean(filter.q || filter.author),
      notice: undefined,
      error: undefined,
      addedId: Number.isInteger(added) ? added : undefined,
    });
  });

  router.post('/library', limitRate, requireAdmin, uploadSourceFile, async (req, res) => {
    const file = (req as Request & { file?: UploadedFile }).file;
    try {
      if (!file) throw new UserError('Choose a file to add.');
      // read in the import worker within its time budget, so the server keeps serving
      const imported = await importBytesForLibrary(file.buffer, file.originalname, importer);
      const title = closeBidiControls(text(req.body?.title).trim()) || imported.title;
      const author = closeBidiControls(text(req.body?.author).trim()) || imported.author;
      const { outcome, source } = await library.add({
        text: imported.text,
        title,
        citation: { ...(author ? { author } : {}), work: title },
        provenance: imported.provenance,
        where: imported.where,
        ...(imported.original ? { original: imported.original } : {}),
      });
      res.redirect(303, `/library/${source.id}?${outcome === 'added' ? 'added' : 'already'}=1`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const [sources, totals, authors] = await Promise.all([library.list(), library.totals(), library.authors()]);
      res.status(error.status).render('library/list', {
        title: 'Library', current: 'library', sources, totals, authors, filter: {}, filtered: false, notice: undefined, error: error.message, addedId: undefined,
      });
    }
  });

  router.get('/library/:id', async (req, res) => {
    const source = /^\d{1,15}$/.test(req.params.id) ? await library.get(Number(req.params.id)) : undefined;
    if (!source) {
      res.status(404).render('404', { title: 'No such source', message: `The library has no source ${req.params.id}.` });
      return;
    }
    res.render('library/source', {
      title: source.title,
      current: 'library',
      mainClass: 'wide',
      source,
      citation: formatChicago({ ...source.citation, url: undefined }),
      shownText: source.text.slice(0, SHOWN_TEXT_CHARS),
      cut: source.text.length > SHOWN_TEXT_CHARS,
      added: req.query.added === '1',
      already: req.query.already === '1',
      ...(await quotationsMap(library, pool, source, jobContext(req))),
    });
  });

  router.post('/find', limitRate, async (req, res) => {
    const quote = text(req.body?.quote);
    await renderFind(res, library, quote, (q, passage) => pool.compare(q, passage, {}, jobContext(req)));
  });

  router.post('/api/find', limitRate, async (req, res) => {
    const body = req.body as { quote?: unknown } | undefined;
    // the engine runs on the chosen passages in the compare pool, within its budget
    res.json(await findInLibrary(library, body?.quote, (q, passage) => pool.compare(q, passage, {}, jobContext(req))));
  });

  router.get('/api/library', limitRate, async (req, res) => {
    res.json(await library.list({ q: text(req.query.q), author: text(req.query.author) }));
  });

  router.get('/api/library/:id', limitRate, async (req, res) => {
    const source = /^\d{1,15}$/.test(req.params.id) ? await library.get(Number(req.params.id)) : undefined;
    if (!source) throw new UserError(`The library has no source ${req.params.id}.`, 404);
    res.json(source);
  });

  return router;
}

/**
 * Every quotation of every case that quotes this source, compared with it: a heat strip
 * over the whole work (how many quotations reproduce each hundredth of it), each
 * quotation with its verdict and place, and the debate across cases when the quoted
 * stretches lie close enough to show together.
 */
async function quotationsMap(library: LibraryStore, pool: ComparePool, source: LibrarySource, context: JobContext) {
  const cases = await library.casesQuoting(source.id);
  const quotations: Array<{ slug: string; caseTitle: string; index: number; label: string; quote: string; comparison: Comparison; where?: string; span: Span | null }> = [];
  /** cases whose comparison is over its budget: named, not drawn */
  const tooLong: string[] = [];
  for (const c of cases) {
    // each case as its own page compares it: in the pool, within the case's budgets (and cached for its page)
    const result = await compareCase(pool, { source: { text: source.text, citation: {} }, quotations: c.quotations.map((q) => ({ text: q.text })) }, caseCompareOptions(), context);
    if (!result.ok) {
      tooLong.push(c.title);
      continue;
    }
    for (const [index, q] of c.quotations.entries()) {
      const comparison = result.comparisons[index]!;
      const where = comparison.span ? formatWhere(whereAt(source.where, comparison.span.start)) : undefined;
      quotations.push({
        slug: c.slug,
        caseTitle: c.title,
        index,
        label: `${c.title}: ${quotationLabel(q.quotedBy ? { author: q.quotedBy } : undefined, index)}`,
        quote: q.text,
        comparison,
        ...(where ? { where } : {}),
        span: comparison.span,
      });
    }
  }
  const length = Math.max(1, source.text.length);
  const cells = Array.from({ length: HEAT_CELLS }, (_, i) => ({
    start: Math.floor((i * length) / HEAT_CELLS),
    end: Math.floor(((i + 1) * length) / HEAT_CELLS),
    count: 0,
  }));
  for (const q of quotations) {
    const quoted = q.comparison.segments.filter((s) => (s.kind === 'match' || s.kind === 'alteration') && s.source).map((s) => s.source!);
    for (const cell of cells) if (quoted.some((s) => s.start < cell.end && cell.start < s.end)) cell.count++;
  }
  const spans = quotations.map((q) => q.span).filter((s): s is Span => s !== null);
  const reach = spans.length > 0 ? Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start)) : Infinity;
  const debate = quotations.length > 1 && reach <= DEBATE_MAX_CHARS
    ? buildDebateView(quotations.map((q) => ({ quote: q.quote, comparison: q.comparison })), source.text, { onlyDifferences: false })
    : undefined;
  return {
    cases,
    quotations: quotations.map((q) => ({ ...q, verdict: presentVerdict(q.comparison) })),
    cells,
    debate,
    debateLabels: quotations.map((q) => q.label),
    tooLong,
  };
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}
