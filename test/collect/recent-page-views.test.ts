import { describe, expect, it } from 'vitest';
import { RecentPageViews } from '../../packages/collector/src/collect/recent-page-views.js';

describe('recent page views', () => {
  it('recognises a page-view id already accepted for the same site only', () => {
    const recent = new RecentPageViews(3);
    recent.add('site_a', 'pv_1');
    expect(recent.has('site_a', 'pv_1')).toBe(true);
    expect(recent.has('site_b', 'pv_1')).toBe(false);
    expect(recent.has('site_a', 'pv_2')).toBe(false);
  });

  it('forgets the oldest id once full, and only the oldest', () => {
    const recent = new RecentPageViews(3);
    for (const id of ['pv_1', 'pv_2', 'pv_3', 'pv_4']) recent.add('site_a', id);
    expect(['pv_1', 'pv_2', 'pv_3', 'pv_4'].map((id) => recent.has('site_a', id))).toEqual([false, true, true, true]);
  });

  it('does not let a repeated id push out others', () => {
    const recent = new RecentPageViews(2);
    recent.add('site_a', 'pv_1');
    recent.add('site_a', 'pv_2');
    recent.add('site_a', 'pv_2');
    expect(recent.has('site_a', 'pv_1')).toBe(true);
  });
});
