import type { SignalType } from './signal.js';

/** What a summary sentence names; every field is optional because events know different things. */
export interface SummaryFacts {
  companyName?: string | null;
  companyDomain?: string | null;
  pages?: number;
  score?: number;
  minScore?: number;
  contactName?: string | null;
  contactEmail?: string | null;
}

const companyOf = (f: SummaryFacts): string => {
  if (f.companyName && f.companyDomain && f.companyName !== f.companyDomain) return `${f.companyName} (${f.companyDomain})`;
  return f.companyName ?? f.companyDomain ?? 'An unknown company';
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One plain sentence for people (the feed, Slack, email subjects); no markup, the channels escape it. */
export function summarize(type: SignalType, f: SummaryFacts): string {
  switch (type) {
    case 'watchlist.hit':
      return `${companyOf(f)}, on your watch list, is on the site: ${plural(f.pages ?? 1, 'page')} viewed.`;
    case 'company.identified':
      return `${companyOf(f)} visited the site for the first time.`;
    case 'lead.hot':
      return `${companyOf(f)} reached a lead score of ${f.score ?? 0} (alerts at ${f.minScore ?? 0}).`;
    case 'contact.identified': {
      const who = f.contactName ? (f.contactEmail ? `${f.contactName} (${f.contactEmail})` : f.contactName) : (f.contactEmail ?? 'A person');
      return f.companyName || f.companyDomain ? `${who} of ${companyOf(f)} is now known.` : `${who} is now known.`;
    }
    default:
      return type satisfies never;
  }
}
