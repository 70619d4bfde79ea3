import { api, get } from '../api.js';
import { formText, h, put, status } from '../dom.js';
import { ago, dateTime, num } from '../format.js';
import type { Pagination, WatchEntry } from '../types.js';
import { act, failure, scoreBar, section, table } from '../ui.js';
import { canWrite, type Page, type View } from '../view.js';

interface BulkResult {
  added: number;
  skipped: number;
  invalid: Array<{ value: string; reason: string }>;
}

function addOne(view: View): HTMLElement {
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Add');
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Add a domain' },
    h('label', null, h('span', null, 'Domain'), h('input', { name: 'domain', required: true, placeholder: 'acme.com', autocomplete: 'off' })),
    h('label', null, h('span', null, 'Company name (optional)'), h('input', { name: 'companyName', maxlength: 256 })),
    h('label', null, h('span', null, 'Notes (optional)'), h('input', { name: 'notes', maxlength: 2000 })),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body: Record<string, string> = { domain: formText(data, 'domain') };
    for (const name of ['companyName', 'notes']) if (formText(data, name)) body[name] = formText(data, name);
    void act(button, out, async () => {
      await api('POST', '/api/dashboard/watch-list', { body });
      view.go(location.pathname + location.search, true);
      return null;
    });
  });
  return section('Add one', form, out);
}

function addMany(view: View): HTMLElement {
  const out = h('div', { 'aria-live': 'polite' });
  const text = h('textarea', { id: 'paste', rows: 5, placeholder: 'acme.com\nglobex.com, initech.com' });
  const button = h('button', { type: 'submit' }, 'Add all');
  const form = h('form', { 'aria-label': 'Paste many domains' }, h('label', { for: 'paste' }, 'Domains, one a line or separated by commas or spaces'), text, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const domains = text.value.split(/[\s,;]+/).filter(Boolean);
    if (domains.length === 0) return;
    void act(button, out, async () => {
      const result = await api<BulkResult>('POST', '/api/dashboard/watch-list', { body: { domains } });
      text.value = '';
      const refreshed = h(
        'div',
        null,
        status(`Added ${num(result.added)}, skipped ${num(result.skipped)} already watched or repeated, ${num(result.invalid.length)} invalid.`, 'ok'),
      );
      if (result.invalid.length > 0) {
        refreshed.append(
          table(
            'Invalid values',
            ['Value', 'Why'],
            result.invalid.map((i) => [i.value, i.reason]),
          ),
        );
      }
      const reload = h('button', { type: 'button', class: 'secondary' }, 'Show the updated list');
      reload.addEventListener('click', () => view.go(location.pathname, true));
      refreshed.append(reload);
      return refreshed;
    });
  });
  return section('Paste many', form, out);
}

function row(view: View, entry: WatchEntry) {
  const notes = h('input', { value: entry.notes ?? '', maxlength: 2000, 'aria-label': `Notes for ${entry.domain}`, disabled: !canWrite(view.session) });
  const out = h('span', { 'aria-live': 'polite' });
  const cells = [
    entry.domain,
    entry.company
      ? h('a', { href: `/dashboard/companies/${encodeURIComponent(entry.company.id)}` }, entry.company.name)
      : (entry.companyName ?? h('span', { class: 'muted' }, 'Not seen yet')),
    entry.company ? scoreBar(entry.company.leadScore) : '—',
    entry.company ? h('time', { datetime: entry.company.lastSeen, title: dateTime(entry.company.lastSeen) }, ago(entry.company.lastSeen)) : '—',
    h('span', { class: 'inline' }, notes),
  ];
  if (canWrite(view.session)) {
    const save = h('button', { type: 'button', class: 'secondary small' }, 'Save notes');
    save.setAttribute('aria-label', `Save notes for ${entry.domain}`);
    save.addEventListener(
      'click',
      () => void act(save, out, async () => (await api('PATCH', '/api/dashboard/watch-list', { body: { domain: entry.domain, notes: notes.value } }), 'Saved.')),
    );
    const remove = h('button', { type: 'button', class: 'danger small' }, 'Remove');
    remove.setAttribute('aria-label', `Remove ${entry.domain}`);
    remove.addEventListener(
      'click',
      () =>
        void act(remove, out, async () => {
          await api('DELETE', '/api/dashboard/watch-list', { query: { domain: entry.domain } });
          view.go(location.pathname + location.search, true);
          return null;
        }),
    );
    cells.push(h('span', { class: 'inline' }, save, remove, out));
  }
  return cells;
}

export const watchListPage: Page = {
  title: 'Watch list',
  async render(view) {
    const page = Number(view.query.get('page') ?? '1') || 1;
    let answer: { watchList: WatchEntry[]; pagination: Pagination };
    try {
      answer = await get('/api/dashboard/watch-list', { page, limit: 50, q: view.query.get('q') }, view.signal);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      put(view.main, h('h1', null, 'Watch list'), failure(error, 'The watch list'));
      return;
    }
    const headers = ['Domain', 'Company', 'Score', 'Last seen', 'Notes'];
    if (canWrite(view.session)) headers.push('Actions');
    const { pages } = answer.pagination;
    put(
      view.main,
      h('h1', null, 'Watch list'),
      h('p', { class: 'muted' }, 'Target accounts: a watched company earns the score’s watch-list bonus, and its visits raise a watch-list signal.'),
      canWrite(view.session) ? h('div', { class: 'grid' }, addOne(view), addMany(view)) : h('p', { class: 'muted' }, 'Adding and editing needs a write key.'),
      section(
        `Watched domains (${num(answer.pagination.total)})`,
        answer.watchList.length === 0
          ? status('Nothing is watched yet.')
          : table(
              'Watched domains',
              headers,
              answer.watchList.map((e) => row(view, e)),
            ),
        pages > 1
          ? h(
              'nav',
              { class: 'pager', 'aria-label': 'Pages of the watch list' },
              page > 1 ? h('a', { href: `/dashboard/watch-list?page=${page - 1}` }, '← Previous') : null,
              h('span', null, `Page ${num(page)} of ${num(pages)}`),
              page < pages ? h('a', { href: `/dashboard/watch-list?page=${page + 1}` }, 'Next →') : null,
            )
          : null,
      ),
    );
  },
};
