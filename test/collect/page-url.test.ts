import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalPageUrl, parsePageUrl } from '../../packages/collector/src/collect/page-url.js';

/** What the WHATWG parser makes of the text: the reference both paths must agree with. */
function reference(raw: string) {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return { href: url.href, hostname: url.hostname, pathname: url.pathname, search: url.search };
}

// Pieces chosen to hit every rule of the canonical form: case, ports, credentials,
// numeric hosts, punycode, dot segments plain and escaped, and characters the parser escapes.
const schemes = ['http://', 'https://', 'HTTPS://', 'ftp://', 'javascript:', 'https:/', 'https:'];
const hostLabels = ['www', 'example', 'com', 'a', 'a-b', '-a', 'a-', 'EXAMPLE', '0x7f', '127', '1', '09', 'xn--nxasmq6b', 'xn--a', 'b2b', 'ex_ample', ''];
const hostTails = ['', ':443', ':80', ':8080', '.', '@evil.com', ':'];
const pathPieces = [
  '/',
  'a',
  'B',
  '.',
  '..',
  '%2e',
  '%2E',
  '%41',
  '%',
  "'",
  '"',
  ' ',
  '`',
  '{',
  '}',
  '\\',
  '|',
  '^',
  '[',
  ']',
  'é',
  '~',
  '@',
  ':',
  ';',
  '=',
  '+',
  '&',
  '$',
  '!',
  '*',
  '(',
  ')',
  ',',
  '-',
  '_',
];
const queryPieces = ['?', 'utm_source=news', '&', '=', "'", '%20', ' ', '/', '.', '#', 'x', '%2e'];

const urlText = fc
  .tuple(
    fc.constantFrom(...schemes),
    fc.array(fc.constantFrom(...hostLabels), { minLength: 1, maxLength: 4 }),
    fc.constantFrom(...hostTails),
    fc.array(fc.constantFrom(...pathPieces), { maxLength: 12 }),
    fc.array(fc.constantFrom(...queryPieces), { maxLength: 8 }),
  )
  .map(([scheme, labels, tail, path, query]) => scheme + labels.join('.') + tail + path.join('') + query.join(''));

describe('a beacon URL', () => {
  it('is sliced without the full parser when it is already canonical', () => {
    expect(canonicalPageUrl('https://www.example.com/pricing?utm_source=news&utm_medium=email')).toEqual({
      href: 'https://www.example.com/pricing?utm_source=news&utm_medium=email',
      hostname: 'www.example.com',
      pathname: '/pricing',
      search: '?utm_source=news&utm_medium=email',
    });
    expect(canonicalPageUrl("http://shop.example.co.uk/a/b-c_d~e/it's(1)#section-2")).toEqual({
      href: "http://shop.example.co.uk/a/b-c_d~e/it's(1)#section-2",
      hostname: 'shop.example.co.uk',
      pathname: "/a/b-c_d~e/it's(1)",
      search: '',
    });
    expect(canonicalPageUrl('https://example.com/?')).toEqual({ href: 'https://example.com/?', hostname: 'example.com', pathname: '/', search: '' });
  });

  it('goes to the full parser when the parser would change or reject the text', () => {
    for (const raw of [
      'https://Example.com/',
      'https://example.com',
      'https://example.com:443/',
      'https://user@example.com/',
      'https://127.0.0.1/',
      'https://example.0x7f/',
      'https://xn--a.com/',
      'https://example.com/a/../b',
      'https://example.com/a/%2e%2E/b',
      "https://example.com/?q='x'",
      'https://example.com/a b',
    ]) {
      expect(canonicalPageUrl(raw), raw).toBeNull();
    }
  });

  it('parses to exactly what the WHATWG parser makes of it, canonical or not', () => {
    expect(parsePageUrl('HTTPS://WWW.Example.com:443/a/./b/../c?x=1#top')).toEqual({
      href: 'https://www.example.com/a/c?x=1#top',
      hostname: 'www.example.com',
      pathname: '/a/c',
      search: '?x=1',
    });
    expect(parsePageUrl("https://example.com/a b?q='x'")?.href).toBe('https://example.com/a%20b?q=%27x%27');
    expect(parsePageUrl('ftp://example.com/')).toBeNull();
    expect(parsePageUrl('javascript:alert(1)')).toBeNull();
    expect(parsePageUrl('not a url')).toBeNull();
    fc.assert(
      fc.property(urlText, (raw) => {
        const expected = reference(raw);
        expect(parsePageUrl(raw)).toEqual(expected);
        const sliced = canonicalPageUrl(raw);
        if (sliced !== null) expect(sliced).toEqual(expected);
      }),
      { numRuns: 20_000 },
    );
  });
});
