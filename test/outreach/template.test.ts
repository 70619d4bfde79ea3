import { describe, expect, it } from 'vitest';
import { composeDraft, pagesClause } from '../../packages/collector/src/outreach/draft.js';
import { pageWording, readablePath } from '../../packages/collector/src/outreach/pages.js';
import { defaultOutreach, templateProblems, mergeOutreach } from '../../packages/collector/src/outreach/settings.js';
import { renderTemplate, unknownPlaceholders, type TemplateValues } from '../../packages/collector/src/outreach/template.js';

const values: TemplateValues = {
  firstName: 'Sarah',
  lastName: 'Chen',
  jobTitle: null,
  companyName: 'Acme Corp',
  pages: 'someone from Acme Corp looked at our Pricing page',
  intent: 'pricing',
  senderName: '',
  siteName: 'ClearView',
};

describe('rendering a template', () => {
  it('puts values in, takes a fallback for an empty value, and drops a line whose placeholder is empty without one', () => {
    const text = renderTemplate(
      'Hi {{firstName|there}},\nAs {{jobTitle}} you may care.\nYour role: {{jobTitle|unknown}}\n\nBest,\n{{senderName}}\n{{ siteName }}',
      values,
    );
    expect(text).toBe('Hi Sarah,\nYour role: unknown\n\nBest,\nClearView');
  });

  it('never writes "Hi ," or "Hi undefined" for a contact without a first name', () => {
    expect(renderTemplate('Hi {{firstName}},\nBody', { ...values, firstName: null })).toBe('Body');
    expect(renderTemplate('Hi {{firstName|there}},\nBody', { ...values, firstName: '  ' })).toBe('Hi there,\nBody');
  });

  it('keeps a line whose fallback is empty, and folds the blank lines dropped lines leave', () => {
    expect(renderTemplate('A{{jobTitle|}}B\n\n{{senderName}}\n\nC\n\n', values)).toBe('AB\n\nC');
  });

  it('names unknown placeholders once each, in order', () => {
    expect(unknownPlaceholders('{{firstName}} {{first_name}} {{company}} {{first_name|x}} {{}}')).toEqual(['first_name', 'company', '']);
    expect(unknownPlaceholders(defaultOutreach.templates.highIntent.body)).toEqual([]);
  });

  it('reports every unknown placeholder of the settings with the field that holds it', () => {
    const settings = mergeOutreach(defaultOutreach, { templates: { general: { subject: 'Hi {{fristName}}' } } });
    expect(templateProblems(settings)).toEqual([
      {
        field: 'outreach.templates.general.subject',
        message: 'unknown placeholder {{fristName}}; known: firstName, lastName, jobTitle, companyName, pages, intent, senderName, siteName',
      },
    ]);
  });
});

describe('pages in plain words', () => {
  it('uses the title less a trailing " | Site name"', () => {
    expect(pageWording('Pricing | ClearView', '/pricing?plan=pro', 'ClearView')).toBe('Pricing');
    expect(pageWording('Book a demo - ClearView', '/demo', 'ClearView')).toBe('Book a demo');
  });

  it('makes the path readable when the title is missing or unsafe', () => {
    expect(readablePath('/integrations/salesforce')).toBe('Integrations: Salesforce');
    expect(readablePath('/')).toBe('Home');
    expect(readablePath('/case-studies/acme_corp.html?utm_source=x#top')).toBe('Case Studies: Acme Corp');
    expect(readablePath('/orders/12345/items/3f2a9c7e-1b2c-4d5e-8f90-a1b2c3d4e5f6')).toBe('Orders: Items');
    expect(readablePath('/reset/eyJhbGciOiJIUzI1NiJ9x1')).toBe('Reset');
    expect(readablePath('/u/jane@acme.com')).toBe('U');
    expect(readablePath('/12345')).toBeNull();
    expect(pageWording('Welcome jane@acme.com', '/welcome', 'ClearView')).toBe('Welcome');
    expect(pageWording('https://acme.com/pricing', '/pricing', 'ClearView')).toBe('Pricing');
    expect(pageWording('ClearView', '/about-us', 'ClearView')).toBe('About Us');
  });
});

const intentOf = (path: string) =>
  path.startsWith('/pricing')
    ? { name: 'pricing', weight: 10 }
    : path.startsWith('/security')
      ? { name: 'security', weight: 5 }
      : path.startsWith('/case-studies')
        ? { name: 'case-studies', weight: 4 }
        : null;

describe('composing a draft', () => {
  const base = {
    contact: { firstName: 'Sarah', lastName: 'Chen', jobTitle: 'VP of Marketing' },
    companyName: 'Acme Corp',
    siteName: 'ClearView',
    senderName: 'Sam',
    templates: defaultOutreach.templates,
    highIntentPatterns: defaultOutreach.highIntentPatterns,
    intentOf,
  };

  it("words a company's pages as the company's, most intent first, at most three, with the high-intent template", () => {
    const draft = composeDraft({
      ...base,
      pagesOf: 'company',
      pages: [
        { path: '/blog/one', title: 'Our first post | ClearView', views: 40 },
        { path: '/security', title: null, views: 2 },
        { path: '/pricing', title: 'Pricing | ClearView', views: 1 },
        { path: '/docs', title: 'Docs | ClearView', views: 30 },
        { path: '/case-studies', title: 'Customers | ClearView', views: 3 },
      ],
    });
    expect(draft).toEqual({
      intent: 'highIntent',
      subject: "Quick question about Acme Corp's needs",
      body: [
        'Hi Sarah,',
        '',
        'I noticed someone from Acme Corp looked at our Pricing, Security and Customers pages.',
        'If pricing is what you are weighing up, I am happy to answer any questions.',
        '',
        'Would a short call this week help?',
        '',
        'Sam',
        'ClearView',
      ].join('\n'),
    });
  });

  it("words a person's own pages as theirs and uses the general template without high-intent pages", () => {
    const draft = composeDraft({
      ...base,
      contact: { firstName: null, lastName: null, jobTitle: null },
      companyName: null,
      senderName: '',
      pagesOf: 'person',
      pages: [{ path: '/security', title: 'Security | ClearView', views: 1 }],
    });
    expect(draft).toEqual({
      intent: 'general',
      subject: 'ClearView for your team',
      body: [
        'Hi there,',
        '',
        'Thanks for taking a look at ClearView.',
        'I noticed you looked at our Security page.',
        '',
        'If it would help, I am glad to share how teams like yours use it.',
      ].join('\n'),
    });
  });

  it('drops the pages line when no page can be named', () => {
    expect(pagesClause([], 'company', 'Acme Corp')).toBe('');
    const draft = composeDraft({ ...base, pagesOf: 'company', pages: [{ path: '/12345', title: null, views: 3 }] });
    expect(draft.body).not.toContain('noticed');
    expect(draft.intent).toBe('general');
  });
});
