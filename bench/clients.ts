/**
 * Each autocannon connection as a client of its own, as fifty people in a class or a
 * newsroom would be: its own address in `X-Forwarded-For`, which the server reads because
 * the benchmarks start it with ELISION_TRUST_PROXY=1 (express's "trust proxy": one proxy
 * hop, as behind a reverse proxy). That address is what the rate limit and the compare
 * pool's per-client share see. Without it, all the connections are one client from
 * 127.0.0.1, and the pool rightly holds one client to half its queue: that, not the
 * server, was where the "create a case" errors of the run before this file came from.
 */
import type { Client } from 'autocannon';

export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** a new path or body for every request */
  setupRequest?: (request: { path: string; method?: string; body?: string; headers?: Record<string, string> }) => { path: string; method?: string; body?: string; headers?: Record<string, string> };
}

/**
 * An address for client `n` from 198.18.0.0/15, the range set aside for benchmarks
 * (RFC 2544), so it is never a real visitor's.
 */
export function clientAddress(n: number): string {
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * autocannon's `setupClient`: every connection sends `request` with an address of its
 * own. Each connection gets its own copy of the request (autocannon would otherwise share
 * one request object between them). `first` keeps several runs' clients apart.
 */
export function asDistinctClients(request: BenchRequest, first = 1): { setupClient: (client: Client) => void } {
  let next = first;
  return {
    setupClient: (client) => {
      const address = clientAddress(next++);
      const { setupRequest, ...fixed } = request;
      // (an absent setupRequest must be left out: autocannon would call `undefined`)
      client.setRequests([{ ...fixed, ...(setupRequest ? { setupRequest } : {}), headers: { ...request.headers, 'x-forwarded-for': address } }]);
    },
  };
}
