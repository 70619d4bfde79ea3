/**
 * The page-view ids accepted lately, per site. A beacon is answered before the
 * database sees it (collect/writer.ts), so a resend — the tracker's retry, a
 * reloaded queue — is recognised here and answered as a duplicate without being
 * logged again. Older repeats still reach the database, whose unique key stores
 * them once; only their answer then lacks the duplicate header.
 */
export class RecentPageViews {
  // A Map keeps insertion order: deleting its first key evicts the oldest.
  private readonly seen = new Map<string, true>();

  constructor(private readonly capacity: number) {}

  has(siteId: string, pageViewId: string): boolean {
    return this.seen.has(`${siteId} ${pageViewId}`);
  }

  add(siteId: string, pageViewId: string): void {
    const key = `${siteId} ${pageViewId}`;
    if (this.seen.has(key)) return;
    this.seen.set(key, true);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
  }
}
