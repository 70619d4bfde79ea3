/**
 * A 53-bit digest of a sequence of values, for telling "the same inputs as last time"
 * without keeping the inputs. The rescorer stores one beside each breakdown.
 *
 * 53 bits, not 32: a collision would keep an outdated breakdown, and a site checked every
 * few minutes digests billions of inputs over its life. Two independently seeded 32-bit
 * lanes of MurmurHash3's mixing give that margin and fit a JavaScript number, so SQLite
 * stores it as a plain INTEGER.
 *
 * Numbers go in by their IEEE-754 bits, so 1 and 1.0000000001 differ; strings by their
 * UTF-16 code units after their length, so "ab","c" and "a","bc" differ; null apart from "".
 */
export class Digest {
  private a = 0x9e3779b9;
  private b = 0x85ebca6b;
  private words = 0;

  number(value: number): this {
    bits[0] = value;
    this.word(halves[0]!);
    return this.word(halves[1]!);
  }

  optionalNumber(value: number | null): this {
    return value === null ? this.word(NULL) : this.word(0).number(value);
  }

  text(value: string): this {
    this.word(value.length);
    let i = 0;
    // Two code units a word: half the mixing rounds for the paths that make up most of the input.
    for (; i + 1 < value.length; i += 2) this.word(value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16));
    if (i < value.length) this.word(value.charCodeAt(i));
    return this;
  }

  optionalText(value: string | null): this {
    return value === null ? this.word(NULL) : this.text(value);
  }

  /** The digest, in 0..2^53-1. */
  value(): number {
    const a = finish(this.a ^ this.words);
    const b = finish(this.b ^ Math.imul(this.words, 0x27d4eb2f));
    return (b & 0x1fffff) * 0x100000000 + (a >>> 0);
  }

  private word(value: number): this {
    this.a = mix(this.a, value, 0xcc9e2d51, 0x1b873593);
    this.b = mix(this.b, value, 0x1b873593, 0xcc9e2d51);
    this.words++;
    return this;
  }
}

/** A marker no string length reaches: a string's length word is at most 2^30. */
const NULL = 0xffffffff;

const bits = new Float64Array(1);
const halves = new Uint32Array(bits.buffer);

/** One round: scramble the word, fold it into the lane, stir the lane. */
function mix(lane: number, value: number, first: number, second: number): number {
  let k = Math.imul(value, first);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, second);
  let h = lane ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Avalanche, so every input bit reaches every output bit. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
