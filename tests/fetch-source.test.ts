/**
 * Fetching a source from an address, against SSRF: every refused address class, a
 * redirect from an allowed to a refused address, a host that resolves to a private
 * address, loops, too many redirects, oversized and slow answers. Fixtures are served by
 * a loopback server started here (allowed with allowPrivate, as ELISION_FETCH_ALLOW_PRIVATE=1
 * allows it); refused addresses are refused before any connection is made.
 */
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { fetchSource, refusalFor, type FetchOptions } from '../src/import/fetch-source.js';

let server: Server;
let base: string;
let port: number;
const openSockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/page') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body><p>Hello</p></body></html>');
    } else if (path === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    } else if (path === '/to-file') {
      res.writeHead(302, { location: 'file:///etc/passwd' });
      res.end();
    } else if (path === '/to-page') {
      res.writeHead(301, { location: '/page' });
      res.end();
    } else if (path === '/loop-a') {
      res.writeHead(302, { location: '/loop-b' });
      res.end();
    } else if (path === '/loop-b') {
      res.writeHead(302, { location: '/loop-a' });
      res.end();
    } else if (path.startsWith('/chain/')) {
      const n = Number(path.slice('/chain/'.length));
      res.writeHead(302, { location: n > 0 ? `/chain/${n - 1}` : '/page' });
      res.end();
    } else if (path === '/big-declared') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(4096) });
      res.end('x'.repeat(4096));
    } else if (path === '/big-streamed') {
      // no Content-Length: the cap must be enforced while reading
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 8; i++) res.write('y'.repeat(1024));
      res.end();
    } else if (path === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('a first line, then nothing');
      // never ends: the fetch's time limit must cut it
    } else if (path === '/missing') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('nothing here');
    } else {
      res.writeHead(500);
      res.end();
    }
  });
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const socket of openSockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const local: FetchOptions = { allowPrivate: true, timeoutMs: 5_000 };

async function refusal(address: string, options: FetchOptions = {}): Promise<UserError> {
  const error = await fetchSource(address, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, `${address} should be refused`).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('address classes', () => {
  const refused: Array<[string, RegExp]> = [
    ['http://127.0.0.1/', /loopback/],
    ['http://127.8.9.10/', /loopback/],
    ['http://2130706433/', /loopback/], // 127.0.0.1 written as one number
    ['http://0x7f.1/', /loopback/],
    ['http://10.1.2.3/', /private/],
    ['http://172.16.5.4/', /private/],
    ['http://192.168.0.1/', /private/],
    ['http://100.64.0.1/', /carrier-grade NAT/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://224.0.0.1/', /multicast/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://255.255.255.255/', /broadcast/],
    ['http://[::1]/', /loopback/],
    ['http://[::]/', /unspecified/],
    ['http://[fc00::1]/', /private/],
    ['http://[fd12:3456::1]/', /private/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[ff02::1]/', /multicast/],
    ['http://[::ffff:127.0.0.1]/', /127\.0\.0\.1 is a loopback/],
    ['http://[::ffff:a9fe:a9fe]/', /169\.254\.169\.254 is a link-local/],
    ['http://[::ffff:10.0.0.1]/', /10\.0\.0\.1 is a private/],
  ];
  it.each(refused)('refuses %s', async (address, reason) => {
    const error = await refusal(address);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/^Elision will not fetch/);
  });

  it('lets private and loopback through with allowPrivate, but never link-local, multicast or unspecified', () => {
    expect(refusalFor('10.0.0.1', true)).toBeUndefined();
    expect(refusalFor('::1', true)).toBeUndefined();
    expect(refusalFor('169.254.169.254', true)).toMatch(/link-local/);
    expect(refusalFor('::ffff:169.254.169.254', true)).toMatch(/link-local/);
    expect(refusalFor('224.0.0.1', true)).toMatch(/multicast/);
    expect(refusalFor('0.0.0.0', true)).toMatch(/unspecified/);
    expect(refusalFor('93.184.216.34')).toBeUndefined();
    expect(refusalFor('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
  });

  it.each(['ftp://example.org/file.txt', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://example.org/'])('refuses the scheme of %s', async (address) => {
    const error = await refusal(address);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/only http and https/);
  });

  it('refuses an address with credentials and one that is not an address', async () => {
    expect((await refusal('http://user:secret@example.org/')).message).toMatch(/user name or password/);
    expect((await refusal('not an address')).message).toMatch(/is not a web address/);
  });
});

describe('hosts that resolve to refused addresses', () => {
  it('refuses a host that resolves to a private address, without connecting', async () => {
    const asked: string[] = [];
    const error = await refusal('http://intranet.example/report', {
      resolve: async (host) => {
        asked.push(host);
        return [{ address: '10.0.0.7', family: 4 }];
      },
    });
    expect(asked).toEqual(['intranet.example']);
    expect(error.message).toMatch(/intranet\.example resolves to 10\.0\.0\.7 is a private network address/);
  });

  it('checks every address: one public and one loopback answer is refused', async () => {
    const error = await refusal('http://rebind.example/', {
      resolve: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 },
      ],
    });
    expect(error.message).toMatch(/loopback/);
  });

  it('connects to the checked address, not to a second lookup', async () => {
    // "fixture.invalid" cannot resolve through DNS: the fetch works only if the socket uses the checked answer
    const fetched = await fetchSource(`http://fixture.invalid:${port}/page`, {
      ...local,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    expect(new TextDecoder().decode(fetched.bytes)).toContain('Hello');
  });

  it('says when a host cannot be found', async () => {
    const error = await refusal('http://nowhere.example/', { resolve: async () => Promise.reject(new Error('ENOTFOUND')) });
    expect(error.status).toBe(502);
    expect(error.message).toBe('The host nowhere.example could not be found.');
  });
});

describe('answers', () => {
  it('fetches a page with its media type and final address', async () => {
    const fetched = await fetchSource(`${base}/to-page`, local);
    expect(fetched.url).toBe(`${base}/page`);
    expect(fetched.mediaType).toBe('text/html; charset=utf-8');
    expect(new TextDecoder().decode(fetched.bytes)).toContain('<p>Hello</p>');
  });

  it('refuses the loopback fixture server itself without allowPrivate', async () => {
    expect((await refusal(`${base}/page`)).message).toMatch(/loopback/);
  });

  it('re-checks every redirect: an allowed address redirecting to cloud metadata is refused', async () => {
    const error = await refusal(`${base}/to-metadata`, local);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/169\.254\.169\.254 is a link-local address/);
    expect((await refusal(`${base}/to-file`, local)).message).toMatch(/only http and https/);
  });

  it('names a redirect loop, and stops after 5 redirects', async () => {
    const loop = await refusal(`${base}/loop-a`, local);
    expect(loop.status).toBe(502);
    expect(loop.message).toMatch(/redirects in a loop/);
    expect((await fetchSource(`${base}/chain/4`, local)).url).toBe(`${base}/page`);
    const tooMany = await refusal(`${base}/chain/5`, local);
    expect(tooMany.message).toMatch(/redirects more than 5 times/);
  });

  it('refuses an oversized answer, declared or streamed', async () => {
    const declared = await refusal(`${base}/big-declared`, { ...local, maxBytes: 1024 });
    expect(declared.status).toBe(413);
    expect(declared.message).toMatch(/larger than/);
    const streamed = await refusal(`${base}/big-streamed`, { ...local, maxBytes: 2048 });
    expect(streamed.status).toBe(413);
  });

  it('gives up on a slow answer at the time limit', async () => {
    const error = await refusal(`${base}/slow`, { ...local, timeoutMs: 300 });
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/did not answer in full within 0\.3 seconds/);
  });

  it('reports an error status and a refused connection', async () => {
    const missing = await refusal(`${base}/missing`, local);
    expect(missing.status).toBe(502);
    expect(missing.message).toMatch(/answered 404 Not Found/);
    // a port nothing listens on: take one from a server and close it
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await refusal(`http://127.0.0.1:${closedPort}/`, local);
    expect(refused.message).toMatch(/refused the connection/);
  });
});
