import type { Response } from 'express';
import type { RenderedList } from '../store/read-pool.js';
import { pagination } from './render.js';
import { nextCursorOf, type Paging } from './schemas.js';

/**
 * Sends a list page whose rows a read thread already rendered as JSON text
 * (ReadPool.renderList): `{ "<key>": [rows], "pagination": {...} }`, the same body
 * res.json would send, without parsing and stringifying the rows again here.
 */
export function sendListPage(res: Response, key: string, list: RenderedList, paging: Paging, limit: number): void {
  const page = { ...pagination(paging.page, limit, list.total), nextCursor: nextCursorOf(paging, list.next, list.count) };
  res.type('application/json').send(`{${JSON.stringify(key)}:${list.rowsJson},"pagination":${JSON.stringify(page)}}`);
}
