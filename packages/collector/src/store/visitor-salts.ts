import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import { prepared } from './prepared.js';

/**
 * The salt for one UTC day, created on first use. Every older salt is deleted
 * in the same transaction, so no past day's visitor ids can be recomputed.
 */
export function saltForDay(db: Db, day: string): Buffer {
  return db
    .transaction(() => {
      prepared(db, 'DELETE FROM visitor_salts WHERE day < ?').run(day);
      prepared(db, 'INSERT OR IGNORE INTO visitor_salts (day, salt) VALUES (?, ?)').run(day, randomBytes(32));
      return prepared<[string], { salt: Buffer }>(db, 'SELECT salt FROM visitor_salts WHERE day = ?').get(day)!.salt;
    })
    .immediate();
}

export function listSaltDays(db: Db): string[] {
  return prepared<[], { day: string }>(db, 'SELECT day FROM visitor_salts ORDER BY day')
    .all()
    .map((r) => r.day);
}
