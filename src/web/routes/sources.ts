/**
 * Importing sources over HTTP (src/import/ does the work):
 *
 *   POST /api/sources        multipart field `file`, or JSON {"url": "…"} → {text, provenance, where}
 *   POST /api/quoting-page   the same inputs → {title, url, passages: [{text, introduction, kind}]}
 *
 * Nothing is stored. Bad input gets one sentence: 400 (unknown type, refused address),
 * 413 (too large), 422 (unreadable: scanned, encrypted, corrupt, zip bomb, too slow),
 * 502 (the address failed, timed out or redirected in a loop).
 */
import { createRequire } from 'node:module';
import { Router, type Request, type RequestHandler } from 'express';
import { UserError } from '../../errors.js';
import { MAX_IMPORT_BYTES } from '../../import/index.js';
import type { SourceImporter } from '../../import/importer.js';
import type { SourceInput } from '../../import/types.js';

interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  mimetype: string;
  size: number;
}
type MulterFactory = ((options: { storage: unknown; limits: Record<string, number> }) => { single(field: string): RequestHandler }) & {
  memoryStorage(): unknown;
};
const multer = createRequire(import.meta.url)('multer') as MulterFactory;

const MB = 1024 * 1024;

/** Reads one uploaded file (field `file`) into memory, up to the source limit; other requests pass through. */
export const uploadSourceFile: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data')) {
    next();
    return;
  }
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 40, fieldSize: 11 * MB, parts: 45 },
  }).single('file');
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
export function uploadedSource(req: Request): SourceInput | undefined {
  const file = (req as Request & { file?: UploadedFile }).file;
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

export function sourcesRouter(importer: SourceImporter): Router {
  const router = Router();
  router.post('/api/sources', uploadSourceFile, async (req, res) => {
    const wanted = requestedSource(req);
    const source = 'file' in wanted ? await importer.importFile(wanted.file) : await importer.importAddress(wanted.address);
    res.json(source);
  });
  router.post('/api/quoting-page', uploadSourceFile, async (req, res) => {
    const wanted = requestedSource(req);
    res.json(await importer.quotingPage('file' in wanted ? wanted.file : wanted));
  });
  return router;
}
