/**
 * The shipped web fonts (src/fonts.ts) under /static: `fonts.css` with their @font-face
 * rules (gzipped when the browser takes it: most of it is CJK unicode-ranges) and
 * `fonts/<file>.woff2`, only the files those rules name.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Router } from 'express';
import { ROUTER_OPTIONS } from '../route-deps.js';
import { fontFaceCss, fontFilePath } from '../../fonts.js';

export const FONT_URL_PREFIX = '/static/fonts/';

export function fontsRouter(): Router {
  const router = Router(ROUTER_OPTIONS);
  let stylesheet: { plain: Buffer; gzipped: Buffer; etag: string } | undefined;

  router.get('/static/fonts.css', (req, res) => {
    if (!stylesheet) {
      const plain = Buffer.from(fontFaceCss(FONT_URL_PREFIX), 'utf8');
      stylesheet = { plain, gzipped: gzipSync(plain), etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"` };
    }
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.setHeader('ETag', stylesheet.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    res.type('text/css; charset=utf-8');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    if (req.acceptsEncodings('gzip') === 'gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      res.send(stylesheet.gzipped);
    } else {
      res.send(stylesheet.plain);
    }
  });

  router.get('/static/fonts/:file', (req, res, next) => {
    const file = fontFilePath(req.params.file);
    if (!file) {
      next();
      return;
    }
    // A font file's name changes with its contents only across package versions: a week is safe.
    res.sendFile(file, { maxAge: '7d', headers: { 'Content-Type': 'font/woff2' } });
  });
  return router;
}
