import { api, ApiError, get } from '../api.js';
import { h, put, status, type Child } from '../dom.js';
import { country, dateTime, duration, num } from '../format.js';
import type { CompanyDetail, Draft, Pagination, PageView, Signal } from '../types.js';
import { act, failure, scoreBar, section, table } from '../ui.js';
import { canWrite, type Page, type View } from '../view.js';

/** A score fact in words: numbers through Intl, epoch times as dates, nested facts as "name value" pairs. */
function factText(value: unknown, name = ''): string {
  if (typeof value === 'number') return /Ms$/.test(name) && value > 1e12 ? dateTime(new Date(value).toISOString()) : num(Math.round(value * 100) / 100);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((item) => factText(item)).join('; ');
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([key, inner]) => `${key} ${factText(inner, key)}`)
      .join(', ');
  return String(value);
}

function firmographics(detail: CompanyDetail): HTMLElement {
  const c = detail.company;
  const rows: Array<[string, Child]> = [
    ['Domain', c.domain],
    ['Industry', c.industry || 'Unknown'],
    ['Size', c.size || 'Unknown'],
    ['Employees', c.employeeCount === null ? 'Unknown' : num(c.employeeCount)],
    ['Revenue', c.revenue ?? 'Unknown'],
    ['Location', [c.city, c.region, c.country ? country(c.country) : ''].filter(Boolean).join(', ') || 'Unknown'],
    ['LinkedIn', c.linkedinUrl && /^https:\/\//.test(c.linkedinUrl) ? h('a', { href: c.linkedinUrl, rel: 'noopener noreferrer' }, c.linkedinUrl) : '—'],
    ['Visitors', num(c.visitorCount)],
    ['Page views', num(c.pageViews)],
    ['Visits', num(c.sessions)],
    ['Engaged time', duration(c.engagedSeconds)],
    ['First seen', dateTime(c.firstSeen)],
    ['Last seen', dateTime(c.lastSeen)],
  ];
  return section(
    'Firmographics',
    h(
      'dl',
      { class: 'facts' },
      rows.map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
    ),
  );
}

function breakdown(detail: CompanyDetail): HTMLElement {
  const score = detail.score;
  if (!score) return section('Score', status('Not scored yet: the company has no page view.'));
  return section(
    `Score ${score.total} of 100`,
    table(
      'Score breakdown',
      ['Component', 'Points', 'Facts'],
      score.components.map((component) => [
        component.name,
        `${num(Math.round(component.points * 10) / 10)} / ${num(component.max)}`,
        h(
          'ul',
          { class: 'plain' },
          Object.entries(component.facts).map(([name, value]) => h('li', null, h('span', { class: 'muted' }, `${name}: `), factText(value, name))),
        ),
      ]),
      { numeric: [1] },
    ),
    h('p', { class: 'muted' }, `Model ${score.model}${detail.company.scoredAt ? `, computed ${dateTime(detail.company.scoredAt)}` : ''}.`),
  );
}

async function visits(view: View, id: string): Promise<HTMLElement> {
  const answer = await get<{ pageViews: PageView[]; pagination: Pagination }>('/api/v1/page-views', { company_id: id, limit: 50 }, view.signal);
  if (answer.pageViews.length === 0) return section('Visits', status('No page views from this company.'));
  return section(
    'Visits',
    h('p', { class: 'muted' }, `The latest ${num(answer.pageViews.length)} of ${num(answer.pagination.total)} page views.`),
    table(
      'Page views, newest first',
      ['Time', 'Page', 'Engaged', 'Referrer', 'Device', 'Country'],
      answer.pageViews.map((p) => [
        h('time', { datetime: p.timestamp }, dateTime(p.timestamp)),
        h('span', { class: 'page' }, h('span', null, p.title || p.path), p.title ? h('span', { class: 'muted' }, p.path) : null),
        duration(p.engagedSeconds),
        p.referrer ?? 'Direct',
        [p.device, p.browser].filter(Boolean).join(', ') || '—',
        country(p.country),
      ]),
      { numeric: [2] },
    ),
  );
}

function contacts(detail: CompanyDetail): HTMLElement {
  if (detail.contacts.length === 0) return section('Contacts', status('No known contacts at this company.'));
  return section(
    'Contacts',
    table(
      'Contacts',
      ['Name', 'Email', 'Job title'],
      detail.contacts.map((c) => [[c.firstName, c.lastName].filter(Boolean).join(' ') || '—', c.email, c.jobTitle ?? '—']),
    ),
  );
}

async function signals(view: View, id: string): Promise<HTMLElement> {
  try {
    const answer = await get<{ signals: Signal[] }>('/api/v1/signals', { company_id: id, limit: 20 }, view.signal);
    if (answer.signals.length === 0) return section('Signals', status('No signals about this company yet.'));
    return section(
      'Signals',
      h(
        'ul',
        { class: 'feed' },
        answer.signals.map((s) =>
          h('li', null, h('span', { class: 'badge' }, s.type), ' ', s.summary, ' ', h('time', { class: 'muted', datetime: s.createdAt }, dateTime(s.createdAt))),
        ),
      ),
    );
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return section('Signals', failure(error, 'Signals'));
  }
}

function draftEditor(view: View, draft: Draft): HTMLElement {
  const who = [draft.contact.firstName, draft.contact.lastName].filter(Boolean).join(' ') || draft.contact.email;
  const subject = h('input', { value: draft.subject, 'aria-label': `Subject of the draft to ${who}`, disabled: draft.status !== 'pending' || !canWrite(view.session) });
  const body = h('textarea', { rows: 8, 'aria-label': `Body of the draft to ${who}`, disabled: draft.status !== 'pending' || !canWrite(view.session) });
  body.value = draft.body;
  const out = h('div', { 'aria-live': 'polite' });
  const state = h('span', { class: 'badge' }, draft.status);
  const buttons: HTMLButtonElement[] = [];
  const patch = (button: HTMLButtonElement, change: Record<string, string>, done: string) =>
    act(button, out, async () => {
      const updated = await api<Draft>('PATCH', '/api/dashboard/outreach', { body: { id: draft.id, ...change } });
      state.textContent = updated.status;
      if (updated.status !== 'pending') for (const b of [...buttons, subject, body]) b.disabled = true;
      return done;
    });
  if (canWrite(view.session) && draft.status === 'pending') {
    const save = h('button', { type: 'button' }, 'Save');
    const sent = h('button', { type: 'button', class: 'secondary' }, 'Mark sent');
    const dismiss = h('button', { type: 'button', class: 'secondary' }, 'Dismiss');
    save.addEventListener('click', () => void patch(save, { subject: subject.value, body: body.value }, 'Saved.'));
    sent.addEventListener('click', () => void patch(sent, { status: 'sent' }, 'Marked as sent.'));
    dismiss.addEventListener('click', () => void patch(dismiss, { status: 'dismissed' }, 'Dismissed.'));
    buttons.push(save, sent, dismiss);
  }
  return h(
    'article',
    { class: 'draft' },
    h('h3', null, `To ${who} `, state, ' ', h('span', { class: 'muted' }, draft.intent)),
    subject,
    body,
    h('div', { class: 'actions' }, buttons),
    out,
  );
}

async function outreach(view: View, id: string): Promise<HTMLElement> {
  try {
    const answer = await get<{ drafts: Draft[] }>('/api/dashboard/outreach', { status: 'all', limit: 100 }, view.signal);
    const drafts = answer.drafts.filter((d) => d.contact.company?.id === id);
    if (drafts.length === 0) return section('Outreach drafts', status('No drafts for this company’s contacts.'));
    return section(
      'Outreach drafts',
      h('p', { class: 'muted' }, 'ClearView never sends these: “Mark sent” records that you did.'),
      drafts.map((d) => draftEditor(view, d)),
    );
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return section('Outreach drafts', failure(error, 'Outreach drafts'));
  }
}

export const companyPage: Page = {
  title: 'Company',
  async render(view) {
    const id = view.params[0]!;
    let detail: CompanyDetail;
    try {
      detail = await get<CompanyDetail>(`/api/v1/companies/${encodeURIComponent(id)}`, undefined, view.signal);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        put(view.main, h('h1', null, 'Company not found'), status(error.message, 'error'), h('a', { href: '/dashboard/companies' }, 'Back to companies'));
        return;
      }
      throw error;
    }
    document.title = `${detail.company.name} · ClearView`;
    const [visitList, signalList, drafts] = await Promise.all([visits(view, id), signals(view, id), outreach(view, id)]);
    put(
      view.main,
      h('p', null, h('a', { href: '/dashboard/companies' }, '← Companies')),
      h('div', { class: 'title-row' }, h('h1', { class: 'company-name' }, detail.company.name), scoreBar(detail.company.leadScore)),
      h('div', { class: 'grid' }, firmographics(detail), breakdown(detail)),
      visitList,
      contacts(detail),
      signalList,
      drafts,
    );
  },
};
