/**
 * Text kept exactly or refused (issue #12, finding 7): a body whose bytes are not UTF-8,
 * a form field whose percent-escapes do not decode to UTF-8, and a JSON string holding
 * a lone surrogate (`"\ud800"`) are answered 400 with a sentence, before any route reads
 * them. Without this, body-parser and querystring would put U+FFFD in their place and
 * the case would be stored changed.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { UserError } from '../errors.js';

const NOT_UTF8 = 'The request body is not valid UTF-8: send the text as UTF-8; nothing was stored.';
const LONE_SURROGATE =
  'The request holds a lone surrogate (half of a UTF-16 pair, such as \\ud800), which is not text: send valid Unicode; nothing was stored.';

/** For express.json's `verify`: the raw bytes must be UTF-8. */
export function verifyUtf8(_req: IncomingMessage, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw new UserError(NOT_UTF8);
}

/** For express.urlencoded's `verify`: the bytes, and every percent-escape, must be UTF-8. */
export function verifyFormUtf8(req: IncomingMessage, res: unknown, body: Buffer): void {
  verifyUtf8(req, res, body);
  for (const piece of body.toString('latin1').split(/[&=]/)) {
    if (!piece.includes('%')) continue;
    try {
      decodeURIComponent(piece.replace(/\+/g, ' '));
    } catch {
      // malformed escapes (%E0%A4%A), bytes that are not UTF-8 (%FF), encoded surrogates (%ED%A0%80)
      throw new UserError('A form field is not valid UTF-8 (a percent-escape does not decode to text): nothing was stored.');
    }
  }
}

const LONE = /\p{Cs}/u;

function holdsLoneSurrogate(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return LONE.test(value);
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => holdsLoneSurrogate(item, depth + 1));
  return Object.entries(value).some(([key, item]) => LONE.test(key) || holdsLoneSurrogate(item, depth + 1));
}

/** After the body parsers: refuses a parsed body (JSON or form) holding a lone surrogate. */
export function refuseLoneSurrogates(): RequestHandler {
  return (req, _res, next) => {
    if (holdsLoneSurrogate(req.body)) {
      next(new UserError(LONE_SURROGATE));
      return;
    }
    next();
  };
}
