import { z } from 'zod';
import { badRequest, unprocessable } from '../errors.js';
import { keyFits, type KeyShape, type ListKey } from '../store/list-page.js';

/**
 * Reusable zod pieces of the API and the two parse helpers every handler
 * uses. Messages say what was wrong and what is allowed: they reach users as is.
 */

export const maxPageSize = 100;

/** A whole number in a query string, bounded; "abc", "1.5" and "1e3" are refused. */
export function intParam(name: string, min: number, max: number) {
  const message = `${name} must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^-?\d{1,15}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message))
    .meta({ type: 'integer', minimum: min, maximum: max });
}

/** The documented paging parameters: page (from 1) and limit (1..100, default 20). */
export const pagingParams = {
  page: intParam('page', 1, 1_000_000).default(1).describe('Page number, from 1. A page past the last answers an empty list.'),
  limit: intParam('limit', 1, maxPageSize).default(20).describe(`Items per page (max ${maxPageSize})`),
};

/** Keyset paging, an extension of the documented paging; listed last among a list's parameters. */
/** ?q= of the lists that search words (text-search.ts): one to a hundred characters. */
export function searchParam(description: string) {
  return z.string().trim().min(1, 'q must not be empty').max(100, 'q must be at most 100 characters').optional().describe(description);
}

export const cursorParam = z
  .string()
  .max(1_000, 'cursor must be a pagination.nextCursor value')
  .regex(/^[A-Za-z0-9_-]*$/, 'cursor must be a pagination.nextCursor value')
  .optional()
  .describe(
    'Keyset paging, instead of page: empty (cursor=) for the first page, then the pagination.nextCursor of the page before. Each page then costs the same however deep it is, and rows added meanwhile never shift one into the next page. The answer carries pagination.nextCursor, null after the last page.',
  );

/** Where a list read starts: an offset (page), or after a key (cursor); and what the answer says about it. */
export interface Paging {
  limit: number;
  offset: number;
  after: ListKey | null;
  /** The page number the answer reports: the one asked for, or the one the cursor's rows before make. */
  page: number;
  /** Set when the client pages by cursor: the answer then carries nextCursor. */
  cursor: { list: string; sort: string; rowsBefore: number } | null;
}

const badCursor = () =>
  badRequest('cursor is not a pagination.nextCursor of this list and sort; start again with cursor= (empty)', [
    { field: 'cursor', message: 'not a cursor of this list and sort' },
  ]);

/**
 * The paging of a list request. A cursor is opaque to clients: base64url of JSON
 * [list, sort, key, rows before], where the key (the last row's values in the list's
 * order) must have the shape the store's order needs.
 */
export function pagingOf(query: { page: number; limit: number; cursor?: string }, raw: unknown, list: string, sort: string, keyShape: KeyShape): Paging {
  if (query.cursor === undefined) return { limit: query.limit, offset: (query.page - 1) * query.limit, after: null, page: query.page, cursor: null };
  if (raw !== null && typeof raw === 'object' && 'page' in raw) {
    throw badRequest('Give page or cursor, not both', [{ field: 'page', message: 'not with cursor' }]);
  }
  if (query.cursor === '') return { limit: query.limit, offset: 0, after: null, page: 1, cursor: { list, sort, rowsBefore: 0 } };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw badCursor();
  const [cursorList, cursorSort, key, rowsBefore] = decoded as unknown[];
  if (cursorList !== list || cursorSort !== sort || !Array.isArray(key) || !keyFits(key, keyShape) || !Number.isSafeInteger(rowsBefore) || (rowsBefore as number) < 0) {
    throw badCursor();
  }
  const before = rowsBefore as number;
  return { limit: query.limit, offset: 0, after: key, page: Math.floor(before / query.limit) + 1, cursor: { list, sort, rowsBefore: before } };
}

/** The nextCursor of an answer read with `paging`, or undefined when the client pages by number. */
export function nextCursorOf(paging: Paging, next: ListKey | null, rows: number): string | null | undefined {
  if (paging.cursor === null) return undefined;
  if (next === null) return null;
  const { list, sort, rowsBefore } = paging.cursor;
  return Buffer.from(JSON.stringify([list, sort, next, rowsBefore + rows]), 'utf8').toString('base64url');
}

const isoPattern = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time as epoch ms; a bare date is midnight UTC. */
/**
 * Whether the date part of an ISO text names a day that exists. Date.parse rolls an impossible
 * day over into the next month (2025-02-30 is March 2), so a filter would silently mean another day.
 */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isoTime(name: string) {
  const message = `${name} must be an ISO 8601 date or date-time such as 2025-12-15 or 2025-12-15T14:33:12Z`;
  return z
    .string()
    .max(40, message)
    .regex(isoPattern, message)
    .transform((text, ctx) => {
      // A date-time without an offset is taken as UTC, like a bare date.
      const withZone = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
      const ms = Date.parse(withZone);
      if (Number.isNaN(ms) || !isCalendarDate(text)) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ format: 'date-time' });
}

export const booleanParam = (name: string) =>
  z
    .enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })
    .transform((v) => v === 'true' || v === '1')
    .meta({ type: 'boolean' });

/** Ids are short tokens; anything else cannot exist, so it is refused early and cheaply. */
export const idParam = (name: string) =>
  z
    .string()
    .max(100, `${name} must be at most 100 characters`)
    .regex(/^[A-Za-z0-9_-]+$/, `${name} must be an id such as comp_a1b2c3d4`);

/** Turns zod issues into the public `details` list: where, and what is allowed. */
export function issuesOf(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return { field: [field, issue.keys[0]].filter(Boolean).join('.'), message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}` };
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return { field, message: `${field || 'value'} is required` };
    return { field, message: issue.message };
  });
}

/** The first few problems as one sentence for the message; `details` has them all. */
export function summarize(details: Array<{ field: string; message: string }>, max = 5): string {
  const parts = details.slice(0, max).map((d) => (d.field && !d.message.includes(d.field) ? `${d.field}: ${d.message}` : d.message));
  return details.length > max ? `${parts.join('; ')}; and ${details.length - max} more (see details)` : parts.join('; ');
}

/** For endpoints that take no query parameters: any given is a 400. */
export const noQuery = z.strictObject({});

type QueryShape = z.ZodObject<z.ZodRawShape>;

/**
 * Parses a query string against a strict object: a parameter given twice,
 * an unknown one or a bad value is a 400 naming the parameter and what is allowed.
 */
export function parseQuery<S extends QueryShape>(schema: S, query: unknown): z.infer<S> {
  const input = (query ?? {}) as Record<string, unknown>;
  const allowed = Object.keys(schema.shape);
  for (const [key, value] of Object.entries(input)) {
    if (!allowed.includes(key)) {
      const list = allowed.length ? `allowed: ${allowed.join(', ')}` : 'this endpoint takes none';
      throw badRequest(`Unknown query parameter "${key.slice(0, 40)}"; ${list}`, [{ field: key.slice(0, 40), message: 'unknown parameter' }]);
    }
    if (Array.isArray(value)) throw badRequest(`Query parameter "${key}" is given more than once; give it once`, [{ field: key, message: 'given more than once' }]);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const details = issuesOf(parsed.error).map((d) => ({ field: d.field, message: d.message }));
    throw badRequest(`Invalid query parameters: ${summarize(details)}`, details);
  }
  return parsed.data;
}

/**
 * Parses a JSON body. Not an object at all is a 400 (we could not read the
 * request); an object whose fields are wrong is a 422 with every problem listed.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Request body must be a JSON object (send Content-Type: application/json)');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const details = issuesOf(parsed.error);
    throw unprocessable(`Request body validation failed: ${summarize(details)}`, details);
  }
  return parsed.data;
}
