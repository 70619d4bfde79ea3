import { createIsbotFromList, list } from 'isbot';

/**
 * isbot's patterns that judge a user agent by its shape alone (too short, one word, no
 * platform in parentheses...) rather than by a crawler's or tool's name. In a beacon they are
 * evidence enough: a real browser never sends such a string. In data a customer sends with a
 * write key they are not: a CRM export's "Mozilla/5.0 ..." or "unknown" is a placeholder, and
 * calling it a bot would hide a real visitor from every list.
 */
export const shapeOnlyPatterns: readonly string[] = [
  '^[<\\(;]',
  '^[\\w \\.\\-\\(?:\\):%]+(?:/v?\\d+(?:\\.\\d+)?(?:\\.\\d{1,10})*?)?(?:,|$)',
  '^[\\w\\-]+/[\\w]+$',
  '^[^ ]{50,}$',
  '^\\d+\\b',
  '^\\w+/[\\w\\(\\)]*$',
  '^\\w+/\\d\\.\\d\\s\\([\\w@]+\\)$',
  '^mozilla/\\d\\.\\d\\s[\\w\\.-]+$',
  '^mozilla/\\d\\.\\d\\s\\((?:compatible;)?(?:\\s?[\\w\\d-.]+[\\s/]\\d+\\.\\d+)?\\)$',
];

const shapeOnly = new Set(shapeOnlyPatterns);
const byName = createIsbotFromList(list.filter((pattern) => !shapeOnly.has(pattern)));

/**
 * A user agent that names a crawler, a headless browser or an automation tool or HTTP library
 * (Googlebot, HeadlessChrome, Playwright, curl, python-requests...): the evidence ingest uses.
 * Placeholders, empty and unusual strings are not bots here.
 */
export const isRecognisedBot = (userAgent: string): boolean => byName(userAgent);
