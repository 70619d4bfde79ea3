import { get } from '../api.js';
import { barChart } from '../chart.js';
import { formText, h, put } from '../dom.js';
import { dateTime, num } from '../format.js';
import { failure, section, table } from '../ui.js';
import type { Page, View } from '../view.js';

interface Insights {
  period: { from: string; to: string; days: number; tz: string };
  topIndustries: Array<{ industry: string; visitorCount: number; companyCount: number }>;
  companySizeBreakdown: Array<{ size: string; companyCount: number; visitorCount: number }>;
  topPagesByScore: Array<{ path: string; title: string | null; pageViews: number; companyCount: number; averageLeadScore: number }>;
  topReferrers: Array<{ domain: string; visits: number }>;
  dayOfWeekActivity: Array<{ day: string; pageViews: number }>;
}

const dayChoices = [7, 30, 90, 365];
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The zone asked for is always offered: browsers list some zones by older names (Asia/Calcutta for Asia/Kolkata). */
function zones(current: string): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return [...new Set(['UTC', browserZone, current, ...supported])];
}

function pickers(view: View, days: string, tz: string): HTMLFormElement {
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Period' },
    h(
      'label',
      null,
      h('span', null, 'Days'),
      h(
        'select',
        { name: 'days' },
        dayChoices.map((d) => h('option', { value: d, selected: String(d) === days }, `Last ${d} days`)),
      ),
    ),
    h(
      'label',
      null,
      h('span', null, 'Time zone'),
      h(
        'select',
        { name: 'tz' },
        zones(tz).map((z) => h('option', { value: z, selected: z === tz }, z)),
      ),
    ),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    view.go(`/dashboard/insights?${new URLSearchParams({ days: formText(data, 'days'), tz: formText(data, 'tz') }).toString()}`);
  });
  return form;
}

const unknown = (value: string) => value || 'Unknown';

export const insightsPage: Page = {
  title: 'Insights',
  async render(view) {
    const days = view.query.get('days') ?? '30';
    const tz = view.query.get('tz') ?? browserZone;
    const heading = [h('h1', null, 'Insights'), pickers(view, days, tz)];
    let data: Insights;
    try {
      data = await get<Insights>('/api/dashboard/insights', { days, tz }, view.signal);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      put(view.main, heading, failure(error, 'Insights'));
      return;
    }
    const block = (title: string, rows: Array<{ label: string; value: number }>, tableEl: HTMLElement) =>
      section(title, h('div', { class: 'chart-pair' }, barChart(title, rows), tableEl));
    put(
      view.main,
      heading,
      h('p', { class: 'muted' }, `From ${dateTime(data.period.from)} to ${dateTime(data.period.to)} (${data.period.tz}); bots never count.`),
      h(
        'div',
        { class: 'grid' },
        block(
          'Top industries',
          data.topIndustries.map((r) => ({ label: unknown(r.industry), value: r.visitorCount })),
          table(
            'Top industries',
            ['Industry', 'Visitors', 'Companies'],
            data.topIndustries.map((r) => [unknown(r.industry), num(r.visitorCount), num(r.companyCount)]),
            { numeric: [1, 2] },
          ),
        ),
        block(
          'Company sizes',
          data.companySizeBreakdown.map((r) => ({ label: unknown(r.size), value: r.companyCount })),
          table(
            'Company sizes',
            ['Size', 'Companies', 'Visitors'],
            data.companySizeBreakdown.map((r) => [unknown(r.size), num(r.companyCount), num(r.visitorCount)]),
            { numeric: [1, 2] },
          ),
        ),
        block(
          'Top pages by lead score',
          data.topPagesByScore.map((r) => ({ label: r.title || r.path, value: r.averageLeadScore })),
          table(
            'Top pages by lead score',
            ['Page', 'Avg. score', 'Views', 'Companies'],
            data.topPagesByScore.map((r) => [r.title ? `${r.title} (${r.path})` : r.path, num(r.averageLeadScore), num(r.pageViews), num(r.companyCount)]),
            { numeric: [1, 2, 3] },
          ),
        ),
        block(
          'Top referrers',
          data.topReferrers.map((r) => ({ label: r.domain, value: r.visits })),
          table(
            'Top referrers',
            ['Referrer', 'Visits'],
            data.topReferrers.map((r) => [r.domain, num(r.visits)]),
            { numeric: [1] },
          ),
        ),
        block(
          'Activity by day of week',
          data.dayOfWeekActivity.map((r) => ({ label: r.day, value: r.pageViews })),
          table(
            'Activity by day of week',
            ['Day', 'Page views'],
            data.dayOfWeekActivity.map((r) => [r.day, num(r.pageViews)]),
            { numeric: [1] },
          ),
        ),
      ),
    );
  },
};
