/**
 * Fetches a source from an http(s) address, safely enough for a public server (no
 * server-side request forgery):
 *
 * - only `http:` and `https:`; no user name or password in the address;
 * - every address the host resolves to is checked, and the connection goes to the
 *   address that was checked (the socket's DNS lookup is replaced by the checked answer,
 *   so a second, different answer — DNS rebinding — is never asked for);
 * - loopback, private, link-local (cloud metadata at 169.254.169.254), multicast,
 *   unspecified, broadcast and reserved addresses are refused, in IPv4 and IPv6 and in
 *   IPv4-mapped IPv6 forms (ipaddr.js classifies them);
 * - every redirect is checked again, at most 5, and a loop is named as one;
 * - the answer's size is capped while it streams, and the whole fetch has a time limit.
 *
 * `allowPrivate` (ELISION_FETCH_ALLOW_PRIVATE=1 in the shells) lets private and loopback
 * addresses through, for a closed intranet and for tests that serve fixtures on
 * 127.0.0.1; link-local, multicast and unspecified addresses stay refused even then.
 * Every refusal is a UserError with one sentence: 400 for an address Elision will not
 * fetch, 413 for an answer over the cap, 502 when the far side fails or is too slow.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { UserError } from '../errors.js';
import { MAX_SOURCE_BYTES } from '../limits.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface FetchOptions {
  /** let private and loopback addresses through (a closed intranet; tests) */
  allowPrivate?: boolean;
  /** largest answer read (default: the source limit, 10 MB) */
  maxBytes?: number;
  /** time for the whole fetch, redirects included (default 20 s) */
  timeoutMs?: number;
  /** redirects followed at most (default 5) */
  maxRedirects?: number;
  /** the host's addresses (default: the system resolver, every address); tests inject one */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface Fetched {
  bytes: Uint8Array;
  /** the address that answered, after redirects */
  url: string;
  /** the answer's Content-Type, as sent */
  mediaType?: string;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 20_000;
export const MAX_REDIRECTS = 5;

const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  uniqueLocal: 'a private network address',
  carrierGradeNat: 'a carrier-grade NAT address',
  linkLocal: 'a link-local address (where cloud metadata services answer)',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};
/** ranges a closed intranet may reach when allowPrivate is set */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);

/**
 * Why an IP address may not be fetched from, or undefined when it may. IPv4-mapped IPv6
 * addresses (::ffff:127.0.0.1) are judged as the IPv4 address they carry.
 */
export function refusalFor(ip: string, allowPrivate = false): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(ip);
  } catch {
    return `${ip} is not an IP address`;
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (allowPrivate && PRIVATE_RANGES.has(range)) return undefined;
  return `${parsed.toString()} is ${RANGE_NAMES[range] ?? `a special-purpose address (${range})`}`;
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  return dnsLookup(hostname, { all: true, verbatim: true });
}

/** The checked address to connect to for a URL's host; throws a UserError when any of its addresses is refused. */
async function checkedAddress(url: URL, options: FetchOptions): Promise<ResolvedAddress> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(hostname)) {
    const reason = refusalFor(hostname, options.allowPrivate);
    if (reason) throw new UserError(`Elision will not fetch ${url.href}: ${reason}, not a public one.`);
    return { address: hostname, family: ipaddr.parse(hostname).kind() === 'ipv6' ? 6 : 4 };
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await (options.resolve ?? systemResolve)(hostname);
  } catch {
    throw new UserError(`The host ${hostname} could not be found.`, 502);
  }
  if (addresses.length === 0) throw new UserError(`The host ${hostname} could not be found.`, 502);
  // every address is checked: a host that answers one public and one private address is refused
  for (const { address } of addresses) {
    const reason = refusalFor(address, options.allowPrivate);
    if (reason) throw new UserError(`Elision will not fetch ${url.href}: ${hostname} resolves to ${reason}, not a public one.`);
  }
  return addresses[0] as ResolvedAddress;
}

function parseAddress(address: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(address, base);
  } catch {
    throw new UserError(`${JSON.stringify(address.slice(0, 200))} is not a web address.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`Elision fetches only http and https addresses, not ${url.protocol.replace(/:$/, '')}.`);
  }
  if (url.username || url.password) throw new UserError('Elision does not fetch addresses with a user name or password in them.');
  return url;
}

/** One request to a checked address; resolves with the response (not yet read). */
function requestOnce(url: URL, target: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
  // the socket asks this lookup, not DNS, so it connects to the address that was checked
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, [target]);
    } else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'GET',
        lookup,
        signal,
        agent: false,
        headers: {
          'user-agent': 'Elision (source import)',
          accept: 'text/html,application/xhtml+xml,application/pdf,application/epub+zip,text/plain;q=0.9,*/*;q=0.5',
          'accept-encoding': 'identity',
        },
      },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
}

async function readBody(response: IncomingMessage, url: URL, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new UserError(`The answer from ${url.host} is larger than ${Math.round(maxBytes / (1024 * 1024)) || maxBytes / (1024 * 1024)} MB, the source limit.`, 413);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    // counted as it streams: an answer that lies about its length or sends none is cut here
    if (total > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Fetches an address under the rules above. */
export async function fetchSource(address: string, options: FetchOptions = {}): Promise<Fetched> {
  const maxBytes = options.maxBytes ?? MAX_SOURCE_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const seen = new Set<string>();
  let url = parseAddress(address);
  try {
    for (let redirects = 0; ; redirects++) {
      seen.add(url.href);
      const target = await checkedAddress(url, options);
      if (controller.signal.aborted) throw new Error('aborted');
      const response = await requestOnce(url, target, controller.signal);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        const next = parseAddress(response.headers.location, url);
        if (seen.has(next.href)) throw new UserError(`${address} redirects in a loop (back to ${next.href}).`, 502);
        if (redirects + 1 > maxRedirects) throw new UserError(`${address} redirects more than ${maxRedirects} times; Elision stopped following it.`, 502);
        url = next;
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new UserError(`${url.href} answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}, not the page.`, 502);
      }
      const bytes = await readBody(response, url, maxBytes);
      const mediaType = response.headers['content-type'];
      return { bytes, url: url.href, ...(mediaType ? { mediaType } : {}) };
    }
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof UserError && err.status === 413)) {
      throw new UserError(`${url.host} did not answer in full within ${Math.round(timeoutMs / 100) / 10} seconds.`, 502);
    }
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ECONNREFUSED' ? 'refused the connection'
      : code === 'ECONNRESET' ? 'closed the connection'
      : code === 'ETIMEDOUT' ? 'did not answer'
      : code?.startsWith('ERR_TLS') || code?.includes('CERT') ? 'has no valid https certificate'
      : 'could not be reached';
    throw new UserError(`${url.host} ${reason}.`, 502);
  } finally {
    clearTimeout(timer);
  }
}
