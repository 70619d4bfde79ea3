import { describe, expect, it } from 'vitest';
import { alertsOf, defaultAlerts } from '../../packages/collector/src/alerts/settings.js';
import { continuesVisit, nextHotState, visitOver } from '../../packages/collector/src/alerts/rules.js';
import { summarize } from '../../packages/collector/src/alerts/summary.js';
import { createWatchedDomains } from '../../packages/collector/src/alerts/watched-domains.js';

const minute = 60_000;

describe('visits', () => {
  it('continues a visit up to dedupeMinutes after its latest page view, and not a millisecond later', () => {
    expect(continuesVisit(0, 30 * minute, 30)).toBe(true);
    expect(continuesVisit(0, 30 * minute + 1, 30)).toBe(false);
    expect(continuesVisit(10 * minute, 5 * minute, 30)).toBe(true);
  });

  it('ends a visit once dedupeMinutes have passed without a page view', () => {
    expect(visitOver(0, 30 * minute, 30)).toBe(false);
    expect(visitOver(0, 30 * minute + 1, 30)).toBe(true);
  });
});

describe('lead.hot hysteresis', () => {
  it('fires when a score reaches minScore, once, and re-arms only 5 points below it', () => {
    const scores = [60, 70, 69, 71, 66, 70, 65, 64, 70, 75];
    let hot = false;
    const fired: number[] = [];
    for (const score of scores) {
      const next = nextHotState(hot, score, 70);
      if (next.fire) fired.push(score);
      hot = next.hot;
    }
    expect(fired).toEqual([70, 70]);
  });

  it('keeps a hot lead hot at exactly 5 below and re-arms it at 6 below', () => {
    expect(nextHotState(true, 65, 70)).toEqual({ hot: true, fire: false });
    expect(nextHotState(true, 64, 70)).toEqual({ hot: false, fire: false });
    expect(nextHotState(false, 69, 70)).toEqual({ hot: false, fire: false });
  });
});

describe('summaries', () => {
  it('says each event in one plain sentence', () => {
    const acme = { companyName: 'Acme Corp', companyDomain: 'acme.com' };
    expect(summarize('watchlist.hit', { ...acme, pages: 1 })).toBe('Acme Corp (acme.com), on your watch list, is on the site: 1 page viewed.');
    expect(summarize('watchlist.hit', { ...acme, pages: 20 })).toBe('Acme Corp (acme.com), on your watch list, is on the site: 20 pages viewed.');
    expect(summarize('company.identified', { companyName: 'acme.com', companyDomain: 'acme.com' })).toBe('acme.com visited the site for the first time.');
    expect(summarize('lead.hot', { ...acme, score: 74, minScore: 70 })).toBe('Acme Corp (acme.com) reached a lead score of 74 (alerts at 70).');
    expect(summarize('contact.identified', { ...acme, contactName: 'Sarah Chen', contactEmail: 'sarah@acme.com' })).toBe(
      'Sarah Chen (sarah@acme.com) of Acme Corp (acme.com) is now known.',
    );
    expect(summarize('contact.identified', { contactEmail: 'sarah@gmail.com' })).toBe('sarah@gmail.com is now known.');
  });
});

describe('alert settings', () => {
  it('fills what an older version stored with the defaults, drops the retired webhook URL, and replaces values no longer valid', () => {
    expect(alertsOf(undefined)).toEqual(defaultAlerts);
    expect(alertsOf({ minScore: 50, slack: { webhookUrl: 'https://hooks.slack.com/x' }, email: { recipients: ['a@b.co'] }, webhook: { url: null } })).toEqual({
      minScore: 50,
      dedupeMinutes: 30,
      slack: { webhookUrl: 'https://hooks.slack.com/x', events: ['watchlist.hit', 'lead.hot'] },
      email: { recipients: ['a@b.co'], events: ['watchlist.hit', 'lead.hot'] },
    });
    expect(alertsOf({ minScore: 500, dedupeMinutes: 0, slack: { events: ['nope'] } })).toEqual(defaultAlerts);
  });
});

describe('watched domains in memory', () => {
  it('matches a company domain or a subdomain of a watched one, and rereads a site only after the version moved', () => {
    let version = 1;
    const lists: Record<string, string[]> = { s1: ['acme.com'], s2: [] };
    let reads = 0;
    const watched = createWatchedDomains({
      version: () => version,
      domains: (siteId) => {
        reads++;
        return lists[siteId] ?? [];
      },
    });
    expect(watched.match('s1', 'acme.com')).toBe('acme.com');
    expect(watched.match('s1', 'eu.acme.com')).toBe('acme.com');
    expect(watched.isWatched('s1', 'notacme.com')).toBe(false);
    expect(watched.isWatched('s2', 'acme.com')).toBe(false);
    expect(reads).toBe(2);
    lists.s1 = [];
    watched.refresh();
    expect(watched.isWatched('s1', 'acme.com')).toBe(true);
    version = 2;
    watched.refresh();
    expect(watched.isWatched('s1', 'acme.com')).toBe(false);
    expect(reads).toBe(3);
  });
});
