import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeDraft } from '../../packages/collector/src/outreach/draft.js';
import { defaultOutreach } from '../../packages/collector/src/outreach/settings.js';

const segment = fc.oneof(
  fc.constantFrom('pricing', 'demo', 'integrations', 'salesforce', 'blog', 'case-studies', 'a', 'docs', 'api', 'v2'),
  fc.stringMatching(/^[A-Za-z0-9._~%@:+=-]{1,24}$/),
  fc.uuid(),
  fc.emailAddress(),
  fc.stringMatching(/^[0-9a-f]{8,40}$/),
  fc.integer({ min: 0, max: 1e9 }).map(String),
);
const path = fc
  .tuple(
    fc.array(segment, { maxLength: 5 }),
    fc.option(fc.stringMatching(/^[a-z_]{1,8}=[A-Za-z0-9%._-]{1,20}(&[a-z_]{1,8}=[A-Za-z0-9%._-]{1,20}){0,2}$/)),
    fc.option(fc.stringMatching(/^[a-z0-9-]{1,12}$/)),
  )
  .map(([parts, query, fragment]) => `/${parts.join('/')}${query ? `?${query}` : ''}${fragment ? `#${fragment}` : ''}`);
const title = fc.option(
  fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(
        fc.constantFrom('Pricing', 'Welcome back', 'Reset password for', 'Docs'),
        fc.oneof(fc.emailAddress(), fc.webUrl(), fc.domain(), fc.stringMatching(/^[0-9a-f]{16,40}$/)),
      )
      .map(([a, b]) => `${a} ${b} | Site`),
    fc.webUrl().map((u) => `${u} | Site`),
  ),
);

// What must never reach a draft: a scheme, a query string or fragment, an email, a domain, a long token.
const forbidden = [/[a-z][a-z0-9+.-]*:\/\//i, /\?[^\s]*=/, /#\S/, /@/, /\b[a-z0-9-]+\.(com|net|org|io|dev|[a-z]{2})\b/i, /\b[0-9a-f]{16,}\b/i, /www\./i];

describe('drafts over fuzzed titles and paths', () => {
  it('never contain a URL, query string, fragment, email, domain or token', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ path, title, views: fc.integer({ min: 1, max: 50 }) }), { maxLength: 8 }),
        fc.constantFrom('person', 'company'),
        (pages, pagesOf) => {
          const draft = composeDraft({
            contact: { firstName: 'Sarah', lastName: 'Chen', jobTitle: 'CTO' },
            companyName: 'Acme Corp',
            pagesOf,
            pages,
            siteName: 'Site',
            senderName: 'Sam',
            templates: defaultOutreach.templates,
            highIntentPatterns: defaultOutreach.highIntentPatterns,
            intentOf: (p) => (p.includes('pricing') ? { name: 'pricing', weight: 10 } : null),
          });
          const text = `${draft.subject}\n${draft.body}`;
          for (const pattern of forbidden) expect(text, `${pattern} in:\n${text}\nfrom ${JSON.stringify(pages)}`).not.toMatch(pattern);
        },
      ),
      { numRuns: 2000, seed: 18 },
    );
  });
});
