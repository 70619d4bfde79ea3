/** The parts of a beacon's http(s) URL that the collector stores and checks. */
export interface PageUrl {
  /** The URL as the WHATWG parser serializes it. */
  href: string;
  hostname: string;
  pathname: string;
  /** "" or the query with its leading "?". */
  search: string;
}

// A URL the WHATWG parser would serialize exactly as written: lowercase scheme and
// host, no port, no credentials, and only characters it leaves unescaped. Browsers
// send location.href already in this form, so nearly every beacon takes this path.
// - Host labels are lowercase letters, digits and inner hyphens; the last begins with
//   a letter, because a numeric last label makes the parser read an IPv4 address.
// - Path, query and fragment exclude what the parser escapes (space, quotes, <, >,
//   backquote, braces, backslash, non-ASCII) and the quote it escapes in a query.
const canonical =
  /^https?:\/\/((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?)(\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*)(\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*)?(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]*)?$/;
// The parser removes "." and ".." segments, written plainly or as %2e, and decodes punycode labels.
const needsFullParser = /\/\.|%2e|xn--/i;

/** The URL's parts when it is already in canonical form (sliced, not parsed), else null. */
export function canonicalPageUrl(raw: string): PageUrl | null {
  const m = canonical.exec(raw);
  if (m === null || needsFullParser.test(raw)) return null;
  return { href: raw, hostname: m[1]!, pathname: m[2]!, search: m[3] === undefined || m[3] === '?' ? '' : m[3] };
}

/**
 * Parses an absolute http(s) URL, or returns null for anything else. The
 * canonical form is sliced by one regular expression; anything else goes
 * through the WHATWG parser (new URL), which cost several times as much and
 * two more objects per beacon.
 */
export function parsePageUrl(raw: string): PageUrl | null {
  const sliced = canonicalPageUrl(raw);
  if (sliced !== null) return sliced;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { href: url.href, hostname: url.hostname, pathname: url.pathname, search: url.search };
}
