// The free-mail domains of free-email-domains-list, read from the package's
// constants.js as text instead of being required.
//
// That file is one `new Set([...])` of ~97,000 string literals: requiring it
// makes V8 compile the array literal and keeps ~30 MB of RSS, and a Set built
// from the same text still costs ~20 MB (a heap string per domain). Here the
// file's bytes are the storage: an open-addressing table of offsets into them
// answers `has` without a string per domain, in 3.6 MB of typed arrays.

import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface DomainSet {
  readonly size: number;
  has(domain: string): boolean;
}

const QUOTE = 34;
const COMMA = 44;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
// DNS names are at most 253 bytes, so one byte holds an entry's length.
const MAX_ENTRY = 255;
// Unicode-mode regexes see a surrogate pair as one code point: this matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;
const utf8 = new TextEncoder();

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** 32-bit FNV-1a over bytes[start..end). */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

class ByteDomainSet implements DomainSet {
  readonly size: number;
  private readonly mask: number;
  // 1 + entry number per slot; 0 is an empty slot.
  private readonly slots: Uint32Array;
  // A query's UTF-8 bytes: 255 UTF-16 units encode to at most 765 bytes.
  private readonly scratch = new Uint8Array(3 * MAX_ENTRY);

  constructor(
    private readonly bytes: Uint8Array,
    private readonly starts: Uint32Array,
    private readonly lengths: Uint8Array,
  ) {
    // At most half full, so probe sequences stay short.
    let cap = 16;
    while (cap < starts.length * 2) cap *= 2;
    this.mask = cap - 1;
    this.slots = new Uint32Array(cap);
    let size = 0;
    for (let e = 0; e < starts.length; e++) {
      const s = this.probe(bytes, starts[e], starts[e] + lengths[e]);
      if (this.slots[s] === 0) {
        this.slots[s] = e + 1;
        size++;
      }
    }
    this.size = size;
  }

  has(domain: string): boolean {
    const n = domain.length;
    if (n > MAX_ENTRY) return false;
    const q = this.scratch;
    let len = 0;
    for (let i = 0; i < n; i++) {
      const c = domain.charCodeAt(i);
      if (c > 127) {
        // Well-formed text has exactly one UTF-8 spelling, so equal bytes
        // mean equal strings; the encoder would turn a lone surrogate into U+FFFD.
        if (LONE_SURROGATE.test(domain)) return false;
        len = utf8.encodeInto(domain, q).written;
        break;
      }
      q[len++] = c;
    }
    return len <= MAX_ENTRY && this.slots[this.probe(q, 0, len)] !== 0;
  }

  /** The slot holding the entry equal to key[start..end), else the empty slot where it would go. */
  private probe(key: Uint8Array, start: number, end: number): number {
    const len = end - start;
    for (let s = hashBytes(key, start, end) & this.mask; ; s = (s + 1) & this.mask) {
      const slot = this.slots[s];
      if (slot === 0) return s;
      const e = slot - 1;
      if (this.lengths[e] !== len) continue;
      const at = this.starts[e];
      let i = 0;
      while (i < len && this.bytes[at + i] === key[start + i]) i++;
      if (i === len) return s;
    }
  }
}

/**
 * The strings of a `new Set([ "a", "b", ... ])` in JS source, or null when the
 * text is not that shape: no marker, an escape (the bytes would differ from
 * the string), a line break in a string, invalid UTF-8, or an entry over 255 bytes.
 */
export function parseSetLiteral(source: Uint8Array, marker = 'new Set(['): DomainSet | null {
  if (!isUtf8(source)) return null;
  const from = Buffer.from(source.buffer, source.byteOffset, source.byteLength).indexOf(marker);
  if (from === -1) return null;
  const len = source.length;
  // Two quotes an entry: sized once, exactly, when the text has the expected shape.
  let quotes = 0;
  for (let i = from; i < len; i++) if (source[i] === QUOTE) quotes++;
  const starts = new Uint32Array(quotes >>> 1);
  const lengths = new Uint8Array(quotes >>> 1);
  let count = 0;
  let i = from + marker.length;
  for (;;) {
    while (i < len && isSpace(source[i])) i++;
    if (source[i] === CLOSE_BRACKET) break;
    if (source[i] !== QUOTE) return null;
    const start = ++i;
    while (i < len && source[i] !== QUOTE) {
      const c = source[i];
      if (c === BACKSLASH || c === 10 || c === 13) return null;
      i++;
    }
    if (i === len || i - start > MAX_ENTRY) return null;
    starts[count] = start;
    lengths[count] = i - start;
    count++;
    i++;
    while (i < len && isSpace(source[i])) i++;
    if (source[i] === COMMA) i++;
    else if (source[i] !== CLOSE_BRACKET) return null;
  }
  return new ByteDomainSet(source, starts.subarray(0, count), lengths.subarray(0, count));
}

const PACKAGE_FILE = 'free-email-domains-list/build/src/constants.js';

/**
 * The installed free-mail list. Should a later version of the package change
 * the file's shape, the module is required as before: more memory, same answers.
 */
export function loadFreeMailDomains(): DomainSet {
  const require = createRequire(import.meta.url);
  const parsed = parseSetLiteral(readFileSync(require.resolve(PACKAGE_FILE)));
  return parsed ?? (require(PACKAGE_FILE) as { DOMAINS: ReadonlySet<string> }).DOMAINS;
}
