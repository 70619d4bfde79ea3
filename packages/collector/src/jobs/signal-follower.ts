import { randomUUID } from 'node:crypto';
import { SqliteError } from 'better-sqlite3';
import { continuesVisit, nextHotState, visitOver } from '../alerts/rules.js';
import { alertsOf, type AlertSettings } from '../alerts/settings.js';
import type { Signal, SignalCompany, SignalPage, SignalType } from '../alerts/signal.js';
import { summarize } from '../alerts/summary.js';
import type { WatchedDomains } from '../alerts/watched-domains.js';
import type { Db } from '../store/db.js';
import {
  completeVisit,
  deleteSignalInputsThrough,
  findOpenVisit,
  getCompanySignalState,
  getSignalCompany,
  getSignalCompanyByDomain,
  getSignalContact,
  insertSignal,
  lastPageViewId,
  listFollowedPageViews,
  listOpenVisits,
  listSignalInputs,
  readSignalProgress,
  saveCompanySignalState,
  saveSignalProgress,
  signalWorkPending,
  updateOpenVisit,
  type FollowedPageView,
  type OutboxWriter,
  type SignalCompanyRow,
} from '../store/signals.js';
import { getSiteSettings } from '../store/site-settings.js';
import { getWatchEntry } from '../store/watch-list.js';
import type { JobSpec } from './job.js';

/** Page-view ids and queued inputs taken per transaction: each step stays a few milliseconds of work. */
const PAGE_VIEW_STEP = 500;
const INPUT_STEP = 200;
/** A long visit's signal lists its first pages; pageViews still counts them all. */
export const MAX_VISIT_PAGES = 100;
/** While the writer thread holds the write lock, a step is tried again this often, for up to busy_timeout's 5 s a run. */
const BUSY_WAIT_MS = 20;
const BUSY_TRIES = 250;

export interface SignalFollower {
  /** One short transaction of work; true when more is waiting. */
  step(): boolean;
  /** Steps until caught up, or until `stopping` is aborted (shutdown); returns how many steps it took. */
  followAll(stopping?: AbortSignal): Promise<number>;
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const companyOf = (c: { id: string; name: string; domain: string; lead_score: number }): SignalCompany => ({
  id: c.id,
  name: c.name,
  domain: c.domain,
  leadScore: Math.min(100, Math.max(0, Math.round(c.lead_score))),
});

/**
 * The signal writer. It follows what the batch writer and the API committed, after a
 * watermark: new page views (by id), and new contacts and changed scores (queued by
 * migration 009's triggers). Each step stores the signals it makes, calls every outbox
 * writer for each new one, and moves its watermark, all in one short transaction: a crash
 * neither loses a signal nor makes one twice. It runs on the thread that owns `db`, never
 * inside a batch's commit, so the beacon path does not wait for it.
 */
export function createSignalFollower(db: Db, options: { now: () => number; watched: WatchedDomains; outbox: readonly OutboxWriter[] }): SignalFollower {
  const { outbox, watched } = options;

  /** A new signal and its outbox rows, in the step's transaction. */
  const create = (signal: Omit<Signal, 'id' | 'createdAt'>, now: number, lastAt: number | null) => {
    const full: Signal = { id: randomUUID(), ...signal, createdAt: iso(now) };
    insertSignal(db, full, now, signal.completedAt === null ? null : Date.parse(signal.completedAt), lastAt);
    for (const write of outbox) write(db, full);
  };

  const pageOf = (pv: FollowedPageView): SignalPage => ({ url: pv.url, title: pv.title, at: iso(pv.ts) });

  const onPageView = (pv: FollowedPageView, settings: (siteId: string) => AlertSettings, now: number) => {
    const company = companyOf({ ...pv, id: pv.company_id });
    const state = getCompanySignalState(db, pv.company_id);
    if (!state.identified) {
      create(
        {
          siteId: pv.site_id,
          type: 'company.identified',
          company,
          contact: null,
          summary: summarize('company.identified', { companyName: pv.name, companyDomain: pv.domain }),
          data: { page: pageOf(pv) },
          completedAt: iso(pv.ts),
        },
        now,
        null,
      );
      saveCompanySignalState(db, pv.company_id, { ...state, identified: true });
    }
    const watchedDomain = watched.match(pv.site_id, pv.domain);
    if (watchedDomain === null) return;
    const dedupe = settings(pv.site_id).dedupeMinutes;
    const open = findOpenVisit(db, pv.company_id);
    if (open && open.last_at !== null && continuesVisit(open.last_at, pv.ts, dedupe)) {
      const signal = JSON.parse(open.body) as Signal;
      const data = signal.data as { pages: SignalPage[]; pageViews: number };
      if (data.pages.length < MAX_VISIT_PAGES) data.pages.push(pageOf(pv));
      data.pageViews += 1;
      signal.company = company;
      signal.summary = summarize('watchlist.hit', { companyName: pv.name, companyDomain: pv.domain, pages: data.pageViews });
      updateOpenVisit(db, open.num, signal, Math.max(open.last_at, pv.ts));
      return;
    }
    if (open) completeVisit(db, open.num, open.last_at ?? open.created_at, iso(open.last_at ?? open.created_at));
    const entry = getWatchEntry(db, pv.site_id, watchedDomain);
    create(
      {
        siteId: pv.site_id,
        type: 'watchlist.hit',
        company,
        contact: null,
        summary: summarize('watchlist.hit', { companyName: pv.name, companyDomain: pv.domain, pages: 1 }),
        data: {
          watchList: { domain: watchedDomain, companyName: entry?.company_name ?? null, notes: entry?.notes ?? null },
          pages: [pageOf(pv)],
          pageViews: 1,
        },
        completedAt: null,
      },
      now,
      pv.ts,
    );
  };

  const onScore = (row: SignalCompanyRow, settings: (siteId: string) => AlertSettings, now: number) => {
    const state = getCompanySignalState(db, row.id);
    const { minScore } = settings(row.site_id);
    const next = nextHotState(state.hot, row.lead_score, minScore);
    if (next.fire) {
      let breakdown: unknown = null;
      try {
        breakdown = row.score_breakdown === null ? null : JSON.parse(row.score_breakdown);
      } catch {
        // A breakdown that does not parse is left out; the score itself is the fact.
      }
      create(
        {
          siteId: row.site_id,
          type: 'lead.hot',
          company: companyOf(row),
          contact: null,
          summary: summarize('lead.hot', { companyName: row.name, companyDomain: row.domain, score: row.lead_score, minScore }),
          data: { score: row.lead_score, minScore, breakdown },
          completedAt: iso(now),
        },
        now,
        null,
      );
    }
    if (next.hot !== state.hot) saveCompanySignalState(db, row.id, { ...state, hot: next.hot });
  };

  const onContact = (contactId: string, settings: (siteId: string) => AlertSettings, now: number) => {
    const contact = getSignalContact(db, contactId);
    if (!contact) return;
    const company = contact.company_domain === null ? null : getSignalCompanyByDomain(db, contact.site_id, contact.company_domain);
    const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ') || null;
    const type: SignalType = 'contact.identified';
    create(
      {
        siteId: contact.site_id,
        type,
        company: company ? companyOf(company) : null,
        contact: {
          id: contact.id,
          email: contact.email,
          firstName: contact.first_name,
          lastName: contact.last_name,
          jobTitle: contact.job_title,
          linkedinUrl: contact.linkedin_url,
        },
        summary: summarize(type, {
          contactName: name,
          contactEmail: contact.email,
          companyName: company?.name ?? null,
          companyDomain: company?.domain ?? contact.company_domain,
        }),
        data: { source: contact.source },
        completedAt: iso(contact.created_at),
      },
      now,
      null,
    );
  };

  const work = (): boolean => {
    const now = options.now();
    const bySite = new Map<string, AlertSettings>();
    const settings = (siteId: string): AlertSettings => {
      let s = bySite.get(siteId);
      if (!s) {
        s = alertsOf(getSiteSettings(db, siteId)?.alerts);
        bySite.set(siteId, s);
      }
      return s;
    };
    let more = false;
    const after = readSignalProgress(db, 'page_views');
    const last = lastPageViewId(db);
    if (last > after) {
      const upto = Math.min(last, after + PAGE_VIEW_STEP);
      for (const pv of listFollowedPageViews(db, after, upto)) onPageView(pv, settings, now);
      saveSignalProgress(db, 'page_views', upto);
      more = upto < last;
    }
    const inputs = listSignalInputs(db, INPUT_STEP);
    for (const input of inputs) {
      if (input.kind === 'contact') onContact(input.ref, settings, now);
      else {
        const company = getSignalCompany(db, input.ref);
        if (company) onScore(company, settings, now);
      }
    }
    if (inputs.length > 0) deleteSignalInputsThrough(db, inputs[inputs.length - 1]!.id);
    if (inputs.length === INPUT_STEP) more = true;
    // Visits are completed only once every page view so far is read: one still unread may continue them.
    if (!more) {
      for (const visit of listOpenVisits(db)) {
        if (visitOver(visit.last_at, now, settings(visit.site_id).dedupeMinutes)) completeVisit(db, visit.num, visit.last_at, iso(visit.last_at));
      }
    }
    return more;
  };

  // Made once: a step runs several times a second on the thread that answers beacons.
  const workInTransaction = db.transaction(work);

  /**
   * One step. The write lock is tried, never waited for: this runs on the thread that answers
   * beacons, and the writer thread holds the lock for a batch's commit. Busy means try again soon.
   */
  const attempt = (): 'more' | 'done' | 'busy' => {
    watched.refresh();
    if (!signalWorkPending(db, options.now())) return 'done';
    const patience = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      return workInTransaction.immediate() ? 'more' : 'done';
    } catch (error) {
      if (error instanceof SqliteError && error.code === 'SQLITE_BUSY') return 'busy';
      throw error;
    } finally {
      db.pragma(`busy_timeout = ${patience}`);
    }
  };

  const step = (): boolean => attempt() === 'more';

  const followAll = async (stopping?: AbortSignal): Promise<number> => {
    let steps = 0;
    let busy = 0;
    // The server may close the database while this loop yields; each step committed its watermark, so stopping between steps loses nothing.
    while (db.open && !stopping?.aborted) {
      steps++;
      const outcome = attempt();
      if (outcome === 'done') break;
      if (outcome === 'busy') {
        // A batch is committing: back off briefly; after 5 s of tries the next run carries on.
        if (++busy > BUSY_TRIES) break;
        await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
        continue;
      }
      busy = 0;
      // Between steps, requests and batches go first.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return steps;
  };

  return { step, followAll };
}

/**
 * Every quarter second: with the commit delay and the sender woken by new outbox rows, a watch-list
 * alert reaches its receiver within a second (bench/alerts.mjs). An idle check is three indexed reads.
 */
export function signalFollowJob(follower: SignalFollower, everyMs = 250): JobSpec {
  return { name: 'signal_follow', everyMs, runAtStart: true, run: (stopping) => follower.followAll(stopping) };
}
