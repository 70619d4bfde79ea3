import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftForNewContact } from '../../packages/collector/src/make-draft.js';
import { startApi, type Api } from '../api/client.js';
import type { TestSite } from '../helpers/server.js';
import { countMismatches } from '../store/count-checks.js';

const now = Date.parse('2026-05-04T10:00:00Z');
const ago = (hours: number) => new Date(now - hours * 3_600_000).toISOString();

let api: Api;
let site: TestSite;
let other: TestSite;
const ids: Record<string, string> = {};

async function ingest(key: string, body: Record<string, unknown>): Promise<void> {
  const res = await api.call('POST', '/api/v1/ingest', { key, bearer: true, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function contactId(s: TestSite, email: string): Promise<string> {
  const res = await api.call('GET', `/api/v1/contacts?limit=100`, { key: s.keys.read });
  return (res.body.contacts as Array<{ id: string; email: string }>).find((c) => c.email === email)!.id;
}

const post = (key: string, body: unknown) => api.call('POST', '/api/dashboard/outreach', { key, body });
const patch = (key: string, body: unknown) => api.call('PATCH', '/api/dashboard/outreach', { key, body });

beforeAll(async () => {
  api = await startApi({}, { now: () => now });
  site = api.addSite(['clearview.example']);
  other = api.addSite(['other.example']);
  // These tests make drafts by POST: automatic drafts on contact.identified are tested apart (auto-drafts.test.ts).
  await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { name: 'ClearView', outreach: { senderName: 'Sam Lee', autoGenerate: false } } });
  await ingest(site.keys.write, {
    companies: [{ domain: 'acme.example', name: 'Acme Corp', industry: 'Software' }],
    visitors: [
      { ip: '198.51.100.7', companyDomain: 'acme.example' },
      { ip: '198.51.100.8', companyDomain: 'acme.example', email: 'lee@acme.example' },
    ],
    contacts: [
      { email: 'sarah@acme.example', firstName: 'Sarah', lastName: 'Chen', jobTitle: 'VP of Marketing' },
      { email: 'lee@acme.example', firstName: 'Lee' },
      { email: 'pat@gmail.com' },
    ],
  });
  // A colleague of Sarah's read pricing and security; Lee, linked to his visitor, read the blog: all Acme's pages.
  await ingest(site.keys.write, {
    pageViews: [
      { url: '/pricing?plan=pro&token=abc123def456ghi789', visitorIp: '198.51.100.7', timestamp: ago(5), title: 'Pricing | ClearView' },
      { url: '/security', visitorIp: '198.51.100.7', timestamp: ago(4) },
      { url: '/blog/how-we-score', visitorIp: '198.51.100.8', timestamp: ago(3), title: 'How we score leads | ClearView' },
      { url: '/pricing', visitorIp: '198.51.100.7', timestamp: ago(24 * 40), title: 'Old pricing | ClearView' },
    ],
  });
  for (const email of ['sarah@acme.example', 'lee@acme.example', 'pat@gmail.com']) ids[email] = await contactId(site, email);
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('POST /api/dashboard/outreach', () => {
  it("words the company's pages as the company's, in the high-intent template, and answers 201 with a new draft", async () => {
    const res = await post(site.keys.write, { contactId: ids['sarah@acme.example'] });
    expect(res.status).toBe(201);
    expect(res.body.draft.id).toMatch(/^draft_[A-Za-z0-9]{12}$/);
    expect(res.body.draft).toMatchObject({
      subject: "Quick question about Acme Corp's needs",
      body: [
        'Hi Sarah,',
        '',
        'I noticed someone from Acme Corp looked at our Pricing, Security and How we score leads pages.',
        'If pricing is what you are weighing up, I am happy to answer any questions.',
        '',
        'Would a short call this week help?',
        '',
        'Sam Lee',
        'ClearView',
      ].join('\n'),
      status: 'pending',
      intent: 'highIntent',
      createdAt: '2026-05-04T10:00:00Z',
      sentAt: null,
      contact: { id: ids['sarah@acme.example'], firstName: 'Sarah', lastName: 'Chen', email: 'sarah@acme.example', jobTitle: 'VP of Marketing' },
    });
    expect(res.body.draft.contact.company).toMatchObject({ name: 'Acme Corp', domain: 'acme.example' });
    ids.sarahDraft = res.body.draft.id;
  });

  it('rewrites the pending draft in place when asked again: same id, 200', async () => {
    const res = await post(site.keys.write, { email: 'SARAH@acme.example' });
    expect(res.status).toBe(200);
    expect(res.body.draft.id).toBe(ids.sarahDraft);
    const list = await api.call('GET', `/api/dashboard/outreach?contact_id=${ids['sarah@acme.example']}&status=all`, { key: site.keys.read });
    expect(list.body.drafts.map((d: { id: string }) => d.id)).toEqual([ids.sarahDraft]);
  });

  it("words a linked person's own pages as theirs, in the general template", async () => {
    const res = await post(site.keys.write, { contactId: ids['lee@acme.example'] });
    expect(res.status).toBe(201);
    expect(res.body.draft.intent).toBe('general');
    expect(res.body.draft.subject).toBe('ClearView for Acme Corp');
    expect(res.body.draft.body).toBe(
      [
        'Hi Lee,',
        '',
        'Thanks for taking a look at ClearView.',
        'I noticed you looked at our How we score leads page.',
        '',
        'If it would help, I am glad to share how teams like Acme Corp use it.',
        '',
        'Sam Lee',
      ].join('\n'),
    );
  });

  it('gives a contact without a company a null company and drops the lines about pages', async () => {
    const res = await post(site.keys.write, { contactId: ids['pat@gmail.com'] });
    expect(res.status).toBe(201);
    expect(res.body.draft.contact.company).toBeNull();
    expect(res.body.draft.body).toBe(
      ['Hi there,', '', 'Thanks for taking a look at ClearView.', '', 'If it would help, I am glad to share how teams like yours use it.', '', 'Sam Lee'].join('\n'),
    );
  });

  it('answers 400 unless exactly one of contactId and email is given, and 404 for an unknown contact', async () => {
    expect((await post(site.keys.write, {})).status).toBe(400);
    expect((await post(site.keys.write, { contactId: ids['pat@gmail.com'], email: 'pat@gmail.com' })).status).toBe(400);
    const missing = await post(site.keys.write, { contactId: 'ct_nobody' });
    expect(missing.status).toBe(404);
    expect((await post(site.keys.write, { email: 'nobody@acme.example' })).status).toBe(404);
  });

  it("answers 404 for another site's contact and shows that site nothing", async () => {
    expect((await post(other.keys.write, { contactId: ids['sarah@acme.example'] })).status).toBe(404);
    expect((await post(other.keys.write, { email: 'sarah@acme.example' })).status).toBe(404);
    expect((await patch(other.keys.write, { id: ids.sarahDraft, status: 'sent' })).status).toBe(404);
    const list = await api.call('GET', '/api/dashboard/outreach?status=all', { key: other.keys.read });
    expect(list.body.drafts).toEqual([]);
  });

  it('needs a write key to generate or change, and a key at all to list', async () => {
    expect((await post(site.keys.read, { contactId: ids['sarah@acme.example'] })).status).toBe(403);
    expect((await patch(site.keys.read, { id: ids.sarahDraft, status: 'sent' })).status).toBe(403);
    expect((await api.call('GET', '/api/dashboard/outreach', {})).status).toBe(401);
    expect((await api.call('GET', '/api/dashboard/outreach', { key: site.keys.read })).status).toBe(200);
  });
});

describe('PATCH /api/dashboard/outreach', () => {
  it('edits a pending draft, marks it sent, then refuses every other change with 409 saying it is sent', async () => {
    const edited = await patch(site.keys.write, { id: ids.sarahDraft, subject: 'Hello Acme', body: 'Short note' });
    expect(edited.status).toBe(200);
    expect(edited.body.draft).toMatchObject({ subject: 'Hello Acme', body: 'Short note', status: 'pending' });
    const sent = await patch(site.keys.write, { id: ids.sarahDraft, status: 'sent' });
    expect(sent.status).toBe(200);
    expect(sent.body.draft).toMatchObject({ status: 'sent', sentAt: '2026-05-04T10:00:00Z' });
    for (const change of [{ status: 'dismissed' }, { status: 'pending' }, { status: 'sent' }, { subject: 'x' }, { body: 'y' }]) {
      const res = await patch(site.keys.write, { id: ids.sarahDraft, ...change });
      expect(res.status, JSON.stringify(change)).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect(res.body.error.message).toContain('sent');
    }
  });

  it('dismisses a pending draft, then refuses to send it with 409 saying it is dismissed', async () => {
    const draft = await post(site.keys.write, { contactId: ids['sarah@acme.example'] });
    // The sent draft is not pending any more: this one is new.
    expect(draft.status).toBe(201);
    expect(draft.body.draft.id).not.toBe(ids.sarahDraft);
    expect((await patch(site.keys.write, { id: draft.body.draft.id, status: 'dismissed' })).body.draft.status).toBe('dismissed');
    const res = await patch(site.keys.write, { id: draft.body.draft.id, status: 'sent' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('dismissed');
    const pendingToPending = await post(site.keys.write, { contactId: ids['sarah@acme.example'] });
    expect((await patch(site.keys.write, { id: pendingToPending.body.draft.id, status: 'pending' })).status).toBe(409);
  });

  it('answers 422 for a status outside the enum and 404 for an unknown id', async () => {
    const bad = await patch(site.keys.write, { id: ids.sarahDraft, status: 'archived' });
    expect(bad.status).toBe(422);
    expect((await patch(site.keys.write, { id: 'draft_nothere', status: 'sent' })).status).toBe(404);
  });

  it('lists pending drafts by default, newest first, and the others by status', async () => {
    const pending = await api.call('GET', '/api/dashboard/outreach', { key: site.keys.read });
    expect(pending.body.drafts.every((d: { status: string }) => d.status === 'pending')).toBe(true);
    const sent = await api.call('GET', '/api/dashboard/outreach?status=sent', { key: site.keys.read });
    expect(sent.body.drafts.map((d: { id: string }) => d.id)).toEqual([ids.sarahDraft]);
    expect(sent.body.pagination).toEqual({ page: 1, limit: 20, total: 1, pages: 1 });
    expect((await api.call('GET', '/api/dashboard/outreach?status=archived', { key: site.keys.read })).status).toBe(400);
  });
});

describe('outreach settings and automatic drafts', () => {
  it('answers 422 naming an unknown placeholder, and stores nothing', async () => {
    const res = await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { outreach: { templates: { general: { body: 'Hi {{fristName}}' } } } } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('{{fristName}}');
    const settings = await api.call('GET', '/api/v1/settings', { key: site.keys.admin });
    expect(settings.body.outreach.templates.general.body).not.toContain('fristName');
  });

  it('makes a draft for a new contact unless autoGenerate is off, with the templates in settings', async () => {
    await ingest(site.keys.write, {
      contacts: [
        { email: 'new1@acme.example', firstName: 'Ana' },
        { email: 'new2@acme.example', firstName: 'Bo' },
      ],
    });
    // Their contact.identified signals pass while automatic drafts are off (beforeAll); then they are turned on.
    await api.server.signals.followAll();
    const set = await api.call('PATCH', '/api/v1/settings', {
      key: site.keys.admin,
      body: {
        outreach: { autoGenerate: true, templates: { highIntent: { subject: 'For {{companyName}}: {{intent}}', body: 'Hi {{firstName}} ({{jobTitle}})\n{{pages}}' } } },
      },
    });
    expect(set.status).toBe(200);
    const db = api.server.ctx.db;
    const first = draftForNewContact(db, site.id, await contactId(site, 'new1@acme.example'), now);
    expect(first?.created).toBe(true);
    const draft = (await api.call('GET', `/api/dashboard/outreach?contact_id=${await contactId(site, 'new1@acme.example')}`, { key: site.keys.read })).body.drafts[0];
    expect(draft).toMatchObject({
      subject: 'For Acme Corp: pricing',
      body: 'someone from Acme Corp looked at our Pricing, Security and How we score leads pages',
      intent: 'highIntent',
    });
    // Once only: a contact identified again keeps the draft it has.
    expect(draftForNewContact(db, site.id, await contactId(site, 'new1@acme.example'), now)).toBeNull();
    await api.call('PATCH', '/api/v1/settings', { key: site.keys.admin, body: { outreach: { autoGenerate: false } } });
    expect(draftForNewContact(db, site.id, await contactId(site, 'new2@acme.example'), now)).toBeNull();
    const none = await api.call('GET', `/api/dashboard/outreach?status=all&contact_id=${await contactId(site, 'new2@acme.example')}`, { key: site.keys.read });
    expect(none.body.drafts).toEqual([]);
  });

  it('keeps every kept count equal to COUNT(*) of its rows after all of the above', () => {
    expect(countMismatches(api.server.ctx.db)).toEqual([]);
  });
});
