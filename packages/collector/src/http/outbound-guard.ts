import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { addressRefusal } from './address-rules.js';

/**
 * The one way ClearView sends a request to a URL a user gave (webhooks, Slack, later
 * callbacks and CRM pushes). The URL is checked when it is saved and again here, and
 * the address actually connected to is checked in the socket's own lookup, so a name
 * that resolves to a private address only at delivery (DNS rebinding) is refused too.
 */

export interface GuardPolicy {
  /** CLEARVIEW_ALLOW_PRIVATE_WEBHOOKS=1: plain http and private addresses, for local testing only. */
  allowPrivate: boolean;
}

/** Resolves a name to every address, as dns.lookup with { all: true } does; injected in tests. */
export type Resolve = (hostname: string, options: { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

// What the user typed as the host, before the URL parser turns 2130706433 or 0x7f.1 into 127.0.0.1.
const rawHost = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]*)/i;
const dottedDecimal = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether ClearView may call this URL, judged on its text alone (a name is judged again at connection). */
export function checkOutboundUrl(text: string, policy: GuardPolicy): UrlVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) return { ok: false, reason: 'must be an https:// URL' };
  // Credentials in a URL end up in logs and proxies; receivers authenticate by signature.
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not contain a user name or password' };
  if (policy.allowPrivate) return { ok: true, url };
  const typed = rawHost.exec(text.trim())?.[1] ?? '';
  // Integer, octal and hex hosts are how filters that look for "127.0.0.1" are slipped past.
  if (/^[0-9a-fx.]+$/i.test(typed) && /\d/.test(typed) && !dottedDecimal.test(typed) && isIP(url.hostname) === 4) {
    return { ok: false, reason: 'must not give its host as a number; write the host name' };
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host)) {
    const refusal = addressRefusal(host);
    return refusal ? { ok: false, reason: `must not point to ${refusal}` } : { ok: true, url };
  }
  // RFC 6761: localhost and its subdomains always mean this machine.
  if (host === 'localhost' || host.endsWith('.localhost')) return { ok: false, reason: 'must not point to a loopback address' };
  if (!host.includes('.')) return { ok: false, reason: 'must name a public host (a single-label name is local)' };
  return { ok: true, url };
}

/** Why a request failed before or instead of an HTTP answer; the message is safe to show (no address, no secret). */
export class OutboundError extends Error {
  constructor(
    readonly kind: 'refused' | 'timeout' | 'connection' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export interface OutboundRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface OutboundAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most maxBytes of the answer, as UTF-8. */
  body: string;
}

export interface SafeRequestOptions extends GuardPolicy {
  resolve?: Resolve;
  /** The whole exchange, connection to last byte (default 10 s). */
  timeoutMs?: number;
  /** Bytes of the answer read at most (default 64 KiB); the rest is never read. */
  maxBytes?: number;
  signal?: AbortSignal;
}

const defaultResolve: Resolve = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * The socket's lookup: resolves the name and refuses the connection when any address
 * is not public, so the address connected to is one that was checked.
 */
function guardedLookup(resolve: Resolve) {
  return (hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolve(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(new OutboundError('connection', `could not resolve the host name (${error.code ?? 'error'})`));
      const refusal = addresses.map((a) => addressRefusal(a.address)).find((r) => r !== null);
      if (refusal || addresses.length === 0) return callback(new OutboundError('refused', `the host name resolves to ${refusal ?? 'no address'}`));
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * Sends one request through the guard. Redirects are never followed: the 3xx comes back
 * as the answer, and the caller counts it a failure. Rejects with an OutboundError.
 */
export function safeRequest(target: string, request: OutboundRequest, options: SafeRequestOptions): Promise<OutboundAnswer> {
  const verdict = checkOutboundUrl(target, options);
  if (!verdict.ok) return Promise.reject(new OutboundError('refused', `the URL ${verdict.reason}`));
  const { url } = verdict;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<OutboundAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (error: OutboundError | null, answer?: OutboundAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(answer!);
    };
    const req = send(url, {
      method: request.method,
      headers: { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) },
      // A fresh connection each time: a pooled socket would skip the lookup that checks the address.
      agent: false,
      lookup: options.allowPrivate ? undefined : (guardedLookup(options.resolve ?? defaultResolve) as never),
    });
    const timer = setTimeout(() => {
      finish(new OutboundError('timeout', `no complete answer within ${Math.round((options.timeoutMs ?? 10_000) / 1000)} s`));
      req.destroy();
    }, options.timeoutMs ?? 10_000);
    const onAbort = () => {
      finish(new OutboundError('aborted', 'the collector is shutting down'));
      req.destroy();
    };
    options.signal?.addEventListener('abort', onAbort);
    req.on('error', (error: Error) => {
      finish(error instanceof OutboundError ? error : new OutboundError('connection', `connection failed (${(error as NodeJS.ErrnoException).code ?? 'error'})`));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        const room = maxBytes - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        if (size >= maxBytes) done();
      });
      res.on('end', done);
      res.on('error', () => finish(new OutboundError('connection', 'the answer was cut off')));
    });
    req.end(request.body);
  });
}
