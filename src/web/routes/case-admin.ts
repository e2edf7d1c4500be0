/**
 * Case management pages, server-rendered, working without JavaScript:
 *
 *   GET  /cases                        list; search (q), filter by tag and author
 *   GET  /cases/new, POST /cases       create (POST /cases also takes the "Save as case"
 *                                      form of a pasted comparison) → 303 /cases/:slug
 *   GET  /cases/:slug/edit, POST same  edit the whole case (remove quotations too)
 *   POST /cases/:slug/quotations       add another quotation of the same source
 *   GET  /cases/:slug/delete, POST     confirm, then delete
 *   GET  /cases/:slug/case.json        download one case
 *   GET  /cases/import, POST           paste JSON or upload a .json file: all or nothing
 *
 * Bad input re-renders the form with a clear message, the field marked, and everything
 * the user typed kept. Not here: the case page itself (GET /cases/:slug, the pages
 * module), its exports and exercise views. Every form that writes, and a search, count
 * against the rate limit; the forms and every editing page need the admin token
 * (src/web/guards.ts, attached to each route below).
 */
import { createRequire } from 'node:module';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { BusyError, UserError } from '../../errors.js';
import { CaseValidationError, MAX_QUOTATIONS, parseCaseImport, parseCaseInput, parseCaseWithSlug } from '../../cases/schema.js';
import { isValidSlug } from '../../cases/slug.js';
import { toCaseJson } from '../../cases/case-json.js';
import type { Case, CaseFilter, CaseStore } from '../../cases/types.js';
import { readFilter } from '../case-filter.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';
import { requestSignal } from '../request-signal.js';
import { cardVerdicts } from '../case-verdicts.js';
import { saveGuarded } from '../case-guard.js';
import { parseProvenance, parseWhereMap } from '../../import/describe.js';
import type { ImportedSource } from '../../import/types.js';
import type { SourceImporter } from '../../import/importer.js';
import { importFormSource, importNotice, uploadCaseFormSource } from './sources.js';

/** The case-level fields of the forms, as typed (strings), so a refused form comes back as it was. */
export interface CaseFormValues {
  title: string;
  slug: string;
  source: string;
  author: string;
  work: string;
  container: string;
  year: string;
  edition: string;
  publisher: string;
  place: string;
  page: string;
  url: string;
  language: string;
  citationNote: string;
  notes: string;
  /** comma-separated */
  tags: string;
  /** one a line */
  questions: string;
  teacherNotes: string;
  /** hidden: an imported source's provenance and where map, as JSON ('' for a pasted source) */
  sourceProvenance: string;
  sourceWhere: string;
}

/** One quotation's fields. In the new-case form they have these names; in the edit form, `name-N`. */
export interface QuotationFormValues {
  quote: string;
  quotedBy: string;
  quotedByWork: string;
  quotedByDate: string;
  quotedByUrl: string;
  quotedByPage: string;
  quoteNote: string;
  /** edit form only: the "remove this quotation" box */
  remove?: boolean;
}

const CASE_FIELDS: ReadonlyArray<keyof CaseFormValues> = [
  'title', 'slug', 'source', 'author', 'work', 'container', 'year', 'edition', 'publisher', 'place',
  'page', 'url', 'language', 'citationNote', 'notes', 'tags', 'questions', 'teacherNotes', 'sourceProvenance', 'sourceWhere',
];
const QUOTATION_FIELDS: ReadonlyArray<Exclude<keyof QuotationFormValues, 'remove'>> = [
  'quote', 'quotedBy', 'quotedByWork', 'quotedByDate', 'quotedByUrl', 'quotedByPage', 'quoteNote',
];

/** Which form field holds the value at a schema path, so the form can mark it. */
const CITATION_FIELD: Readonly<Record<string, keyof CaseFormValues>> = {
  author: 'author', work: 'work', container: 'container', year: 'year', edition: 'edition', publisher: 'publisher',
  place: 'place', page: 'page', url: 'url', language: 'language', note: 'citationNote',
};
const QUOTED_BY_FIELD: Readonly<Record<string, string>> = {
  author: 'quotedBy', work: 'quotedByWork', date: 'quotedByDate', url: 'quotedByUrl', page: 'quotedByPage',
};

/** Largest uploaded case file: as large as a JSON body may be. */
const MAX_UPLOAD_BYTES = 11 * 1024 * 1024;

/** A form value as one string: a repeated field keeps its first value; a missing one is ''. */
function field(body: unknown, name: string): string {
  const value: unknown = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/**
 * Browsers send a textarea's line breaks as CRLF whatever the user's system; the texts
 * are stored with LF, as a pasted or uploaded file usually has them.
 */
function fromTextarea(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function readCaseValues(body: unknown): CaseFormValues {
  const values = {} as CaseFormValues;
  for (const name of CASE_FIELDS) values[name] = fromTextarea(field(body, name));
  return values;
}

function readQuotationValues(body: unknown, suffix = ''): QuotationFormValues {
  const values = {} as QuotationFormValues;
  for (const name of QUOTATION_FIELDS) values[name] = fromTextarea(field(body, `${name}${suffix}`));
  if (suffix !== '') values.remove = field(body, `remove${suffix}`) !== '';
  return values;
}

function emptyCaseValues(): CaseFormValues {
  return readCaseValues({});
}

function emptyQuotationValues(): QuotationFormValues {
  return readQuotationValues({});
}

function caseToValues(c: Case): { values: CaseFormValues; quotations: QuotationFormValues[] } {
  const citation = c.source.citation ?? {};
  const values: CaseFormValues = {
    title: c.title,
    slug: c.slug,
    source: c.source.text,
    author: citation.author ?? '',
    work: citation.work ?? '',
    container: citation.container ?? '',
    year: citation.year ?? '',
    edition: citation.edition ?? '',
    publisher: citation.publisher ?? '',
    place: citation.place ?? '',
    page: citation.page ?? '',
    url: citation.url ?? '',
    language: citation.language ?? '',
    citationNote: citation.note ?? '',
    notes: c.notes ?? '',
    tags: (c.tags ?? []).join(', '),
    questions: (c.questions ?? []).join('\n'),
    teacherNotes: c.teacherNotes ?? '',
    sourceProvenance: c.source.provenance ? JSON.stringify(c.source.provenance) : '',
    sourceWhere: c.source.where ? JSON.stringify(c.source.where) : '',
  };
  const quotations = c.quotations.map(
    (q): QuotationFormValues => ({
      quote: q.text,
      quotedBy: q.quotedBy?.author ?? '',
      quotedByWork: q.quotedBy?.work ?? '',
      quotedByDate: q.quotedBy?.date ?? '',
      quotedByUrl: q.quotedBy?.url ?? '',
      quotedByPage: q.quotedBy?.page ?? '',
      quoteNote: q.note ?? '',
      remove: false,
    }),
  );
  return { values, quotations };
}

/** The form's strings in the shape src/cases/schema.ts validates (it trims and drops empties). */
function valuesToCaseJson(values: CaseFormValues, quotations: QuotationFormValues[]) {
  return {
    title: values.title,
    source: {
      text: values.source,
      citation: {
        author: values.author, work: values.work, container: values.container, year: values.year,
        edition: values.edition, publisher: values.publisher, place: values.place, page: values.page,
        url: values.url, language: values.language, note: values.citationNote,
      },
      provenance: parseProvenance(values.sourceProvenance),
      // a text edited after its import may have lost its end: the map keeps the places still in it
      where: parseWhereMap(values.sourceWhere)?.filter((entry) => entry.start <= values.source.length),
    },
    quotations: quotations.map(quotationToJson),
    notes: values.notes,
    tags: values.tags.split(','),
    questions: values.questions.split('\n'),
    teacherNotes: values.teacherNotes,
  };
}

function quotationToJson(q: QuotationFormValues) {
  return {
    text: q.quote,
    quotedBy: { author: q.quotedBy, work: q.quotedByWork, date: q.quotedByDate, url: q.quotedByUrl, page: q.quotedByPage },
    note: q.quoteNote,
  };
}

/**
 * The form field a validation error points at: `title`, `quote-1`, `quotedByUrl`, ...
 * `suffixFor(i)` gives the quotation fields' suffix in the form at hand.
 */
function fieldForPath(path: ReadonlyArray<PropertyKey>, suffixFor: (index: number) => string): string | undefined {
  const [head, second, third] = path;
  if (head === 'source') {
    if (second === 'text') return 'source';
    if (second === 'citation' && typeof third === 'string') return CITATION_FIELD[third];
    return 'source';
  }
  if (head === 'quotations') {
    if (typeof second !== 'number') return undefined;
    const suffix = suffixFor(second);
    if (third === 'text') return `quote${suffix}`;
    if (third === 'note') return `quoteNote${suffix}`;
    if (third === 'quotedBy') {
      const fourth = path[3];
      return typeof fourth === 'string' && QUOTED_BY_FIELD[fourth] ? `${QUOTED_BY_FIELD[fourth]}${suffix}` : `quotedBy${suffix}`;
    }
    return `quote${suffix}`;
  }
  if (head === 'slug' || head === 'title' || head === 'notes' || head === 'tags' || head === 'questions' || head === 'teacherNotes') {
    return head;
  }
  return undefined;
}

interface FormError {
  message: string;
  field?: string;
}

/** How a form names its quotations: field suffixes and the label in a message ("Quotation 2: "). */
interface QuotationNaming {
  suffix(index: number): string;
  label(index: number): string;
}

/** The new-case and add-quotation forms: one quotation, unsuffixed fields, no label. */
const SINGLE_QUOTATION: QuotationNaming = { suffix: () => '', label: () => '' };

/** A refusal as a form shows it: the sentence without the JSON path, plus the field to mark. */
function formError(err: UserError, naming: QuotationNaming): FormError {
  if (err instanceof CaseValidationError) {
    const [head, index] = err.path;
    const which = head === 'quotations' && typeof index === 'number' ? naming.label(index) : '';
    return { message: `${which}${err.detail}`, field: fieldForPath(err.path, naming.suffix) };
  }
  return { message: err.message, field: err.status === 409 ? 'slug' : undefined };
}

/** The refused form's status; a busy server (a full compare queue, a locked database) also says when to retry. */
function answerStatus(res: Response, err: UserError): void {
  res.status(err.status);
  if (err instanceof BusyError) res.set('Retry-After', String(err.retryAfterSeconds));
}

/** Only a UserError is the user's to fix; anything else is ours and goes to the error handler. */
function asUserError(err: unknown): UserError {
  if (err instanceof UserError) return err;
  throw err;
}

function notFound(slug: string): UserError {
  return new UserError(`There is no case "${slug}".`, 404);
}

async function requireCase(store: CaseStore, slug: string): Promise<Case> {
  const found = await store.get(slug);
  if (!found) throw notFound(slug);
  return found;
}

function renderNew(res: Response, values: CaseFormValues, quotation: QuotationFormValues, error?: FormError, notice?: string, sourceUrl?: string): void {
  res.render('cases/form', { title: 'New case', mode: 'new', values, quotations: [quotation], error, notice, sourceUrl, current: 'cases' });
}

/** An imported source into the form: its text, provenance and map, and the citation fields the user left empty. */
function withImportedSource(values: CaseFormValues, source: ImportedSource): CaseFormValues {
  const p = source.provenance;
  return {
    ...values,
    source: source.text,
    sourceProvenance: JSON.stringify(p),
    sourceWhere: JSON.stringify(source.where),
    work: values.work || p.title || '',
    author: values.author || p.author || '',
    url: values.url || p.url || '',
  };
}

interface EditView {
  slug: string;
  values: CaseFormValues;
  quotations: QuotationFormValues[];
  error?: FormError;
  notice?: string;
  sourceUrl?: string;
  addValues?: QuotationFormValues;
  addError?: FormError;
  /** bytes of the imported source's original file kept with the case (download, extract again) */
  originalBytes?: number;
}

function renderEdit(res: Response, view: EditView): void {
  res.render('cases/form', {
    title: `Edit: ${view.values.title || view.slug}`,
    mode: 'edit',
    maxQuotations: MAX_QUOTATIONS,
    current: 'cases',
    addValues: emptyQuotationValues(),
    ...view,
  });
}

// multer has no types of its own; this is the little of it used here.
interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  size: number;
}
type MulterFactory = ((options: {
  storage: unknown;
  limits: Record<string, number>;
}) => { single(field: string): RequestHandler }) & { memoryStorage(): unknown };
const multer = createRequire(import.meta.url)('multer') as MulterFactory;

/** Parses a multipart import form (the file upload); other requests pass straight through. */
const uploadCaseFile: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data')) {
    next();
    return;
  }
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: MAX_UPLOAD_BYTES, parts: 12 },
  }).single('file');
  upload(req, res, (err?: unknown) => {
    if (!err) {
      next();
      return;
    }
    const code = (err as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE') {
      next(new UserError(`The file is larger than ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB.`, 413));
    } else if (typeof code === 'string' && code.startsWith('LIMIT_')) {
      next(new UserError('The upload could not be read: send one .json file in the "file" field.'));
    } else {
      next(new UserError('The upload could not be read as a form.'));
    }
  });
};

/** The import form's JSON: the uploaded file when one was chosen, else the pasted text. */
function importedText(req: Request): string {
  const file = (req as Request & { file?: UploadedFile }).file;
  if (file && file.size > 0) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(file.buffer).replace(/^\ufeff/, '');
    } catch {
      throw new UserError(`The file "${file.originalname}" is not UTF-8 text.`);
    }
  }
  return field(req.body, 'json');
}

function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new UserError('Paste the JSON of one or more cases, or choose a .json file.');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`This is not valid JSON: ${(err as Error).message}.`);
  }
}

export function caseAdminRouter({ store, pool, guards }: RouteDeps, importer: SourceImporter): Router {
  const router = Router(ROUTER_OPTIONS);
  const { limitRate, requireAdmin } = guards;
  // a search reads every case's folded text: counted like the API; the bare list is a page
  const limitSearch = guards.limitRateWhen((req) => typeof req.query.q === 'string' && req.query.q !== '');
  // the originals this router's imports remembered: a case saved with their text keeps them
  const { originals } = importer;

  router.get('/cases', limitSearch, async (req, res) => {
    let filter: CaseFilter = {};
    let error: string | undefined;
    try {
      filter = readFilter(req.query);
    } catch (err) {
      error = asUserError(err).message;
      res.status(400);
    }
    const cases = error ? [] : await store.list(filter);
    // Each card shows the engine's verdict on every quotation, as the case's page does
    // (compared in the pool, charged to the library, never on this thread).
    const found: Case[] = [];
    for (const c of cases) {
      const kase = await store.get(c.slug);
      if (kase) found.push(kase);
    }
    const cards = await cardVerdicts(pool, found);
    const verdicts = new Map([...cards].map(([slug, card]) => [slug, card.verdicts] as const));
    const unavailable = new Map([...cards].flatMap(([slug, card]) => (card.unavailable ? [[slug, card.unavailable] as const] : [])));
    const deleted = typeof req.query.deleted === 'string' && isValidSlug(req.query.deleted) ? req.query.deleted : undefined;
    const imported = typeof req.query.imported === 'string' && /^\d{1,4}$/.test(req.query.imported) ? Number(req.query.imported) : undefined;
    const filtered = Boolean(filter.q || filter.tag || filter.author);
    res.render('cases/list', { title: 'Cases', current: 'cases', cases, verdicts, unavailable, filter, filtered, error, deleted, imported });
  });

  router.get('/cases/new', requireAdmin, (_req, res) => {
    renderNew(res, emptyCaseValues(), emptyQuotationValues());
  });

  router.post('/cases', limitRate, requireAdmin, async (req, res) => {
    const values = readCaseValues(req.body);
    const quotation = readQuotationValues(req.body);
    try {
      const { input, slug } = parseCaseWithSlug({ ...valuesToCaseJson(values, [quotation]), slug: values.slug.trim() || undefined });
      const created = await saveGuarded(pool, [input], req, (write) => store.create(input, slug, write), originals);
      res.redirect(303, `/cases/${created.slug}`);
    } catch (err) {
      const userError = asUserError(err);
      answerStatus(res, userError);
      renderNew(res, values, quotation, formError(userError, SINGLE_QUOTATION));
    }
  });

  // "Import the source" on the new-case form (multipart, the compare form's import step): the form comes back filled in
  router.post('/cases/import-source', limitRate, requireAdmin, uploadCaseFormSource, async (req, res) => {
    const values = readCaseValues(req.body);
    const quotation = readQuotationValues(req.body);
    try {
      const source = await importFormSource(importer, req);
      renderNew(res, withImportedSource(values, source), quotation, undefined, importNotice(source, 'save the case'));
    } catch (err) {
      const userError = asUserError(err);
      res.status(userError.status);
      renderNew(res, values, quotation, { message: userError.message, field: 'sourceFile' }, undefined, field(req.body, 'sourceUrl'));
    }
  });

  router.get('/cases/import', requireAdmin, (_req, res) => {
    res.render('cases/import', { title: 'Import cases', current: 'cases', json: '' });
  });

  router.post('/cases/import', limitRate, requireAdmin, uploadCaseFile, async (req, res) => {
    const pasted = field(req.body, 'json');
    try {
      const items = parseCaseImport(parseJsonText(importedText(req)));
      const created = await saveGuarded(pool, items.map((item) => item.input), req, (write) => store.createMany(items, write), originals);
      res.redirect(303, `/cases?imported=${created.length}`);
    } catch (err) {
      const userError = asUserError(err);
      answerStatus(res, userError);
      // An upload is not put back into the textarea: it may be megabytes, and the file is still on disk.
      res.render('cases/import', { title: 'Import cases', current: 'cases', json: pasted, error: userError.message });
    }
  });

  router.get('/cases/:slug/edit', requireAdmin, async (req, res) => {
    const found = await requireCase(store, req.params.slug);
    renderEdit(res, { slug: found.slug, ...caseToValues(found), ...(found.source.originalBytes ? { originalBytes: found.source.originalBytes } : {}) });
  });

  /** The edit form's fields as sent: the case's, and every quotation's (`name-N`). */
  function readEditForm(req: Request, slug: string) {
    const values = { ...readCaseValues(req.body), slug };
    const count = Math.min(Math.max(Number.parseInt(field(req.body, 'quotationCount'), 10) || 0, 0), MAX_QUOTATIONS);
    const quotations = Array.from({ length: count }, (_, i) => readQuotationValues(req.body, `-${i}`));
    return { values, quotations };
  }

  // "Import the source" on the edit form: the form comes back with the new source, nothing saved yet
  router.post('/cases/:slug/import-source', limitRate, requireAdmin, uploadCaseFormSource, async (req, res) => {
    const found = await requireCase(store, req.params.slug as string);
    const { values, quotations } = readEditForm(req, found.slug);
    try {
      const source = await importFormSource(importer, req);
      renderEdit(res, { slug: found.slug, values: withImportedSource(values, source), quotations, notice: importNotice(source, 'save the changes') });
    } catch (err) {
      const userError = asUserError(err);
      res.status(userError.status);
      renderEdit(res, { slug: found.slug, values, quotations, error: { message: userError.message, field: 'sourceFile' }, sourceUrl: field(req.body, 'sourceUrl') });
    }
  });

  router.post('/cases/:slug/edit', limitRate, requireAdmin, async (req, res) => {
    const found = await requireCase(store, req.params.slug);
    const { values, quotations } = readEditForm(req, found.slug);
    // The schema's paths count only the kept quotations; the form's fields count them all.
    const keptIndexes = quotations.flatMap((q, i) => (q.remove ? [] : [i]));
    try {
      const input = parseCaseInput(valuesToCaseJson(values, quotations.filter((q) => !q.remove)));
      await saveGuarded(pool, [input], req, (write) => store.update(found.slug, input, write), originals);
      res.redirect(303, `/cases/${found.slug}`);
    } catch (err) {
      const userError = asUserError(err);
      answerStatus(res, userError);
      const formIndex = (i: number) => keptIndexes[i] ?? i;
      const error = formError(userError, { suffix: (i) => `-${formIndex(i)}`, label: (i) => `Quotation ${formIndex(i) + 1}: ` });
      renderEdit(res, { slug: found.slug, values, quotations, error });
    }
  });

  router.post('/cases/:slug/quotations', limitRate, requireAdmin, async (req, res) => {
    const found = await requireCase(store, req.params.slug);
    const added = readQuotationValues(req.body);
    const current = caseToValues(found);
    try {
      const input = parseCaseInput(valuesToCaseJson(current.values, [...current.quotations, added]));
      await saveGuarded(pool, [input], req, (write) => store.update(found.slug, input, write), originals);
      // The case page's ?quotation=N (0-based) shows the new quotation's own comparison.
      res.redirect(303, `/cases/${found.slug}?quotation=${found.quotations.length}`);
    } catch (err) {
      const userError = asUserError(err);
      answerStatus(res, userError);
      const addError = formError(userError, SINGLE_QUOTATION);
      renderEdit(res, { slug: found.slug, ...current, addValues: added, addError });
    }
  });

  router.get('/cases/:slug/delete', requireAdmin, async (req, res) => {
    const found = await requireCase(store, req.params.slug);
    res.render('cases/delete', { title: `Delete: ${found.title}`, current: 'cases', found });
  });

  router.post('/cases/:slug/delete', limitRate, requireAdmin, async (req, res) => {
    if (!(await store.delete(req.params.slug, { signal: requestSignal(req) }))) throw notFound(req.params.slug);
    res.redirect(303, `/cases?deleted=${encodeURIComponent(req.params.slug)}`);
  });

  router.get('/cases/:slug/case.json', async (req, res) => {
    const found = await requireCase(store, req.params.slug);
    res.attachment(`${found.slug}.json`);
    res.type('application/json').send(`${JSON.stringify(toCaseJson(found), null, 2)}\n`);
  });

  return router;
}
