import type { Db } from './db.js';

/**
 * What the list reads share: a page is asked for by offset (`page`) or after the key of
 * the last row already seen (a cursor), and comes back with the total that match and the
 * key to continue from. A key is the row's values in the list's order, its row number last.
 */
export type ListKey = Array<number | string>;

export interface PageRequest {
  limit: number;
  /** Rows to skip; ignored when `after` is given. */
  offset: number;
  /** Continue after the row with this key (from a previous page's `next`). */
  after?: ListKey | null;
}

export interface ListPage<Row> {
  rows: Row[];
  total: number;
  /** The key of the page's last row when more rows follow, else null. */
  next: ListKey | null;
}

export type KeyShape = ReadonlyArray<'int' | 'text'>;

/** True when a key (from a client's cursor) has the shape the list's order needs. */
export function keyFits(key: readonly unknown[], shape: KeyShape): key is ListKey {
  return key.length === shape.length && key.every((v, i) => (shape[i] === 'int' ? Number.isSafeInteger(v) : typeof v === 'string' && v.length <= 1_000));
}

/** Named parameters k0, k1, ... for a key. */
export function keyParams(key: ListKey): Record<string, number | string> {
  const params: Record<string, number | string> = {};
  key.forEach((v, i) => (params[`k${i}`] = v));
  return params;
}

/** `(a, b, rowid) < (@k0, @k1, @k2)`: after the key in a descending order, before it in an ascending one. */
export function afterKeySql(columns: readonly string[], descending: boolean): string {
  return `(${columns.join(', ')}) ${descending ? '<' : '>'} (${columns.map((_, i) => `@k${i}`).join(', ')})`;
}

/** Rows were read with LIMIT limit + 1: the extra one only says that more follow. */
export function pageOf<Row>(rows: Row[], limit: number, total: number, keyOf: (row: Row) => ListKey): ListPage<Row> {
  const more = rows.length > limit;
  if (more) rows.length = limit;
  return { rows, total, next: more && rows.length > 0 ? keyOf(rows[rows.length - 1]!) : null };
}

/** Runs a list's reads (its total and its rows) on one snapshot, so that they agree while the writer commits. */
export function onSnapshot<T>(db: Db, read: () => T): T {
  return db.inTransaction ? read() : db.transaction(read)();
}
