/**
 * Hears every change any server makes to the cases: one connection of its own that
 * LISTENs on the channel the PostgreSQL store NOTIFYs at each commit
 * (src/store/pg-case-store.ts). The page cache (src/web/page-cache.ts) empties itself on
 * each, so no server shows a case older than its last save for more than a moment.
 *
 * While the connection is down, notices could be missed: `live` is false from the moment
 * it fails until it is listening again (the cache is bypassed meanwhile), and a change is
 * reported on reconnecting, since anything may have changed while nobody was listening.
 */
import pg from 'pg';
import { CHANGES_CHANNEL } from './pg-case-store.js';

/** What the page cache needs to know of changes made elsewhere. */
export interface ChangeFeed {
  /** true while every change is heard */
  live(): boolean;
  /** `listener` runs after every change made by any server (this one included) */
  subscribe(listener: () => void): void;
  close(): Promise<void>;
}

/** Waits between attempts to reconnect, growing to this many ms. */
const MAX_RECONNECT_DELAY_MS = 2_000;

export async function listenForChanges(url: string): Promise<ChangeFeed> {
  const listeners: Array<() => void> = [];
  let client: pg.Client | undefined;
  let isLive = false;
  let closed = false;
  let delay = 100;
  let retry: NodeJS.Timeout | undefined;

  const changed = () => {
    for (const listener of listeners) listener();
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, application_name: 'elision-listen', keepAlive: true, connectionTimeoutMillis: 5_000 });
    next.on('notification', changed);
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    await next.connect();
    await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    isLive = true;
    delay = 100;
    changed();
  };

  const lost = (which: pg.Client) => {
    if (which !== client || closed) return;
    client = undefined;
    isLive = false;
    changed();
    which.end().catch(() => undefined);
    schedule();
  };

  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(() => {
        delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS);
        schedule();
      });
    }, delay);
    retry.unref();
  };

  try {
    await connect();
  } catch {
    schedule();
  }

  return {
    live: () => isLive,
    subscribe: (listener) => {
      listeners.push(listener);
    },
    async close() {
      closed = true;
      isLive = false;
      if (retry) clearTimeout(retry);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
