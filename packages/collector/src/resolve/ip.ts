// IP address text <-> bytes, canonical forms, sortable keys, CIDR ranges and
// the reserved-address rules. Pure: no I/O, no dependencies.
//
// Every address is handled as 16 bytes internally (IPv4 as the IPv4-mapped
// IPv6 address ::ffff:a.b.c.d) so one key space orders both families.

export interface ParsedIp {
  version: 4 | 6;
  bytes: Uint8Array; // 4 bytes for IPv4, 16 for IPv6
}

// Longest legal text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (45).
// Checked before any parsing so hostile input costs nothing.
const MAX_IP_TEXT = 45;

const HEX = '0123456789abcdef';

/** Parses dotted IPv4 into 4 bytes, or null. */
function parseIpv4(text: string, start: number, end: number): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 46 /* '.' sentinel */ : text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // A leading zero ("010") means octal to inet_aton and decimal to others:
      // ambiguous, so rejected like the WHATWG URL parser and Python do.
      if (digits === 1 && value === 0) return null;
      value = value * 10 + (c - 48);
      digits++;
      if (value > 255) return null;
    } else if (c === 46) {
      if (digits === 0 || part > 3) return null;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  return part === 4 ? out : null;
}

/** Parses one IPv6 hex group (1-4 hex digits) or returns -1. */
function parseGroup(g: string): number {
  if (g.length === 0 || g.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Parses a list of ':'-separated groups (last may be dotted IPv4) into 16-bit words. */
function parseGroups(text: string, allowV4Tail: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIpv4(p, 0, p.length);
      if (!v4) return null;
      words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else {
      const w = parseGroup(p);
      if (w < 0) return null;
      words.push(w);
    }
  }
  return words;
}

function parseIpv6(text: string): Uint8Array | null {
  // Zones ("fe80::1%eth0") name an interface on the sender's host: meaningless
  // to us, and a way to smuggle text into keys, so they are rejected.
  const dc = text.indexOf('::');
  let words: number[];
  if (dc === -1) {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return null;
    words = all;
  } else {
    if (text.indexOf('::', dc + 1) !== -1) return null; // at most one "::"
    const head = parseGroups(text.slice(0, dc), false);
    const tail = parseGroups(text.slice(dc + 2), true);
    // "::" stands for at least one zero group, so at most 7 explicit ones.
    if (!head || !tail || head.length + tail.length > 7) return null;
    words = head.concat(new Array<number>(8 - head.length - tail.length).fill(0), tail);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = words[i] >> 8;
    out[i * 2 + 1] = words[i] & 0xff;
  }
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * Strict parse. IPv4-mapped IPv6 (::ffff:a.b.c.d) comes back as IPv4, because
 * dual-stack sockets report IPv4 clients that way and they are the same host.
 */
export function parseIp(text: string): ParsedIp | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_IP_TEXT) return null;
  if (text.indexOf(':') === -1) {
    const v4 = parseIpv4(text, 0, text.length);
    return v4 ? { version: 4, bytes: v4 } : null;
  }
  const v6 = parseIpv6(text);
  if (!v6) return null;
  if (isV4Mapped(v6)) return { version: 4, bytes: v6.slice(12) };
  return { version: 6, bytes: v6 };
}

function formatIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** RFC 5952 text: lowercase, no leading zeros, longest run (>= 2) of zero groups as "::", first on ties. */
function formatIpv6(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((b[i * 2] << 8) | b[i * 2 + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (w: number) => w.toString(16);
  if (bestLen < 2) return words.map(hex).join(':');
  const head = words.slice(0, bestStart).map(hex).join(':');
  const tail = words
    .slice(bestStart + bestLen)
    .map(hex)
    .join(':');
  return `${head}::${tail}`;
}

/** Canonical text of a parsed address. */
export function formatIp(ip: ParsedIp): string {
  return ip.version === 4 ? formatIpv4(ip.bytes) : formatIpv6(ip.bytes);
}

export function normalizeIp(text: string): string | null {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
}

/** The 16-byte form: IPv4 becomes ::ffff:a.b.c.d. */
export function toBytes16(ip: ParsedIp): Uint8Array {
  if (ip.version === 6) return ip.bytes;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(ip.bytes, 12);
  return out;
}

export function bytesToKey(bytes16: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += HEX[bytes16[i] >> 4] + HEX[bytes16[i] & 15];
  return s;
}

/** The key of an already parsed address (see ipKey). */
export function keyOf(ip: ParsedIp): string {
  return bytesToKey(toBytes16(ip));
}

/**
 * 32 lowercase hex chars of the 16-byte form. Fixed width and big-endian, so
 * string comparison orders keys like addresses: a CIDR match in SQL is
 * `lo <= key AND key <= hi`.
 */
export function ipKey(text: string): string | null {
  const ip = parseIp(text);
  return ip ? keyOf(ip) : null;
}

/**
 * "a.b.c.d/n", "x::/n" or a single address (lo = hi). Host bits below the
 * prefix are cleared ("10.1.2.3/8" is 10.0.0.0/8), as ip(8) and ipset do, so an
 * operator pasting an address with its mask gets the network they meant.
 * The prefix is returned as written: 0-32 for IPv4 text, 0-128 for IPv6 text.
 */
export function parseCidr(text: string): { lo: string; hi: string; prefix: number } | null {
  if (typeof text !== 'string' || text.length > MAX_IP_TEXT + 4) return null;
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIp(addr);
  if (!ip) return null;
  const isV6Text = addr.indexOf(':') !== -1;
  const maxPrefix = isV6Text ? 128 : 32;
  let prefix = maxPrefix;
  if (slash !== -1) {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > maxPrefix) return null;
  }
  // Prefix measured over the 16-byte form: IPv4 text sits behind 96 bits of ::ffff.
  const bits = isV6Text ? prefix : prefix + 96;
  const bytes = toBytes16(ip);
  // ::ffff:0:0/95 and shorter reach outside the mapped block; that is fine,
  // the key range still covers exactly the addresses the prefix names.
  const lo = new Uint8Array(16);
  const hi = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    const mask = keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
    lo[i] = bytes[i] & mask;
    hi[i] = (bytes[i] & mask) | (~mask & 0xff);
  }
  return { lo: bytesToKey(lo), hi: bytesToKey(hi), prefix };
}

// ---- special-purpose ranges -------------------------------------------------

/**
 * IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates): blocks no
 * visitor on the public internet can come from. Decided on the first two
 * octets so the check costs a switch, not a scan.
 */
function isReservedV4(b: Uint8Array): boolean {
  const a = b[0];
  const o2 = b[1];
  switch (a) {
    case 0: // "this network" (RFC 791): only a source during boot
    case 10: // private (RFC 1918)
    case 127: // loopback: our own host or a local proxy
      return true;
    case 100: // carrier-grade NAT shared space 100.64.0.0/10 (RFC 6598): thousands of subscribers behind one
      return o2 >= 64 && o2 <= 127;
    case 169: // link-local 169.254.0.0/16 (RFC 3927)
      return o2 === 254;
    case 172: // private 172.16.0.0/12 (RFC 1918)
      return o2 >= 16 && o2 <= 31;
    case 192:
      // 192.0.0.0/24 IETF protocol assignments (RFC 6890), 192.88.99.0/24
      // deprecated 6to4 relay anycast (RFC 7526), 192.168.0.0/16 private.
      return (o2 === 0 && b[2] === 0) || (o2 === 88 && b[2] === 99) || o2 === 168;
    case 198: // benchmarking 198.18.0.0/15 (RFC 2544)
      return o2 === 18 || o2 === 19;
    default:
      // 224.0.0.0/4 multicast (never a unicast client) and 240.0.0.0/4
      // reserved for future use, including 255.255.255.255 broadcast.
      return a >= 224;
  }
}

/**
 * Documentation ranges (RFC 5737): public-looking addresses that are never
 * routed. Identity data may use them, so tests and examples work with them.
 */
function isDocumentationV4(b: Uint8Array): boolean {
  return (
    (b[0] === 192 && b[1] === 0 && b[2] === 2) || // TEST-NET-1
    (b[0] === 198 && b[1] === 51 && b[2] === 100) || // TEST-NET-2
    (b[0] === 203 && b[1] === 0 && b[2] === 113) // TEST-NET-3
  );
}

/** The IPv4 address as an unsigned 32-bit integer. */
export function v4ToInt(b: Uint8Array): number {
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

function isDocumentationV6(b: Uint8Array): boolean {
  // 2001:db8::/32 (RFC 3849), the classic documentation prefix.
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return true;
  // 3fff::/20 (RFC 9637), the larger documentation prefix added in 2024.
  return b[0] === 0x3f && (b[1] & 0xf0) === 0xf0;
}

function isReservedV6(b: Uint8Array): boolean {
  // Only 2000::/3 is allocated by IANA as global unicast; everything else
  // (::1, ::, NAT64 64:ff9b::/96, discard 100::/64, ULA fc00::/7, link-local
  // fe80::/10, multicast ff00::/8, unallocated space) is no public visitor.
  if ((b[0] & 0xe0) !== 0x20) return true;
  // 2001::/23 IETF protocol assignments, including Teredo 2001::/32: tunnels
  // whose real client address is hidden (RFC 6890).
  if (b[0] === 0x20 && b[1] === 0x01 && (b[2] & 0xfe) === 0x00) return true;
  // 2002::/16 6to4 (RFC 3056, deprecated by RFC 7526): a relay, not the client.
  if (b[0] === 0x20 && b[1] === 0x02) return true;
  return false;
}

/** Reserved check on a parsed address (documentation ranges are not reserved). */
export function isReservedIp(ip: ParsedIp): boolean {
  if (ip.version === 4) return isReservedV4(ip.bytes);
  if (isDocumentationV6(ip.bytes)) return false;
  return isReservedV6(ip.bytes);
}

export function isDocumentationIp(ip: ParsedIp): boolean {
  if (ip.version === 4) return isDocumentationV4(ip.bytes);
  return isDocumentationV6(ip.bytes);
}

/** True for private, loopback, link-local, CGNAT, multicast and other non-public space. False for invalid text. */
export function isReserved(text: string): boolean {
  const ip = parseIp(text);
  return ip !== null && isReservedIp(ip);
}

/** True for the documentation ranges: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20. */
export function isDocumentation(text: string): boolean {
  const ip = parseIp(text);
  return ip !== null && isDocumentationIp(ip);
}

/** One address as an identity range: its bounds, and its prefix counted over the 16-byte form as identity data stores it. */
export function singleAddressRange(ip: string): { lo: string; hi: string; prefix: number } | null {
  const range = parseCidr(ip);
  return range ? { lo: range.lo, hi: range.hi, prefix: 128 } : null;
}
