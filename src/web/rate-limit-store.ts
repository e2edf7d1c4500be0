/**
 * Request counts kept in PostgreSQL, shared by every Elision server on one database, so
 * a client gets ELISION_RATE_LIMIT requests a minute in all rather than per server. An
 * express-rate-limit 8 Store over one small UNLOGGED table (src/store/pg-migrations.ts):
 * each hit is one upsert that starts a fresh window when the old one has passed.
 *
 * Not @acpr/rate-limit-postgresql: it pins an older pg and runs its own migration tool
 * on its own tables; one statement of ours does the same under our migrations.
 *
 * When the database cannot be reached, the limiter lets requests through
 * (`passOnStoreError` in src/web/rate-limit.ts): the routes that need the database answer
 * 503 on their own, and comparing pasted text keeps working during an outage.
 */
import type pg from 'pg';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { LoginSlots } from './rate-limit.js';

/** Rows whose window ended this long ago are deleted, now and then. */
const SWEEP_EVERY_MS = 5 * 60_000;

export class PostgresRateLimitStore implements Store, LoginSlots {
  /** express-rate-limit: counts are not local to this process */
  readonly localKeys = false;
  private windowMs = 60_000;
  private lastSweep = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** keeps several limiters (the API, logins) apart in one table */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { rows } = await this.pool.query<{ hits: number; reset_at: Date }>(
      'SELECT hits, reset_at FROM rate_limit_hits WHERE key = $1 AND reset_at > now()',
      [this.prefix + key],
    );
    return rows[0] ? { totalHits: rows[0].hits, resetTime: rows[0].reset_at } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    this.sweepNowAndThen();
    const { rows } = await this.pool.query<{ hits: number; reset_at: Date }>(
      `INSERT INTO rate_limit_hits AS r (key, hits, reset_at) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= now() THEN excluded.reset_at ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix + key, this.windowMs],
    );
    return { totalHits: rows[0]!.hits, resetTime: rows[0]!.reset_at };
  }

  async decrement(key: string): Promise<void> {
    await this.pool.query('UPDATE rate_limit_hits SET hits = greatest(hits - 1, 0) WHERE key = $1 AND reset_at > now()', [this.prefix + key]);
  }

  async resetKey(key: string): Promise<void> {
    await this.pool.query('DELETE FROM rate_limit_hits WHERE key = $1', [this.prefix + key]);
  }

  /**
   * A throttled login's turn (src/web/rate-limit.ts): one statement takes the address's
   * next free slot, so two servers asked at once hand out two different slots. The row's
   * `reset_at` is when the next slot begins; a reservation whose slot is further away
   * than `queue - 1` slots (`queue` attempts wait already) changes nothing and returns no row.
   */
  async reserveSlot(key: string, slotMs: number, queue: number): Promise<number | undefined> {
    this.sweepNowAndThen();
    const { rows } = await this.pool.query<{ wait_ms: number }>(
      `INSERT INTO rate_limit_hits AS r (key, hits, reset_at) VALUES ($1, 0, clock_timestamp() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET reset_at = greatest(r.reset_at, clock_timestamp()) + $2 * interval '1 millisecond'
         WHERE greatest(r.reset_at, clock_timestamp()) <= clock_timestamp() + $3 * interval '1 millisecond'
       RETURNING greatest(0, extract(epoch FROM (r.reset_at - clock_timestamp())) * 1000 - $2)::float8 AS wait_ms`,
      [`${this.prefix}slot:${key}`, slotMs, (queue - 1) * slotMs],
    );
    return rows[0] ? Math.round(rows[0].wait_ms) : undefined;
  }

  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.pool.query("DELETE FROM rate_limit_hits WHERE reset_at < now() - interval '1 minute'").catch(() => undefined);
  }
}
