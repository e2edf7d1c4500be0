/** The part of autocannon 9's programmatic API that bench/http.ts uses (the package ships no types). */
declare module 'autocannon' {
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
