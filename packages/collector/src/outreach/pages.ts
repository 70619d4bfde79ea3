/**
 * Pages in plain words for a draft: never a URL, query string, fragment, id, email or token. Pure.
 */

const maxWords = 80;

// Anything that looks like an address or a secret is never put in a draft, whichever field it came from.
const urlLike = /[a-z][a-z0-9+.-]*:\/\/|www\.|\?|#|&|=|@|\/\/|\\/i;
// A domain name ("acme.com/x", "docs.example.io").
const domainLike = /\b[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}\b/i;
// A long run of letters and digits mixed, or of hex: a token, hash or id.
const tokenLike = /\b(?=[A-Za-z0-9_-]{16,}\b)(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]+\b|\b[0-9a-f]{8,}\b/i;

const hasControl = (text: string) => [...text].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);

/** Whether text is safe to show as a page's name: none of the above and printable. */
export function isPlainWording(text: string): boolean {
  return text !== '' && !urlLike.test(text) && !domainLike.test(text) && !tokenLike.test(text) && !hasControl(text);
}

/** A path segment that names a record rather than a topic: numbers, uuids, hex, long codes, emails. */
function idLike(segment: string): boolean {
  return (
    /^\d+$/.test(segment) ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ||
    /^[0-9a-f]{8,}$/i.test(segment) ||
    (segment.length >= 12 && /\d/.test(segment) && /[a-z]/i.test(segment) && !/[-_]/.test(segment)) ||
    /\d{4,}/.test(segment) ||
    segment.includes('@') ||
    segment.length > 40
  );
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const capitalize = (word: string) => (word === '' ? word : word[0]!.toUpperCase() + word.slice(1));

/**
 * A path made readable: "/integrations/salesforce" -> "Integrations: Salesforce", "/" -> "Home".
 * The query and fragment are cut, id-like segments left out, file extensions dropped; null when
 * nothing readable is left.
 */
export function readablePath(path: string): string | null {
  const bare = path.split(/[?#]/, 1)[0]!;
  const segments = bare
    .split('/')
    .map((s) => decode(s).trim())
    .filter((s) => s !== '');
  if (segments.length === 0) return bare.startsWith('/') || bare === '' ? 'Home' : null;
  const words = segments
    .filter((s) => !idLike(s))
    .map((s) => s.replace(/\.(html?|php|aspx?|jsp)$/i, ''))
    .map((s) =>
      s
        .split(/[-_+\s]+/)
        .filter((w) => w !== '')
        .map(capitalize)
        .join(' '),
    )
    .filter((s) => s !== '' && isPlainWording(s));
  if (words.length === 0) return null;
  const text = words.join(': ');
  return text.length > maxWords ? null : text;
}

/**
 * A page's name for a draft: its title less a trailing " | Site name" (or "- Site name"), when
 * that is plain words; else its path made readable; null when neither is safe to show.
 */
export function pageWording(title: string | null, path: string, siteName: string): string | null {
  if (title) {
    let text = title.replace(/\s+/g, ' ').trim();
    const site = siteName.trim();
    if (site !== '') {
      for (const sep of [' | ', ' - ', ' – ', ' — ', ' · ']) {
        if (text.toLowerCase().endsWith(`${sep}${site}`.toLowerCase())) text = text.slice(0, text.length - sep.length - site.length).trim();
      }
    }
    if (text !== '' && text.toLowerCase() !== site.toLowerCase() && text.length <= maxWords && isPlainWording(text)) return text;
  }
  return readablePath(path);
}

/** "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
