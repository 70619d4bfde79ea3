/**
 * A registered site domain: a host name, lowercased, without scheme, path or
 * port. "localhost" is allowed for trying ClearView on one machine.
 */
export function normalizeSiteDomain(input: string): string | null {
  let text = input.trim().toLowerCase();
  text = text
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.$/, '');
  if (text.startsWith('www.')) text = text.slice(4);
  if (text === 'localhost') return text;
  if (text.length > 253 || !/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(text)) return null;
  return text;
}
