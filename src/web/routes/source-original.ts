/**
 * A case's imported source and its original file, kept beside the text in the library
 * (bounded: src/import/originals.ts):
 *
 *   GET  /cases/:slug/source/original        the original file, as an attachment
 *   GET  /library/:id/original               a library source's, the same way
 *   POST /cases/:slug/source/re-extract      (admin) the text extracted again from it, the case saved with it
 *   PUT  /api/cases/:slug/source/original    (admin) gives a case its original (multipart field `file`),
 *                                            which must hash to the SHA-256 its provenance names
 *
 * The file is served as a download only: a safe file name, the media type the importer
 * read it as (else application/octet-stream), nosniff and a sandboxing CSP, so an HTML
 * or a crafted PDF never runs in the site's origin.
 */
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import type { Case, CaseInput, CaseStore } from '../../cases/types.js';
import { toCaseJson } from '../../cases/case-json.js';
import { UserError } from '../../errors.js';
import type { SourceImporter } from '../../import/importer.js';
import { keepsOriginal, MAX_KEPT_ORIGINAL_BYTES } from '../../import/originals.js';
import type { SourceProvenance } from '../../import/types.js';
import { saveGuarded } from '../case-guard.js';
import { ROUTER_OPTIONS, type RouteDeps } from '../route-deps.js';
import { uploadedSource, uploadSourceFile } from './sources.js';

/** The media types the importers read; anything else is served as bytes. */
const SERVED_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/epub+zip': 'epub',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/html': 'html',
  'application/xhtml+xml': 'xhtml',
  'application/tei+xml': 'xml',
  'text/plain': 'txt',
};

/**
 * The file name to save the original as: its own (the uploaded name, or the address's
 * last segment) reduced to letters, digits, dots, hyphens and underscores, with the
 * extension of its type; the case's slug when nothing is left.
 */
export function originalFileName(provenance: Partial<SourceProvenance>, slug: string): string {
  let name = provenance.file ?? '';
  if (!name && provenance.url) {
    try {
      name = decodeURIComponent(new URL(provenance.url).pathname.split('/').filter(Boolean).pop() ?? '');
    } catch {
      name = '';
    }
  }
  const extension = SERVED_TYPES[provenance.mediaType ?? ''] ?? 'bin';
  const stem = name
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
  return `${stem || `${slug}-original`}.${extension}`;
}

function noOriginal(slug: string): UserError {
  return new UserError(`The case "${slug.slice(0, 80)}" keeps no original file of its source: only an imported source's file up to ${MAX_KEPT_ORIGINAL_BYTES / (1024 * 1024)} MB is kept.`, 404);
}

async function requireCase(store: CaseStore, slug: string): Promise<Case> {
  const found = await store.get(slug);
  if (!found) throw new UserError(`There is no case "${slug.slice(0, 80)}".`, 404);
  return found;
}

/** The case as what a save takes: its own fields, without the store's. */
function asInput(c: Case): CaseInput {
  const { slug: _slug, builtIn: _builtIn, createdAt: _created, updatedAt: _updated, ...input } = c;
  const { originalBytes: _kept, ...source } = c.source;
  return { ...input, source };
}

export function sendOriginal(res: Response, bytes: Uint8Array, provenance: Partial<SourceProvenance>, slug: string): void {
  const mediaType = provenance.mediaType && SERVED_TYPES[provenance.mediaType] ? provenance.mediaType : 'application/octet-stream';
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Disposition', `attachment; filename="${originalFileName(provenance, slug)}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // opened anyway (a browser that ignores "attachment"), it runs nothing in this origin
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, no-cache');
  res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function sourceOriginalRouter({ store, pool, guards }: RouteDeps, importer: SourceImporter): Router {
  const router = Router(ROUTER_OPTIONS);
  const { limitRate, requireAdmin } = guards;

  router.get('/library/:id/original', limitRate, async (req, res) => {
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : undefined;
    const source = id === undefined ? undefined : await store.library.get(id);
    if (!source) throw new UserError(`The library has no source ${req.params.id.slice(0, 20)}.`, 404);
    const bytes = await store.library.original(source.id);
    if (!bytes) throw new UserError(`The library keeps no original file of source ${source.id}: only an imported file up to ${MAX_KEPT_ORIGINAL_BYTES / (1024 * 1024)} MB is kept.`, 404);
    sendOriginal(res, bytes, source.provenance, `source-${source.id}`);
  });

  router.get('/cases/:slug/source/original', limitRate, async (req, res) => {
    const kept = await store.sourceOriginal(req.params.slug);
    if (!kept) {
      await requireCase(store, req.params.slug);
      throw noOriginal(req.params.slug);
    }
    sendOriginal(res, kept.bytes, kept.provenance, req.params.slug);
  });

  // the extraction redone from the kept original (a newer extractor, a fixed importer): the case keeps its quotations
  router.post('/cases/:slug/source/re-extract', limitRate, requireAdmin, async (req, res) => {
    const found = await requireCase(store, req.params.slug);
    const kept = await store.sourceOriginal(found.slug);
    if (!kept) throw noOriginal(found.slug);
    const before = kept.provenance;
    const imported = await importer.importFile({
      bytes: kept.bytes,
      ...(before.file ? { fileName: before.file } : {}),
      ...(before.url ? { url: before.url } : {}),
      ...(before.mediaType ? { mediaType: before.encoding ? `${before.mediaType}; charset=${before.encoding}` : before.mediaType } : {}),
    });
    // the bytes were retrieved when they were first imported; only the extraction is new
    const provenance = { ...imported.provenance, ...(before.retrievedAt ? { retrievedAt: before.retrievedAt } : {}) };
    const unchanged = imported.text === found.source.text;
    const input: CaseInput = {
      ...asInput(found),
      source: { text: imported.text, citation: found.source.citation, provenance, where: imported.where, originalFile: kept.bytes },
    };
    await saveGuarded(pool, [input], req, (write) => store.update(found.slug, input, write));
    res.redirect(303, `/cases/${encodeURIComponent(found.slug)}?reextracted=${unchanged ? 'same' : 'changed'}`);
  });

  router.put('/api/cases/:slug/source/original', limitRate, requireAdmin, uploadSourceFile, async (req, res) => {
    const found = await requireCase(store, req.params.slug as string);
    const file = uploadedSource(req);
    if (!file) throw new UserError('Send the original file as multipart/form-data, field "file".');
    const provenance = found.source.provenance;
    if (!provenance?.sha256) throw new UserError('This case’s source was not imported (its provenance names no SHA-256), so it has no original to keep.', 409);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    if (sha256 !== provenance.sha256) {
      throw new UserError(`This file is not the source's original: its SHA-256 is ${sha256}, and the provenance names ${provenance.sha256}.`, 422);
    }
    if (!keepsOriginal({ mediaType: provenance.mediaType ?? '' }, file.bytes.byteLength)) {
      if (provenance.mediaType === 'text/plain') throw new UserError('A plain-text source is its own original: its file is not kept.', 422);
      throw new UserError(`The file is ${(file.bytes.byteLength / (1024 * 1024)).toFixed(1)} MB; originals are kept up to ${MAX_KEPT_ORIGINAL_BYTES / (1024 * 1024)} MB.`, 413);
    }
    const input: CaseInput = { ...asInput(found), source: { ...asInput(found).source, originalFile: file.bytes } };
    const updated = await saveGuarded(pool, [input], req, (write) => store.update(found.slug, input, write));
    res.json(toCaseJson(updated ?? found));
  });

  return router;
}
