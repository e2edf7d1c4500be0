/**
 * The request time budget: a request still unanswered after `ms` gets a clear 503
 * with Retry-After instead of leaving its client (and a connection) waiting; the
 * request's signal fires (src/web/request-signal.ts), so its comparisons stop and it
 * writes nothing to the store, and whatever the handler sends later is dropped.
 *
 * This bounds waiting (a slow upload, a store busy elsewhere). It cannot interrupt
 * JavaScript that holds the event loop: the engine bounds its own work, and the
 * server's headersTimeout/requestTimeout (src/server.ts) bound slow clients.
 */
import type { Request, RequestHandler, Response } from 'express';
import { abortRequest } from './request-signal.js';
import { simplePage } from './security.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function requestTimeout(ms: number): RequestHandler {
  if (!(ms > 0)) return (_req, _res, next) => next();
  return (req, res, next) => {
    const timer = setTimeout(() => answerTimedOut(req, res, ms), ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}

function answerTimedOut(req: Request, res: Response, ms: number): void {
  if (res.headersSent || res.writableEnded) return;
  // the work still going on for this request stops, and nothing it was about to store is stored
  abortRequest(req, 'The request took longer than its time budget.');
  const budget = ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms} ms`;
  const message = `The server took longer than ${budget} to answer and stopped; please try again in a moment.`;
  res.status(503).set('Retry-After', '5').set('Connection', 'close');
  if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json') {
    res.json({ error: message });
  } else {
    res.type('html').send(simplePage('Taking too long', message));
  }
  // A late answer from the handler must not reach this client, nor throw on it.
  const dropped = () => res;
  res.status = dropped as Response['status'];
  res.set = dropped as unknown as Response['set'];
  res.setHeader = dropped as unknown as Response['setHeader'];
  res.json = dropped as Response['json'];
  res.send = dropped as Response['send'];
  res.render = (() => undefined) as Response['render'];
  res.redirect = (() => undefined) as Response['redirect'];
  res.type = dropped as Response['type'];
  res.end = dropped as unknown as Response['end'];
  res.write = (() => true) as unknown as Response['write'];
}
