/**
 * One AbortSignal per request, fired when nobody will read its answer any more: the
 * client closed the connection before the answer was finished, or the request's time
 * budget (src/web/timeout.ts) answered 503 in its place. Work done for the request
 * listens to it: the compare pool drops the request's jobs (terminating a worker that
 * runs one), and a write checks it inside the transaction that would store something,
 * so a request that was answered 503 never changes anything afterwards.
 *
 * Deliberately not here: deciding when a request has taken too long (timeout.ts does).
 */
import type { Request, RequestHandler } from 'express';
import type { JobContext } from './compare-pool.js';

const controllers = new WeakMap<Request, AbortController>();

/** Gives every request its signal; mount before anything that may wait. */
export function requestSignals(): RequestHandler {
  return (req, res, next) => {
    const controller = new AbortController();
    controllers.set(req, controller);
    res.once('close', () => {
      // 'close' after a finished answer is the normal end; before it, the client left
      if (!res.writableFinished) controller.abort(new Error('The client closed the connection.'));
    });
    next();
  };
}

/** The request's signal (one that never fires for a request that went around requestSignals). */
export function requestSignal(req: Request): AbortSignal {
  let controller = controllers.get(req);
  if (!controller) {
    controller = new AbortController();
    controllers.set(req, controller);
  }
  return controller.signal;
}

/** Fires the request's signal: whatever it answers later is not read. */
export function abortRequest(req: Request, reason: string): void {
  controllers.get(req)?.abort(new Error(reason));
}

/** Whom a comparison is for: the client's address (its share of the pool), and until when. */
export function jobContext(req: Request): JobContext {
  return { client: req.ip ?? req.socket.remoteAddress ?? 'unknown', signal: requestSignal(req) };
}
