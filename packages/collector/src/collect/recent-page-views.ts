/**
 * The page-view ids accepted lately, per site. A beacon is answered before the
 * database sees it (collect/writer.ts), so a resend — the tracker's retry, a
 * reloaded queue — is recognised here and answered as a duplicate without being
 * logged again. Older repeats still reach the database, whose unique key stores
 * them once; only their answer then lacks the duplicate header.
 */
export class RecentPageViews {
  private readonly seen = new Set<string>();
  // A ring of the keys in arrival order: the slot to fill next holds the oldest.
  // (Evicting a Map's first key instead slows down as deleted slots pile up in front.)
  private readonly ring: Array<string | undefined>;
  private next = 0;

  constructor(capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  has(siteId: string, pageViewId: string): boolean {
    return this.seen.has(`${siteId} ${pageViewId}`);
  }

  add(siteId: string, pageViewId: string): void {
    const key = `${siteId} ${pageViewId}`;
    if (this.seen.has(key)) return;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.seen.delete(oldest);
    this.ring[this.next] = key;
    this.seen.add(key);
    this.next = (this.next + 1) % this.ring.length;
  }
}
