/** A documented error answer: { "error": { "code", "message", "status" } }. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** The collector has no such route: the API this needs is not on this collector yet. */
  get missingApi(): boolean {
    return this.status === 404 && this.message.startsWith('No route for');
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Called on a 401: the session ended, so the app shows the sign-in page. */
let onSignedOut: () => void = () => undefined;
export const whenSignedOut = (callback: () => void) => {
  onSignedOut = callback;
};

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * One call to the collector's API. The session cookie goes along by itself (same origin);
 * the browser adds Origin to every write, which the collector checks.
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      headers: options.body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The collector did not answer: check that it is running and reachable.');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below by status.
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    const failure = new ApiError(res.status, error?.code ?? 'HTTP_' + res.status, error?.message ?? `The collector answered ${res.status} ${res.statusText}`);
    if (res.status === 401 && !path.endsWith('/api/dashboard/session')) onSignedOut();
    throw failure;
  }
  return body as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => api<T>('GET', path, { query, signal });
