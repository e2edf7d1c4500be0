/**
 * A plain HTTP client for tests against a running server (tests/helpers/server-process.ts)
 * that need what fetch does not give: a chosen local address, so one test can be several
 * clients (127.0.0.2, 127.0.0.3, ... are all this machine), and the time each answer took.
 */
import http from 'node:http';

export interface CallOptions {
  method?: string;
  path: string;
  /** sent as application/json */
  json?: unknown;
  /** sent as application/x-www-form-urlencoded */
  form?: Record<string, string>;
  /** any other body, with its content type */
  raw?: { body: string; contentType: string };
  headers?: Record<string, string>;
  /** the local address to connect from, e.g. 127.0.0.2 (default 127.0.0.1) */
  from?: string;
  /** aborting closes the connection, as a client that gives up does */
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** milliseconds from sending to the whole answer */
  ms: number;
}

export function call(baseUrl: string, options: CallOptions): Promise<Answer> {
  const url = new URL(options.path, baseUrl);
  let body: string | undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  } else if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  else if (options.raw) {
    body = options.raw.body;
    headers['Content-Type'] = options.raw.contentType;
  }
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        localAddress: options.from,
        signal: options.signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The cookie a page set, and the CSRF token of its form, for posting a form as a browser would. */
export async function formSession(baseUrl: string, pagePath: string, from?: string): Promise<{ cookie: string; csrf: string }> {
  const page = await call(baseUrl, { path: pagePath, from });
  const csrf = /<input[^>]*name="_csrf"[^>]*value="([^"]+)"/.exec(page.text)?.[1];
  if (!csrf) throw new Error(`no _csrf field on ${pagePath} (status ${page.status})`);
  const setCookie = page.headers['set-cookie'] ?? [];
  return { cookie: setCookie.map((c) => c.split(';')[0]).join('; '), csrf };
}
