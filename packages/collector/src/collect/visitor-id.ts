import { createHmac } from 'node:crypto';
import type { Db } from '../store/db.js';
import { saltForDay } from '../store/visitor-salts.js';

/** Derives the daily visitor id for no-storage beacons, keeping today's salt in memory. */
export function createVisitorIdDeriver(db: Db) {
  let day = '';
  let stamp = '';
  let salt: Buffer = Buffer.alloc(0);
  return (siteId: string, ip: string, userAgent: string, now: number): string => {
    const today = new Date(now).toISOString().slice(0, 10);
    if (today !== day) {
      salt = saltForDay(db, today);
      day = today;
      stamp = today.replaceAll('-', '');
    }
    // The "d_" prefix tells derived ids from the tracker's stored ones. The day after it keeps a
    // day's visitors together in the indexes keyed by visitor id (as the tracker's time-first ids
    // do), and tells nothing the visitor row's first_seen does not.
    return `d_${stamp}_${createHmac('sha256', salt).update(`${siteId}\n${ip}\n${userAgent}`).digest('base64url').slice(0, 22)}`;
  };
}
