import type { SignalPage } from './signal.js';
import type { OutboxPayload } from './outbox-payload.js';

/**
 * The facts a person-facing alert (Slack, email) shows, read once from a payload so
 * both channels say the same. Everything here may come from a beacon: render escaped.
 */
export interface AlertFacts {
  title: string;
  summary: string;
  companyName: string | null;
  domain: string | null;
  score: number | null;
  pages: SignalPage[];
  notes: string | null;
  at: string;
  companyUrl: string | null;
}

const titles: Record<OutboxPayload['type'], string> = {
  'watchlist.hit': 'A watched company is on your site',
  'company.identified': 'A new company visited your site',
  'lead.hot': 'A lead turned hot',
  'contact.identified': 'A new contact is known',
  'webhook.test': 'ClearView test alert',
};

function pagesOf(data: Record<string, unknown>): SignalPage[] {
  if (!Array.isArray(data.pages)) return [];
  return data.pages.filter((p): p is SignalPage => typeof p === 'object' && p !== null && typeof (p as SignalPage).url === 'string');
}

/** Watch-list notes, where the signal carries them (data.notes, or data.watch.notes). */
function notesOf(data: Record<string, unknown>): string | null {
  if (typeof data.notes === 'string' && data.notes !== '') return data.notes;
  const watch = data.watch as { notes?: unknown } | undefined;
  return typeof watch?.notes === 'string' && watch.notes !== '' ? watch.notes : null;
}

export function alertFacts(payload: OutboxPayload, publicUrl: string | null): AlertFacts {
  const company = payload.company;
  return {
    title: titles[payload.type],
    summary: payload.summary,
    companyName: company?.name ?? null,
    domain: company?.domain ?? null,
    score: company?.leadScore ?? null,
    pages: pagesOf(payload.data),
    notes: notesOf(payload.data),
    at: payload.completedAt ?? payload.createdAt,
    companyUrl: company && publicUrl ? `${publicUrl}/dashboard/companies/${encodeURIComponent(company.id)}` : null,
  };
}

/** A page's label: its title, or its URL when it had none. */
export const pageLabel = (page: SignalPage) => (page.title && page.title.trim() !== '' ? page.title : page.url);

/** Alerts list this many pages; a longer visit says how many more. */
export const listedPages = 10;

/** Cuts text to at most max characters, marking the cut. */
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
