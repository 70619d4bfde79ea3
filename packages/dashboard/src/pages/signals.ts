import { get } from '../api.js';
import { h, put, status } from '../dom.js';
import { dateTime } from '../format.js';
import type { Signal } from '../types.js';
import { failure } from '../ui.js';
import type { Page, View } from '../view.js';

const types: Array<[string, string]> = [
  ['', 'All types'],
  ['watchlist.hit', 'Watched company on the site'],
  ['lead.hot', 'Hot lead'],
  ['company.identified', 'New company'],
  ['contact.identified', 'New contact'],
];

function feedItem(signal: Signal): HTMLElement {
  const contact = signal.contact ? [signal.contact.firstName, signal.contact.lastName].filter(Boolean).join(' ') || signal.contact.email : null;
  return h(
    'li',
    { class: 'card' },
    h(
      'p',
      null,
      h('span', { class: 'badge' }, signal.type),
      ' ',
      h('time', { datetime: signal.createdAt, class: 'muted' }, dateTime(signal.createdAt)),
      signal.completedAt === null ? h('span', { class: 'muted' }, ' · visit in progress') : null,
    ),
    h('p', null, signal.summary),
    signal.company
      ? h('p', null, h('a', { href: `/dashboard/companies/${encodeURIComponent(signal.company.id)}` }, signal.company.name), ` (${signal.company.domain})`)
      : null,
    contact ? h('p', { class: 'muted' }, contact) : null,
  );
}

async function load(view: View, list: HTMLElement, type: string): Promise<void> {
  const answer = await get<{ signals: Signal[] }>('/api/v1/signals', { type, limit: 50 }, view.signal);
  put(list, answer.signals.length === 0 ? status('No signals yet. They appear here as they happen.') : h('ul', { class: 'feed' }, answer.signals.map(feedItem)));
}

export const signalsPage: Page = {
  title: 'Signals',
  async render(view) {
    const type = view.query.get('type') ?? '';
    const select = h(
      'select',
      { name: 'type', id: 'signal-type' },
      types.map(([value, label]) => h('option', { value, selected: value === type }, label)),
    );
    select.addEventListener('change', () => view.go(select.value ? `/dashboard/signals?type=${encodeURIComponent(select.value)}` : '/dashboard/signals'));
    const list = h('div', { 'aria-live': 'polite' });
    const heading = [h('h1', null, 'Signals'), h('div', { class: 'filters' }, h('label', { for: 'signal-type' }, h('span', null, 'Type'), select))];
    try {
      await load(view, list, type);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      put(view.main, heading, failure(error, 'The signals feed'));
      return;
    }
    put(view.main, heading, h('p', { class: 'muted' }, 'Refreshed every 15 seconds while this page is open.'), list);
    view.every(15_000, () => void load(view, list, type).catch(() => undefined));
  },
};
