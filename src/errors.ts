/**
 * The one error type the shells share: a message fit to show a user, with the HTTP
 * status and the CLI exit code it stands for. The core never throws it; it returns
 * findings as values and throws only on misuse.
 */
export class UserError extends Error {
  readonly status: number;
  readonly exitCode: number;
  constructor(message: string, status = 400, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.status = status;
    this.exitCode = exitCode;
  }
}

/**
 * A 503 the client can simply retry: the server is busy (a database lock held by another
 * process, a full queue), and nothing was changed. The error handler sends Retry-After.
 */
export class BusyError extends UserError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 2) {
    super(message, 503, 1);
    this.name = 'BusyError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A write refused because the request it was for has been answered already (503 by its
 * time budget) or abandoned by its client: nothing was changed, and nobody reads this.
 */
export class WriteAbortedError extends UserError {
  constructor() {
    super('This request was stopped before its change was stored, so nothing was changed.', 503);
    this.name = 'WriteAbortedError';
  }
}
