import type { IncomingMessage } from 'node:http';

/**
 * The client's address. Behind `hops` trusted reverse proxies, each appends
 * the address it received from to X-Forwarded-For, so the entry `hops` from
 * the right is the one our outermost proxy saw; anything further left was
 * written by the client and may be forged.
 */
export function clientIp(req: IncomingMessage, hops: number): string {
  const socketIp = normalizeMapped(req.socket.remoteAddress ?? '');
  if (hops <= 0) return socketIp;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return socketIp;
  const entry = entryFromRight(value, hops);
  return entry ? normalizeMapped(stripPort(entry)) : socketIp;
}

/**
 * The non-empty entry `hops` from the right (1: the last), or the leftmost when
 * there are fewer. Scanned from the right rather than split: this runs on every
 * beacon, and the header usually holds one or two entries.
 */
function entryFromRight(value: string, hops: number): string | null {
  let end = value.length;
  let found: string | null = null;
  for (let seen = 0; seen < hops && end > 0;) {
    const comma = value.lastIndexOf(',', end - 1);
    const entry = value.slice(comma + 1, end).trim();
    end = comma;
    if (entry === '') {
      if (comma < 0) break;
      continue;
    }
    found = entry;
    seen += 1;
    if (comma < 0) break;
  }
  return found;
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
