/**
 * The page-view ids accepted lately, per site. A beacon is answered before the
 * database sees it (intake/writer.ts), so a resend — the tracker's retry, a
 * reloaded queue — is recognised here and answered as a duplicate without being
 * logged again. Older repeats still reach the database, whose unique key stores
 * them once; only their answer then lacks the duplicate header.
 */
export class RecentPageViews {
  // One set of ids per site, so no key is built (and hashed) per beacon.
  private readonly bySite = new Map<string, Set<string>>();
  // The ids in arrival order, beside their site's set: the slot to fill next holds the oldest.
  // (Evicting a Set's first key instead slows down as deleted slots pile up in front.)
  private readonly ids: Array<string | undefined>;
  private readonly sets: Array<Set<string> | undefined>;
  private next = 0;

  constructor(capacity: number) {
    this.ids = new Array<string | undefined>(capacity);
    this.sets = new Array<Set<string> | undefined>(capacity);
  }

  has(siteId: string, pageViewId: string): boolean {
    return this.bySite.get(siteId)?.has(pageViewId) ?? false;
  }

  add(siteId: string, pageViewId: string): void {
    let seen = this.bySite.get(siteId);
    if (!seen) this.bySite.set(siteId, (seen = new Set()));
    if (seen.has(pageViewId)) return;
    const oldest = this.ids[this.next];
    if (oldest !== undefined) this.sets[this.next]!.delete(oldest);
    this.ids[this.next] = pageViewId;
    this.sets[this.next] = seen;
    seen.add(pageViewId);
    this.next = (this.next + 1) % this.ids.length;
  }
}
