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
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  const entry = entries[Math.max(0, entries.length - hops)];
  return entry ? normalizeMapped(stripPort(entry)) : socketIp;
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
