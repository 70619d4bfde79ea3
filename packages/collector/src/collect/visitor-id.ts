import { createHmac } from 'node:crypto';
import type { Db } from '../store/db.js';
import { saltForDay } from '../store/visitor-salts.js';

/** Derives the daily visitor id for no-storage beacons, keeping today's salt in memory. */
export function createVisitorIdDeriver(db: Db) {
  let day = '';
  let salt: Buffer = Buffer.alloc(0);
  return (siteId: string, ip: string, userAgent: string, now: number): string => {
    const today = new Date(now).toISOString().slice(0, 10);
    if (today !== day) {
      salt = saltForDay(db, today);
      day = today;
    }
    // The "d_" prefix tells derived ids from the tracker's stored ones.
    return `d_${createHmac('sha256', salt).update(`${siteId}\n${ip}\n${userAgent}`).digest('base64url').slice(0, 22)}`;
  };
}
