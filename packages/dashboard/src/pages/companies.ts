import { api, get } from '../api.js';
import { toCsv, download } from '../csv.js';
import { formText, h, put, status, type Child } from '../dom.js';
import { ago, country, dateTime, num } from '../format.js';
import { trackingTag } from '../tag.js';
import type { Company, Pagination } from '../types.js';
import { act, copyButton, scoreBar, table } from '../ui.js';
import { canWrite, type Page, type View } from '../view.js';

const sorts: Array<[string, string]> = [
  ['-leadScore', 'Score, highest first'],
  ['-lastSeen', 'Last seen, newest first'],
  ['-visitorCount', 'Visitors, most first'],
  ['name', 'Name, A to Z'],
  ['-firstSeen', 'First seen, newest first'],
];
const sizes = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5001-10000', '10001+'];
/** The query parameters this page keeps in its URL, passed to GET /api/v1/companies as they are. */
const listParams = ['q', 'min_score', 'industry', 'size', 'country', 'seen_after', 'watched', 'sort', 'cursor'] as const;

interface CompanyList {
  companies: Company[];
  pagination: Pagination;
}

function listQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of listParams) {
    const value = query.get(name);
    if (value) out[name] = value;
  }
  return out;
}

function filterForm(view: View): HTMLFormElement {
  const q = view.query;
  const field = (label: string, input: HTMLElement) => h('label', null, h('span', null, label), input);
  const seenSince = q.get('seen_after')?.slice(0, 10) ?? '';
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter companies' },
    field('Search', h('input', { name: 'q', type: 'search', value: q.get('q') ?? '', placeholder: 'Name or domain' })),
    field('Min. score', h('input', { name: 'min_score', type: 'number', min: 0, max: 100, inputmode: 'numeric', value: q.get('min_score') ?? '' })),
    field('Industry', h('input', { name: 'industry', value: q.get('industry') ?? '' })),
    field(
      'Size',
      h(
        'select',
        { name: 'size' },
        h('option', { value: '' }, 'Any'),
        sizes.map((s) => h('option', { value: s, selected: q.get('size') === s }, s)),
      ),
    ),
    field('Country', h('input', { name: 'country', value: q.get('country') ?? '', maxlength: 2, size: 3, placeholder: 'US', pattern: '[A-Za-z]{2}' })),
    field('Seen since', h('input', { name: 'seen_after', type: 'date', value: seenSince })),
    field(
      'Sort',
      h(
        'select',
        { name: 'sort' },
        sorts.map(([value, label]) => h('option', { value, selected: (q.get('sort') ?? '-leadScore') === value }, label)),
      ),
    ),
    h(
      'label',
      { class: 'check' },
      h('input', { name: 'watched', type: 'checkbox', value: 'true', checked: q.get('watched') === 'true' }),
      h('span', null, 'Watched only'),
    ),
    h('button', { type: 'submit' }, 'Apply'),
    h('a', { href: '/dashboard/companies', class: 'button secondary' }, 'Clear'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const name of new Set(data.keys())) {
      let text = formText(data, name);
      if (!text || (name === 'sort' && text === '-leadScore')) continue;
      // A date picked is the start of that day in the browser's zone.
      if (name === 'seen_after') text = new Date(`${text}T00:00:00`).toISOString();
      next.set(name, text);
    }
    const search = next.toString();
    view.go(`/dashboard/companies${search ? `?${search}` : ''}`);
  });
  return form;
}

/**
 * Watch or stop watching a company. A company may be covered by a parent domain's entry
 * (acme.com covers eu.acme.com): stopping removes that entry, and the label says so.
 */
function watchToggle(company: Company): HTMLElement {
  let watched = company.watchedDomain;
  const button = h('button', { type: 'button', class: 'secondary small' });
  const show = () => {
    button.textContent = watched === null ? 'Watch' : 'Watching';
    button.setAttribute('aria-pressed', watched === null ? 'false' : 'true');
    button.setAttribute('aria-label', watched === null ? `Watch ${company.name}` : `Stop watching ${watched}`);
    button.title = watched === null || watched === company.domain ? '' : `Watched through ${watched}`;
  };
  show();
  const out = h('span', { 'aria-live': 'polite' });
  button.addEventListener('click', () => {
    void act(button, out, async () => {
      if (watched !== null) {
        await api('DELETE', '/api/dashboard/watch-list', { query: { domain: watched } });
        watched = null;
      } else {
        await api('POST', '/api/dashboard/watch-list', { body: { domain: company.domain, companyName: company.name } });
        watched = company.domain;
      }
      show();
      return null;
    });
  });
  return h('span', { class: 'inline' }, button, out);
}

function companyRows(view: View, companies: Company[]): Child[][] {
  return companies.map((c) => {
    const cells: Child[] = [
      h('a', { href: `/dashboard/companies/${encodeURIComponent(c.id)}`, class: 'company-name' }, c.name),
      c.domain,
      scoreBar(c.leadScore),
      c.industry || '—',
      c.size || '—',
      h('span', { title: c.country }, country(c.country)),
      num(c.visitorCount),
      h('time', { datetime: c.lastSeen, title: dateTime(c.lastSeen) }, ago(c.lastSeen)),
    ];
    if (canWrite(view.session)) cells.push(watchToggle(c));
    return cells;
  });
}

/** Every row of the filtered list, page by page along the cursor, for the CSV. */
async function allRows(query: Record<string, string>, progress: (n: number) => void): Promise<Company[]> {
  const rows: Company[] = [];
  let cursor = '';
  const filters = { ...query };
  delete filters.cursor;
  for (;;) {
    const page = await get<CompanyList>('/api/v1/companies', { ...filters, limit: 100, cursor });
    rows.push(...page.companies);
    progress(rows.length);
    if (!page.pagination.nextCursor || page.companies.length === 0) return rows;
    cursor = page.pagination.nextCursor;
  }
}

function exportButton(query: Record<string, string>): HTMLElement {
  const button = h('button', { type: 'button', class: 'secondary' }, 'Export CSV');
  const out = h('span', { 'aria-live': 'polite' });
  button.addEventListener('click', () => {
    void act(button, out, async () => {
      const rows = await allRows(query, (n) => (out.textContent = `Fetched ${num(n)} companies…`));
      const header = ['id', 'name', 'domain', 'leadScore', 'industry', 'size', 'country', 'visitorCount', 'firstSeen', 'lastSeen'];
      download(
        'clearview-companies.csv',
        toCsv(
          header,
          rows.map((c) => [c.id, c.name, c.domain, c.leadScore, c.industry, c.size, c.country, c.visitorCount, c.firstSeen, c.lastSeen]),
        ),
      );
      return `Exported ${num(rows.length)} companies.`;
    });
  });
  return h('span', { class: 'inline' }, button, out);
}

/** A new site: the tag to paste, and a wait that ends by itself at the first page view. */
function firstRun(view: View): HTMLElement {
  const waiting = status('Waiting for the first page view… This page updates by itself.');
  view.every(3000, () => {
    get<{ pagination: Pagination }>('/api/v1/page-views', { limit: 1, include_bots: true }, view.signal).then(
      (answer) => {
        if (answer.pagination.total > 0) view.go(location.pathname + location.search, true);
      },
      () => undefined,
    );
  });
  const tag = trackingTag(view.session);
  return h(
    'section',
    { class: 'card empty' },
    h('h2', null, 'No page views yet'),
    h('p', null, 'Paste this tag into the pages of ', h('strong', null, view.session.site.domains.join(', ')), ', before the closing </head> tag:'),
    h('pre', null, h('code', null, tag)),
    copyButton(() => tag, 'Copy the tag'),
    waiting,
  );
}

function countText(total: number, filtered: boolean): string {
  const noun = total === 1 ? 'company' : 'companies';
  return filtered ? `${num(total)} ${noun} ${total === 1 ? 'matches' : 'match'}.` : `${num(total)} ${noun}.`;
}

export const companiesPage: Page = {
  title: 'Companies',
  async render(view) {
    const query = listQuery(view.query);
    const list = await get<CompanyList>('/api/v1/companies', { ...query, limit: 25 }, view.signal);
    const filtered = Object.keys(query).some((k) => k !== 'sort' && k !== 'cursor');
    if (list.pagination.total === 0 && !filtered) {
      const views = await get<{ pagination: Pagination }>('/api/v1/page-views', { limit: 1, include_bots: true }, view.signal);
      if (views.pagination.total === 0) {
        put(view.main, h('h1', null, 'Companies'), firstRun(view));
        return;
      }
    }
    const headers = ['Company', 'Domain', 'Score', 'Industry', 'Size', 'Country', 'Visitors', 'Last seen'];
    if (canWrite(view.session)) headers.push('Watch');
    const next = list.pagination.nextCursor;
    const pager = h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of companies' },
      query.cursor ? h('a', { href: `/dashboard/companies?${new URLSearchParams({ ...query, cursor: '' }).toString().replace(/&?cursor=/, '')}` }, '← First page') : null,
      next ? h('a', { href: `/dashboard/companies?${new URLSearchParams({ ...query, cursor: next }).toString()}`, rel: 'next' }, 'Next page →') : null,
    );
    put(
      view.main,
      h('div', { class: 'title-row' }, h('h1', null, 'Companies'), exportButton(query)),
      filterForm(view),
      h('p', { class: 'muted', role: 'status', id: 'company-count' }, countText(list.pagination.total, filtered)),
      list.companies.length === 0 ? status('No company matches these filters.') : table('Companies', headers, companyRows(view, list.companies), { numeric: [6] }),
      pager,
    );
  },
};
