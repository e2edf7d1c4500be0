/**
 * Structured logs: one JSON line per request (pino 10 + pino-http 11) and the server's
 * own events.
 *
 * A request line holds its id, method, path, status and time — never a body, a query
 * string, a header or the client's address. Quotations, sources, search words and
 * tokens are what people paste into Elision; none of it belongs in a log file that an
 * administrator may keep for months. Errors of our own (5xx) are logged with their
 * stack; a user's bad input (4xx) only with its status.
 *
 * Deliberately not here: log files and rotation (pino writes to standard output; the
 * service manager keeps it).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

/**
 * A logger at LOG_LEVEL (default "info"); silent under the test runner unless LOG_LEVEL
 * says otherwise, so test output stays readable.
 */
export function createLogger(level?: LevelWithSilent, destination?: DestinationStream): Logger {
  const fromEnv = process.env.LOG_LEVEL as LevelWithSilent | undefined;
  const underTest = process.env.VITEST !== undefined || process.env.NODE_ENV === 'test';
  const options = {
    level: level ?? fromEnv ?? (underTest ? 'silent' : 'info'),
    base: { service: 'elision' },
    // In case a future caller logs a request or headers by hand.
    redact: { paths: ['req.headers', 'req.body', 'req.query', 'headers.cookie', 'headers.authorization'], remove: true },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The path of a request URL without its query string (which may hold what a user typed). */
export function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const question = url.indexOf('?');
  return question < 0 ? url : url.slice(0, question);
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Logs each request when its answer is finished (or aborted), with no user text. */
export function requestLogger(logger: Logger): RequestHandler {
  const middleware = pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // pino-http's default serializers include headers (cookies, tokens) and the query.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        path: pathOnly(req.originalUrl ?? req.url),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    customLogLevel: (_req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${pathOnly(req.url)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOnly(req.url)} ${res.statusCode} failed`,
  });
  return middleware as unknown as RequestHandler;
}
