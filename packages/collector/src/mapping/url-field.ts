/**
 * The one rule for URL fields ClearView stores and shows (a company's logo and LinkedIn
 * page, a contact's LinkedIn page): http(s) only. Pure, no I/O.
 */

/** Longest URL field we store; longer text is no link anyone clicks. */
export const maxUrlFieldLength = 500;

/**
 * Whether `text` may be stored as a URL field. Stored URLs end up as links and image
 * sources in dashboards and integrations, where any other scheme (javascript:, data:,
 * vbscript:, file:) can run script or read local files: only http and https are links.
 * A URL must also parse and name a host, so "https://" or "http:foo" are refused.
 */
export function isHttpUrl(text: string): boolean {
  // Bounded before the regex and the URL parser run.
  if (text.length === 0 || text.length > maxUrlFieldLength) return false;
  // The scheme as typed, before the URL parser forgives leading spaces and control characters.
  if (!/^https?:\/\//i.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
