// AS organization names, kept as their CSV bytes and decoded on first use.
//
// Decoding all ~91,000 names at load cost ~11 MB of RSS: the strings outlive
// their first GCs, so V8 grows the young generation for them, and it never
// shrinks back while the collector idles. A site sees a few thousand ASes.

// Bytes are appended to blocks of this size, never copied to a larger one.
const BLOCK_BITS = 18;
const BLOCK = 1 << BLOCK_BITS;
// A longer field (none in the shipped data) is decoded at load instead.
const MAX_STORED = 0xffff;

const utf8 = new TextDecoder();

/**
 * The org field: bare text, or "quoted" with "" for a quote. Decoded from the
 * bytes so each name is its own small string (a slice of one big decoded file
 * would keep the whole file alive in the heap).
 */
export function decodeOrg(text: Uint8Array, start: number, end: number): string {
  if (text[start] === 34 && end - start >= 2 && text[end - 1] === 34) {
    return utf8
      .decode(text.subarray(start + 1, end - 1))
      .replaceAll('""', '"')
      .trim();
  }
  return utf8.decode(text.subarray(start, end)).trim();
}

function grown<T extends Uint32Array | Uint16Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

export class OrgNames {
  constructor(
    readonly count: number,
    private readonly blocks: Uint8Array[],
    // block << BLOCK_BITS | offset, and byte length, per id.
    private readonly at: Uint32Array,
    private readonly length: Uint16Array,
    // Decoded names; holes until first use.
    private readonly names: (string | undefined)[],
  ) {}

  /** The name of AS id `id` (0..count-1). */
  get(id: number): string {
    let name = this.names[id];
    if (name === undefined) {
      const at = this.at[id];
      const offset = at & (BLOCK - 1);
      name = decodeOrg(this.blocks[at >>> BLOCK_BITS], offset, offset + this.length[id]);
      this.names[id] = name;
    }
    return name;
  }
}

export class OrgNamesBuilder {
  private count = 0;
  private blocks: Uint8Array[] = [];
  private used = BLOCK; // of the last block: full, so the first add opens one
  private at = new Uint32Array(4096);
  private length = new Uint16Array(4096);
  private eager = new Map<number, string>();

  /** Stores the org field text[start..end) as the next id's name. */
  add(text: Uint8Array, start: number, end: number): void {
    const id = this.count++;
    if (id === this.at.length) {
      this.at = grown(this.at, (n) => new Uint32Array(n));
      this.length = grown(this.length, (n) => new Uint16Array(n));
    }
    const len = end - start;
    if (len > MAX_STORED) {
      this.eager.set(id, decodeOrg(text, start, end));
      return;
    }
    if (this.used + len > BLOCK) {
      this.blocks.push(new Uint8Array(BLOCK));
      this.used = 0;
    }
    const b = this.blocks.length - 1;
    const block = this.blocks[b];
    // A byte loop: a subarray view per name would be ~91,000 more objects.
    for (let i = 0; i < len; i++) block[this.used + i] = text[start + i];
    this.at[id] = (b << BLOCK_BITS) | this.used;
    this.length[id] = len;
    this.used += len;
  }

  build(): OrgNames {
    const names = new Array<string | undefined>(this.count);
    for (const [id, name] of this.eager) names[id] = name;
    return new OrgNames(this.count, this.blocks, this.at, this.length, names);
  }
}
