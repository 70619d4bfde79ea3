import type { Db } from './db.js';
import { prepared } from './prepared.js';

/**
 * The compact keys of page_view_rows and visitor_rows (migration 007): sites and page
 * origins as small numbers, and ids made only of digits packed two digits a byte.
 */

const digitsOnly = /^[0-9]+$/;

/**
 * An id as stored: the tracker's ids are time-first digit strings (about 40 digits),
 * which a BLOB holds in half the bytes; any other id stays text. Packing pads an odd
 * count of digits with an F nibble, so hex() reads the digits back (see unpackedSql).
 */
export function packId(id: string): string | Buffer {
  return digitsOnly.test(id) ? Buffer.from(id.length % 2 === 1 ? `${id}f` : id, 'hex') : id;
}

/** The SQL that reads a packed id column back as the text it was. */
export const unpackedSql = (column: string) => `CASE WHEN typeof(${column}) = 'blob' THEN rtrim(hex(${column}), 'F') ELSE ${column} END`;

const siteNumbers = new WeakMap<Db, Map<string, number>>();

/**
 * The site's number in page_view_rows and visitor_rows, or null when it has none (no such
 * site: a read then finds nothing). A site's number is written with the site, so once
 * read it holds for good and each connection keeps it; a number given to an id that is
 * no site (ensureSiteNumber) may yet be rolled back, so it is looked up every time.
 */
export function siteNumber(db: Db, siteId: string): number | null {
  let numbers = siteNumbers.get(db);
  if (!numbers) siteNumbers.set(db, (numbers = new Map<string, number>()));
  const known = numbers.get(siteId);
  if (known !== undefined) return known;
  const row = prepared<[string], { num: number; site: number }>(
    db,
    'SELECT n.num, EXISTS (SELECT 1 FROM sites s WHERE s.id = n.site_id) AS site FROM site_numbers n WHERE n.site_id = ?',
  ).get(siteId);
  if (row === undefined) return null;
  if (row.site) numbers.set(siteId, row.num);
  return row.num;
}

/** The site's number, given one first if it has none (sites get theirs when created; this covers rows written for others). */
export function ensureSiteNumber(db: Db, siteId: string): number {
  const known = siteNumber(db, siteId);
  if (known !== null) return known;
  prepared<[string]>(db, 'INSERT OR IGNORE INTO site_numbers (site_id) VALUES (?)').run(siteId);
  return siteNumber(db, siteId)!;
}

/**
 * The number of a page origin ("https://www.example.com"), added if new. Looked up on
 * every call (one index probe): a number kept in memory could outlive the rollback of the
 * transaction that created it.
 */
export function originNumber(db: Db, origin: string): number {
  const known = prepared<[string], number>(db, 'SELECT num FROM page_origins WHERE origin = ?').pluck(true).get(origin);
  if (known !== undefined) return known;
  return Number(prepared<[string]>(db, 'INSERT INTO page_origins (origin) VALUES (?)').run(origin).lastInsertRowid);
}
