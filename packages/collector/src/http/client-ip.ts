import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { Config } from '../config.js';

/** Which proxies' X-Forwarded-For entries are believed (config.ts: CLEARVIEW_TRUST_PROXY). */
export interface TrustedProxies {
  /** Hop count: the entry this many from the right. 0 with no list: the socket address. */
  hops: number;
  /** The address form: whether a peer is one of our proxies; null in the hop form. */
  isProxy: ((ip: string) => boolean) | null;
}

// The names Express's `trust proxy` takes for the usual private ranges.
const namedRanges: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Whether `entry` is a proxy name, an address or a CIDR range that CLEARVIEW_TRUST_PROXY accepts. */
export function isProxyEntry(entry: string): boolean {
  if (entry in namedRanges) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

// One matcher per configuration: the dashboard's session code asks for it on every request.
const matchers = new WeakMap<Config['trustProxy'], TrustedProxies>();

/** The matcher for the configured proxies (entries checked by config.ts), built once per configuration. */
export function trustedProxies(trust: Config['trustProxy']): TrustedProxies {
  let matcher = matchers.get(trust);
  if (!matcher) {
    matcher = buildTrustedProxies(trust);
    matchers.set(trust, matcher);
  }
  return matcher;
}

function buildTrustedProxies(trust: Config['trustProxy']): TrustedProxies {
  if (trust.proxies.length === 0) return { hops: trust.hops, isProxy: null };
  const list = new BlockList();
  for (const entry of trust.proxies.flatMap((e) => namedRanges[e] ?? [e])) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return { hops: 0, isProxy: (ip) => list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6') };
}

/**
 * The client's address. X-Forwarded-For is written by whoever sends the request, so it is
 * read only as far as the proxies we were told of wrote it, and only entries that are IP
 * addresses count (anything else is a forgery or garbage, never stored as an address);
 * the socket address is the answer whenever the header tells us nothing we can believe.
 *
 * The address form: the request must come from a named proxy; the header is then walked
 * from the right past further named proxies, and the first other address is the client.
 * The hop form: each of `hops` proxies appends the address it received from, so the entry
 * `hops` from the right is the one our outermost proxy saw; it trusts the header whoever
 * connects, so it is right only when nothing but the proxies can reach the collector.
 */
/** Whether the request's headers were written by a proxy we trust (X-Forwarded-Proto, say), by the same rule as clientIp. */
export function fromTrustedProxy(req: IncomingMessage, trust: TrustedProxies): boolean {
  if (trust.isProxy === null) return trust.hops > 0;
  return trust.isProxy(normalizeMapped(req.socket.remoteAddress ?? ''));
}

export function clientIp(req: IncomingMessage, trust: TrustedProxies): string {
  const socketIp = normalizeMapped(req.socket.remoteAddress ?? '');
  if (trust.isProxy === null && trust.hops <= 0) return socketIp;
  if (trust.isProxy !== null && !trust.isProxy(socketIp)) return socketIp;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return socketIp;
  return (trust.isProxy === null ? entryFromRight(value, trust.hops) : firstUntrusted(value, trust.isProxy)) ?? socketIp;
}

/**
 * The address `hops` from the right (1: the last), or the leftmost when there are fewer;
 * entries that are not addresses are skipped. Scanned from the right rather than split: this
 * runs on every beacon, and the header usually holds one or two entries.
 */
function entryFromRight(value: string, hops: number): string | null {
  let end = value.length;
  let found: string | null = null;
  for (let seen = 0; seen < hops && end > 0;) {
    const comma = value.lastIndexOf(',', end - 1);
    const ip = addressOf(value.slice(comma + 1, end));
    end = comma;
    if (ip !== null) {
      found = ip;
      seen += 1;
    }
    if (comma < 0) break;
  }
  return found;
}

/** Walking from the right, the first address that is not one of our proxies (or the leftmost address). */
function firstUntrusted(value: string, isProxy: (ip: string) => boolean): string | null {
  let end = value.length;
  let found: string | null = null;
  while (end > 0) {
    const comma = value.lastIndexOf(',', end - 1);
    const ip = addressOf(value.slice(comma + 1, end));
    end = comma;
    if (ip !== null) {
      found = ip;
      if (!isProxy(ip)) return ip;
    }
    if (comma < 0) break;
  }
  return found;
}

/** An X-Forwarded-For entry as an address, or null when it is none. */
function addressOf(entry: string): string | null {
  const trimmed = entry.trim();
  // No address, with a port and brackets, is longer than this: longer text is not looked at.
  if (trimmed === '' || trimmed.length > 60) return null;
  const ip = normalizeMapped(stripPort(trimmed));
  return isIP(ip) === 0 ? null : ip;
}

function stripPort(entry: string): string {
  // "[2001:db8::1]:443" and "203.0.113.7:80" carry ports; bare IPv6 has several colons.
  if (entry.startsWith('[')) return entry.slice(1, entry.indexOf(']'));
  const colon = entry.indexOf(':');
  return colon > 0 && colon === entry.lastIndexOf(':') ? entry.slice(0, colon) : entry;
}

function normalizeMapped(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
