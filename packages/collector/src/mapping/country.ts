let countryNames: Map<string, string> | null = null;

/**
 * ISO 3166-1 alpha-2 from a code or an English country name. The names come
 * from the runtime's own ICU data, so no table has to be kept here; a few
 * common short forms are added by hand.
 */
export function countryCode(text: string): string | null {
  const trimmed = text.trim();
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const upper = trimmed.toUpperCase();
    // UK is what people write; GB is the ISO code.
    return upper === 'UK' ? 'GB' : upper;
  }
  if (!countryNames) {
    countryNames = new Map();
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = names.of(code);
        if (name) countryNames.set(name.toLowerCase(), code);
      }
    }
    for (const [alias, code] of [
      ['usa', 'US'],
      ['u.s.', 'US'],
      ['u.s.a.', 'US'],
      ['united states of america', 'US'],
      ['america', 'US'],
      ['great britain', 'GB'],
      ['england', 'GB'],
      ['scotland', 'GB'],
      ['wales', 'GB'],
      ['deutschland', 'DE'],
      ['holland', 'NL'],
      ['the netherlands', 'NL'],
      ['south korea', 'KR'],
      ['czech republic', 'CZ'],
      ['russia', 'RU'],
      ['uae', 'AE'],
    ] as const) {
      countryNames.set(alias, code);
    }
  }
  return countryNames.get(trimmed.toLowerCase()) ?? null;
}
