// The parts of the MaxMind DB format (https://maxmind.github.io/MaxMind-DB/)
// that flattening the country database needs: the metadata, the search
// tree's records, and the data records behind its leaves.
//
// Why not the maxmind package's Reader: it needs the whole file in one
// Buffer (7.8 MB that stays resident until a full GC) and its import alone
// costs ~4 MB of RSS. The tree is read here through a window that slides
// forward: writers number nodes depth-first, so a depth-first walk reads the
// file front to back, once.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface MmdbMetadata {
  nodeCount: number;
  recordSize: number;
  ipVersion: number;
}

const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'); // \xAB\xCD\xEF "MaxMind.com"
// The format keeps the metadata within the last 128 KiB of the file.
const METADATA_MAX = 128 * 1024;
const WINDOW = 256 * 1024;
const utf8 = new TextDecoder();

/** Decodes data-section values; pointers are relative to `base` within `buf`. */
export class DataDecoder {
  constructor(
    private readonly buf: Uint8Array,
    private readonly base: number,
  ) {}

  /** The value at `offset` (an index into buf). */
  decode(offset: number): unknown {
    return this.read(offset)[0];
  }

  private read(offset: number): [unknown, number] {
    const b = this.buf;
    const ctrl = b[offset++];
    let type = ctrl >> 5;
    if (type === 1) {
      // Pointer: two bits of size, three bits of value, then 1-4 bytes.
      const size = (ctrl >> 3) & 3;
      const high = ctrl & 7;
      let p: number;
      if (size === 0) p = high * 0x100 + b[offset];
      else if (size === 1) p = high * 0x10000 + b[offset] * 0x100 + b[offset + 1] + 2048;
      else if (size === 2) p = high * 0x1000000 + b[offset] * 0x10000 + b[offset + 1] * 0x100 + b[offset + 2] + 526336;
      else p = b[offset] * 0x1000000 + b[offset + 1] * 0x10000 + b[offset + 2] * 0x100 + b[offset + 3];
      return [this.read(this.base + p)[0], offset + size + 1];
    }
    if (type === 0) type = 7 + b[offset++]; // extended type
    let size = ctrl & 0x1f;
    if (size === 29) size = 29 + b[offset++];
    else if (size === 30) {
      size = 285 + b[offset] * 0x100 + b[offset + 1];
      offset += 2;
    } else if (size === 31) {
      size = 65821 + b[offset] * 0x10000 + b[offset + 1] * 0x100 + b[offset + 2];
      offset += 3;
    }
    switch (type) {
      case 2: // UTF-8 string
        return [utf8.decode(b.subarray(offset, offset + size)), offset + size];
      case 3: // double
        return [new DataView(b.buffer, b.byteOffset + offset, 8).getFloat64(0), offset + size];
      case 4: // bytes
        return [b.slice(offset, offset + size), offset + size];
      case 5: // uint16
      case 6: // uint32
        return [this.unsigned(offset, size), offset + size];
      case 7: {
        // map: `size` pairs, keys are strings (or pointers to them)
        const map: Record<string, unknown> = {};
        for (let i = 0; i < size; i++) {
          const [key, afterKey] = this.read(offset);
          const [value, next] = this.read(afterKey);
          map[String(key)] = value;
          offset = next;
        }
        return [map, offset];
      }
      case 8: {
        // int32: up to 4 bytes, two's complement when all 4 are there
        const v = this.unsigned(offset, size);
        return [size === 4 ? v | 0 : v, offset + size];
      }
      case 9: // uint64
      case 10: {
        // uint128
        let v = 0n;
        for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(b[offset + i]);
        return [v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v, offset + size];
      }
      case 11: {
        const array: unknown[] = [];
        for (let i = 0; i < size; i++) {
          const [value, next] = this.read(offset);
          array.push(value);
          offset = next;
        }
        return [array, offset];
      }
      case 14: // boolean: the size is the value
        return [size !== 0, offset];
      case 15: // float
        return [new DataView(b.buffer, b.byteOffset + offset, 4).getFloat32(0), offset + size];
      default:
        throw new Error(`MMDB: unknown data type ${type} at ${offset - 1}`);
    }
  }

  private unsigned(offset: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.buf[offset + i];
    return v;
  }
}

/** Metadata from the tail of a file (the last METADATA_MAX bytes or fewer). */
export function parseMetadata(tail: Uint8Array): MmdbMetadata {
  const at = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength).lastIndexOf(METADATA_MARKER);
  if (at === -1) throw new Error('MMDB: no metadata marker (not a MaxMind DB file)');
  const start = at + METADATA_MARKER.length;
  const md = new DataDecoder(tail, start).decode(start) as Record<string, unknown>;
  const nodeCount = md.node_count;
  const recordSize = md.record_size;
  const ipVersion = md.ip_version;
  if (typeof nodeCount !== 'number' || (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) || (ipVersion !== 4 && ipVersion !== 6)) {
    throw new Error('MMDB: unsupported metadata');
  }
  return { nodeCount, recordSize, ipVersion };
}

/**
 * A MaxMind DB: tree records through a forward-sliding window over the file
 * (or over a buffer already in memory), data records decoded on demand.
 */
export class MmdbFile implements MmdbMetadata {
  readonly nodeCount: number;
  readonly recordSize: number;
  readonly ipVersion: number;
  private readonly nodeBytes: number;
  private readonly treeSize: number;
  private readonly size: number;
  private window: Uint8Array;
  private windowStart = 0;
  private windowEnd = 0;
  private backward = 0;
  private decoder: DataDecoder | null = null;

  private constructor(
    private readonly fd: number | null,
    private readonly whole: Uint8Array | null,
    size: number,
    windowBytes = WINDOW,
  ) {
    this.size = size;
    const tailLength = Math.min(size, METADATA_MAX);
    const tail = whole ? whole.subarray(size - tailLength) : this.readAt(new Uint8Array(tailLength), size - tailLength);
    const md = parseMetadata(tail);
    this.nodeCount = md.nodeCount;
    this.recordSize = md.recordSize;
    this.ipVersion = md.ipVersion;
    this.nodeBytes = md.recordSize / 4;
    this.treeSize = md.nodeCount * this.nodeBytes;
    if (whole) {
      this.window = whole;
      this.windowEnd = this.treeSize;
    } else {
      this.window = new Uint8Array(Math.max(this.nodeBytes, Math.min(windowBytes, this.treeSize)));
    }
  }

  /** `windowBytes`: the read window (tests make it tiny). */
  static open(path: string, windowBytes = WINDOW): MmdbFile {
    const fd = openSync(path, 'r');
    try {
      return new MmdbFile(fd, null, fstatSync(fd).size, windowBytes);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  static fromBuffer(buf: Uint8Array): MmdbFile {
    return new MmdbFile(null, buf, buf.length);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }

  /** The left or right record of tree node `node`. */
  record(node: number, right: boolean): number {
    let o = node * this.nodeBytes - this.windowStart;
    if (o < 0 || o + this.nodeBytes > this.windowEnd - this.windowStart) o = this.slideTo(node * this.nodeBytes);
    const b = this.window;
    switch (this.recordSize) {
      case 24:
        return right ? (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5] : (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
      case 28:
        return right
          ? (b[o + 3] & 0x0f) * 0x1000000 + ((b[o + 4] << 16) | (b[o + 5] << 8) | b[o + 6])
          : ((b[o + 3] & 0xf0) >> 4) * 0x1000000 + ((b[o] << 16) | (b[o + 1] << 8) | b[o + 2]);
      default: {
        const p = right ? o + 4 : o;
        return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
      }
    }
  }

  /** The data record a leaf record points to (record > nodeCount). */
  data(record: number): unknown {
    const dataStart = this.treeSize + 16;
    if (this.decoder === null) {
      // Small in a country database (1.7 KB here): read once, whole.
      const section = this.whole ? this.whole.subarray(dataStart) : this.readAt(new Uint8Array(this.size - dataStart), dataStart);
      this.decoder = new DataDecoder(section, 0);
    }
    return this.decoder.decode(record - this.nodeCount - 16);
  }

  /** Moves the window to start at byte `at` of the tree; returns the offset of `at` in it. */
  private slideTo(at: number): number {
    if (this.whole || at + this.nodeBytes > this.treeSize) throw new Error(`MMDB: node offset ${at} outside the search tree`);
    // Depth-first numbering only goes back when a walk restarts at the root.
    // A tree laid out otherwise would miss on most reads: it is read whole, once.
    if (at < this.windowStart && ++this.backward > 16) {
      this.window = this.readAt(new Uint8Array(this.treeSize), 0);
      this.windowStart = 0;
      this.windowEnd = this.treeSize;
      return at;
    }
    const length = Math.min(this.window.length, this.treeSize - at);
    this.readAt(this.window.subarray(0, length), at);
    this.windowStart = at;
    this.windowEnd = at + length;
    return 0;
  }

  private readAt(into: Uint8Array, position: number): Uint8Array {
    let done = 0;
    while (done < into.length) {
      const n = readSync(this.fd!, into, done, into.length - done, position + done);
      if (n === 0) throw new Error('MMDB: file ended early');
      done += n;
    }
    return into;
  }
}
