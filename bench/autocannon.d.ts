/** The part of autocannon 9's programmatic API that bench/http.ts and bench/http-postgres.ts use (the package ships no types). */
declare module 'autocannon' {
  export interface Request {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: { path: string; method?: string; body?: string; headers?: Record<string, string> }) => { path: string; method?: string; body?: string; headers?: Record<string, string> };
  }
  /** one connection (setupClient is called with each as it is made) */
  export interface Client {
    /** this connection's own requests, replacing the shared ones */
    setRequests(requests: Request[]): void;
  }
  interface Options {
    /** several: the connections are spread over them */
    url: string | string[];
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    connections?: number;
    duration?: number;
    amount?: number;
    headers?: Record<string, string>;
    body?: string;
    requests?: Array<{ setupRequest?: (request: { path: string; method?: string; body?: string }) => { path: string; method?: string; body?: string } }>;
    setupClient?: (client: Client) => void;
    /** requests a second, all connections together */
    overallRate?: number;
  }
  interface Histogram {
    average: number;
    mean: number;
    total: number;
    p50: number;
    p99: number;
  }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
