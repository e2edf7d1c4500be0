/**
 * Importing sources over HTTP (src/import/ does the work):
 *
 *   POST /api/sources        multipart field `file`, or JSON {"url": "…"} → {text, provenance, where}
 *   POST /api/quoting-page   the same inputs → {title, url, passages: [{text, introduction, kind}]}
 *   POST /compare/import-source, /compare/quoting-page, /compare/use-passage
 *                            the compare form's steps: it comes back filled in
 *
 * Nothing is stored. Bad input gets one sentence: 400 (unknown type, refused address),
 * 413 (too large), 422 (unreadable: scanned, encrypted, corrupt, zip bomb, too slow),
 * 502 (the address failed, timed out or redirected in a loop).
 */
import { createRequire } from 'node:module';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ROUTER_OPTIONS } from '../route-deps.js';
import type { Guards } from '../guards.js';
import { UserError } from '../../errors.js';
// the source limit, not src/import/index.ts: the importers load in their worker, never with the app
import { MAX_SOURCE_BYTES as MAX_IMPORT_BYTES } from '../../limits.js';
import type { SourceImporter } from '../../import/importer.js';
import type { ImportedSource, SourceInput } from '../../import/types.js';
import { readForm, type CompareForm } from './pages.js';

function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  mimetype: string;
  size: number;
}
type MulterFactory = ((options: { storage: unknown; limits: Record<string, number> }) => {
  single(field: string): RequestHandler;
  fields(fields: Array<{ name: string; maxCount: number }>): RequestHandler;
}) & {
  memoryStorage(): unknown;
};
const multer = createRequire(import.meta.url)('multer') as MulterFactory;

const MB = 1024 * 1024;

/** Reads one uploaded file (field `file`) into memory, up to the source limit; other requests pass through. */
export const uploadSourceFile: RequestHandler = (req, res, next) => parseUpload(req, res, next, 'file');

/** The compare form's uploads: the source's file and the quoting page's file, one each at most. */
const uploadFormFiles: RequestHandler = (req, res, next) => parseUpload(req, res, next, ['sourceFile', 'quotingFile']);

/** The case forms' upload: the source's file, among all of a case's fields (20 quotations of 8 fields each in the edit form). */
export const uploadCaseFormSource: RequestHandler = (req, res, next) => parseUpload(req, res, next, ['sourceFile'], 250);

function parseUpload(req: Request, res: Parameters<RequestHandler>[1], next: (err?: unknown) => void, field: string | string[], maxFields = 40): void {
  if (!req.is('multipart/form-data')) {
    next();
    return;
  }
  const limits = { fileSize: MAX_IMPORT_BYTES, files: 2, fields: maxFields, fieldSize: 11 * MB, parts: maxFields + 5 };
  const factory = multer({ storage: multer.memoryStorage(), limits });
  const upload = typeof field === 'string' ? factory.single(field) : factory.fields(field.map((name) => ({ name, maxCount: 1 })));
  upload(req, res, (err?: unknown) => {
    if (!err) {
      next();
      return;
    }
    const code = (err as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE') next(new UserError(`The file is larger than ${MAX_IMPORT_BYTES / MB} MB, the source limit.`, 413));
    else if (typeof code === 'string' && code.startsWith('LIMIT_')) next(new UserError('The upload could not be read: send one file in the "file" field.'));
    else next(new UserError('The upload could not be read as a form.'));
  });
};

/** The uploaded file as importer input, or undefined when none was sent. */
export function uploadedSource(req: Request, field?: string): SourceInput | undefined {
  const file = field
    ? (req as Request & { files?: Record<string, UploadedFile[]> }).files?.[field]?.[0]
    : (req as Request & { file?: UploadedFile }).file;
  if (!file || file.size === 0) return undefined;
  return {
    bytes: new Uint8Array(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength),
    fileName: file.originalname,
    // browsers send application/octet-stream for types they do not know: then the name and bytes decide
    ...(file.mimetype && file.mimetype !== 'application/octet-stream' ? { mediaType: file.mimetype } : {}),
  };
}

/** A file upload or a JSON {"url"}: what to import. */
function requestedSource(req: Request): { file: SourceInput } | { address: string } {
  const file = uploadedSource(req);
  if (file) return { file };
  if (req.is('multipart/form-data')) {
    const url = (req.body as Record<string, unknown> | undefined)?.url;
    if (typeof url === 'string' && url.trim() !== '') return { address: url.trim() };
    throw new UserError('Send a file in the "file" field, or an address in the "url" field.');
  }
  if (!req.is('application/json')) {
    throw new UserError('Send a file (multipart/form-data, field "file") or JSON {"url": "https://…"}.');
  }
  const body: unknown = req.body;
  const url = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).url : undefined;
  if (typeof url !== 'string' || url.trim() === '') throw new UserError('The body needs "url": the address of the source, as text.');
  return { address: url.trim() };
}

/**
 * A form's "Import the source" step, shared by the compare form and the case forms: the
 * uploaded file in `sourceFile`, else the address in `sourceUrl`, read by the importer.
 */
export async function importFormSource(importer: SourceImporter, req: Request): Promise<ImportedSource> {
  const address = field(req.body, 'sourceUrl').trim();
  const file = uploadedSource(req, 'sourceFile');
  if (!file && address === '') throw new UserError('Choose a file, or give an address, to import the source from.');
  return file ? importer.importFile(file) : importer.importAddress(address);
}

/** "origin.pdf: 312 pages, 1.2 MB of text." — what an import did, for the form. */
export function importNotice(source: ImportedSource, then = 'compare'): string {
  const p = source.provenance;
  const name = p.file ? `“${p.file}”` : p.url ?? 'The source';
  const parts = [
    p.pages ? `${p.pages} page${p.pages === 1 ? '' : 's'}` : undefined,
    p.chapters ? `${p.chapters} chapter${p.chapters === 1 ? '' : 's'}` : undefined,
    `${source.text.length.toLocaleString('en')} characters of text`,
    p.gutenberg ? 'the Project Gutenberg licence set aside' : undefined,
  ].filter(Boolean);
  return `Imported ${name}: ${parts.join(', ')}. Check the text below, then ${then}.`;
}

function renderForm(res: Response, status: number, form: CompareForm, extra: Record<string, unknown>): void {
  res.status(status).render('compare-form', { title: 'Compare a quotation', current: 'compare', form, ...extra });
}

export function sourcesRouter(importer: SourceImporter, { limitRate }: Guards): Router {
  const router = Router(ROUTER_OPTIONS);
  // nothing is stored here, so no admin token; every import counts against the rate limit

  // the compare form's "Import the source": the whole form comes back filled in
  router.post('/compare/import-source', limitRate, uploadFormFiles, async (req, res) => {
    const form = readForm(req.body);
    const address = field(req.body, 'sourceUrl').trim();
    try {
      const source = await importFormSource(importer, req);
      form.source = source.text;
      form.sourceProvenance = JSON.stringify(source.provenance);
      form.sourceWhere = JSON.stringify(source.where);
      // the document's own metadata fills the citation fields the user left empty
      if (!form.work && source.provenance.title) form.work = source.provenance.title;
      if (!form.author && source.provenance.author) form.author = source.provenance.author;
      if (!form.url && source.provenance.url) form.url = source.provenance.url;
      renderForm(res, 200, form, { notice: importNotice(source) });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      renderForm(res, error.status, form, { error: error.message, sourceUrl: address });
    }
  });

  // "Find its quotations": the passages the quoting page presents, to pick one
  router.post('/compare/quoting-page', limitRate, uploadFormFiles, async (req, res) => {
    const form = readForm(req.body);
    const address = field(req.body, 'quotingPage').trim();
    try {
      const file = uploadedSource(req, 'quotingFile');
      if (!file && address === '') throw new UserError('Choose the quoting page as a file, or give its address.');
      const page = await importer.quotingPage(file ?? { address });
      if (page.passages.length === 0) {
        throw new UserError('That page presents no quotation Elision can see: no blockquote, and no long sentence in quotation marks.', 422);
      }
      renderForm(res, 200, form, { passages: page.passages, quotingTitle: page.title ?? '', quotingUrl: page.url ?? address });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      renderForm(res, error.status, form, { error: error.message, quotingUrl: address });
    }
  });

  // "Use this quotation": the picked passage becomes the quotation, its page "quoted by"
  router.post('/compare/use-passage', limitRate, (req, res) => {
    const form = readForm(req.body);
    const picked = field(req.body, 'pickedPassage');
    if (picked.trim() === '') {
      renderForm(res, 400, form, { error: 'Pick one of the quotations first.' });
      return;
    }
    form.quote = picked;
    const title = field(req.body, 'quotingTitle').trim();
    const url = field(req.body, 'quotingUrl').trim();
    if (!form.quotedBy) form.quotedBy = [title, /^https?:\/\//i.test(url) ? url : ''].filter(Boolean).join(', ');
    renderForm(res, 200, form, { notice: `The quotation is filled in from ${title ? `“${title}”` : 'the quoting page'}. Now give its source.` });
  });

  router.post('/api/sources', limitRate, uploadSourceFile, async (req, res) => {
    const wanted = requestedSource(req);
    const source = 'file' in wanted ? await importer.importFile(wanted.file) : await importer.importAddress(wanted.address);
    res.json(source);
  });
  router.post('/api/quoting-page', limitRate, uploadSourceFile, async (req, res) => {
    const wanted = requestedSource(req);
    res.json(await importer.quotingPage('file' in wanted ? wanted.file : wanted));
  });
  return router;
}
