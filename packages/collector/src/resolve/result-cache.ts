// The resolver's result cache: per site, per address text, with a TTL and a
// size bound. Two generations of Maps instead of lru-cache because the hot
// path must do millions of hits a second on one core, and lru-cache with a TTL
// and a `site + ip` key did about half of this (bench/resolve.mjs compares).
//
// - Lookup: the current generation, then the previous one (a hit there is
//   promoted, so anything used within two generations survives: LRU-like).
// - Size: when the current generation holds max/2 entries it becomes the
//   previous one and the oldest generation is dropped whole: at most `max`
//   entries, and eviction costs nothing per call.
// - TTL: each entry keeps its expiry time; an expired entry is a miss.
// - Sites: one inner Map per site, so invalidating a site is two deletes.

interface Entry<V> {
  value: V;
  expires: number;
}

type Generation<V> = Map<string, Map<string, Entry<V>>>;

export class ResultCache<V> {
  private cur: Generation<V> = new Map();
  private prev: Generation<V> = new Map();
  private curSize = 0;
  private prevSize = 0;
  private readonly half: number;

  constructor(
    max: number,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get(site: string, key: string): V | undefined {
    const e = this.cur.get(site)?.get(key);
    if (e !== undefined) {
      if (e.expires > this.now()) return e.value;
      return undefined;
    }
    const old = this.prev.get(site)?.get(key);
    if (old === undefined || old.expires <= this.now()) return undefined;
    // Still in use: carry it into the current generation.
    this.insert(site, key, old);
    return old.value;
  }

  set(site: string, key: string, value: V): void {
    this.insert(site, key, { value, expires: this.now() + this.ttlMs });
  }

  deleteSite(site: string): void {
    const a = this.cur.get(site);
    if (a) this.curSize -= a.size;
    const b = this.prev.get(site);
    if (b) this.prevSize -= b.size;
    this.cur.delete(site);
    this.prev.delete(site);
  }

  clear(): void {
    this.cur = new Map();
    this.prev = new Map();
    this.curSize = 0;
    this.prevSize = 0;
  }

  get size(): number {
    return this.curSize + this.prevSize;
  }

  private insert(site: string, key: string, entry: Entry<V>): void {
    if (this.curSize >= this.half) {
      this.prev = this.cur;
      this.prevSize = this.curSize;
      this.cur = new Map();
      this.curSize = 0;
    }
    let m = this.cur.get(site);
    if (m === undefined) {
      m = new Map();
      this.cur.set(site, m);
    }
    const before = m.size;
    m.set(key, entry);
    this.curSize += m.size - before;
  }
}
