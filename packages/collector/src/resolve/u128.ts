// 128-bit unsigned integers as four big-endian uint32 limbs, for IPv6 ranges
// in typed arrays (a BigUint64Array would need BigInt compares in the hot path).

// Eight 16-bit limbs so that limb * 1e9 + carry stays below 2^53 (exact in a
// double). One shared scratch: an array per call was ~13 MB of garbage per load.
const wide = new Float64Array(8);

/** Decimal ASCII bytes (up to 39 digits) -> 4 limbs written at out[at..at+3]. Returns false on overflow or a non-digit. */
export function decimalToLimbs(text: Uint8Array, start: number, end: number, out: Uint32Array, at: number): boolean {
  const w = wide;
  w.fill(0);
  // The high limbs w[0..top) are still zero: multiplying them is skipped.
  let top = 7;
  let i = start;
  while (i < end) {
    const chunkEnd = Math.min(end, i + 9);
    let chunk = 0;
    let scale = 1;
    for (; i < chunkEnd; i++) {
      const c = text[i] - 48;
      if (c < 0 || c > 9) return false;
      chunk = chunk * 10 + c;
      scale *= 10;
    }
    let carry = chunk;
    for (let k = 7; k >= 0; k--) {
      if (k < top) {
        if (carry === 0) break;
        top = k;
      }
      const v = w[k] * scale + carry;
      carry = Math.floor(v / 65536);
      w[k] = v - carry * 65536;
    }
    if (carry !== 0) return false;
  }
  out[at] = w[0] * 65536 + w[1];
  out[at + 1] = w[2] * 65536 + w[3];
  out[at + 2] = w[4] * 65536 + w[5];
  out[at + 3] = w[6] * 65536 + w[7];
  return true;
}

/** 16 address bytes -> 4 limbs. */
export function bytesToLimbs(b: Uint8Array, out: Uint32Array, at = 0): void {
  for (let k = 0; k < 4; k++) {
    out[at + k] = ((b[k * 4] << 24) | (b[k * 4 + 1] << 16) | (b[k * 4 + 2] << 8) | b[k * 4 + 3]) >>> 0;
  }
}

/** Compares limbs a[ai..] with b[bi..]: negative, 0 or positive. */
export function compareLimbs(a: Uint32Array, ai: number, b: Uint32Array, bi: number): number {
  for (let k = 0; k < 4; k++) {
    const d = a[ai + k] - b[bi + k];
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Index of the last range whose start (starts[4i..4i+3]) is <= key, or -1.
 * `count` ranges, sorted by start.
 */
export function searchLimbs(starts: Uint32Array, count: number, key: Uint32Array): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compareLimbs(starts, mid * 4, key, 0) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Index of the last start <= key in a sorted Uint32Array, or -1. */
export function searchU32(starts: Uint32Array, count: number, key: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= key) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}

/**
 * A /16 index over sorted IPv4 range starts: entry p is the last range whose
 * start is <= p << 16. A lookup then searches only the ranges that can hold
 * its /16 (a handful) instead of the whole array: random lookups were
 * dominated by cache misses across 20 halving steps.
 */
export function buildIndex16(starts: Uint32Array, count: number): Int32Array {
  const index = new Int32Array(65537);
  let i = -1;
  for (let p = 0; p < 65536; p++) {
    const key = p * 65536;
    while (i + 1 < count && starts[i + 1] <= key) i++;
    index[p] = i;
  }
  index[65536] = count - 1;
  return index;
}

/** searchU32 narrowed by buildIndex16: same answer, fewer steps. */
export function searchU32Indexed(starts: Uint32Array, index: Int32Array, key: number): number {
  const p = key >>> 16;
  let lo = index[p];
  let hi = index[p + 1];
  // The answer lies in [index[p], index[p + 1]]: the last start <= key.
  if (lo < 0) lo = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= key) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi;
}
