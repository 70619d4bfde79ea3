import { pageWording, listOf } from './pages.js';
import { renderTemplate, type TemplateValues } from './template.js';

/**
 * Composes a draft from a contact, their company and the pages viewed. Pure: the caller
 * reads the facts (store/outreach-drafts.ts) and the site's settings.
 */

export interface DraftTemplates {
  highIntent: { subject: string; body: string };
  general: { subject: string; body: string };
}

export interface ViewedPage {
  path: string;
  title: string | null;
  views: number;
}

export interface IntentLabeler {
  /** The site's intent pattern (score model intent.patterns) first matching a path: its name and weight, or null. */
  (path: string): { name: string; weight: number } | null;
}

export interface DraftInput {
  contact: { firstName: string | null; lastName: string | null; jobTitle: string | null };
  companyName: string | null;
  /** Whose pages: the person's own (a linked visitor), or their company's. */
  pagesOf: 'person' | 'company';
  pages: readonly ViewedPage[];
  siteName: string;
  senderName: string;
  templates: DraftTemplates;
  /** Pattern names whose pages make a draft high-intent (outreach.highIntentPatterns). */
  highIntentPatterns: readonly string[];
  intentOf: IntentLabeler;
}

export interface Draft {
  subject: string;
  body: string;
  intent: 'highIntent' | 'general';
}

/** At most three pages: a draft names what mattered, not a browsing history. */
export const maxPages = 3;

/** A pattern name in words: "case-studies" -> "case studies". */
const labelWords = (name: string) => name.replace(/[-_]+/g, ' ').trim();

/**
 * The pages to name, most intent first (the weight of the pattern they match, then views,
 * then name), one entry per distinct wording, and the label of the strongest.
 */
export function choosePages(pages: readonly ViewedPage[], siteName: string, intentOf: IntentLabeler): { words: string[]; label: string | null } {
  const byWords = new Map<string, { weight: number; views: number; label: string | null }>();
  for (const page of pages) {
    const words = pageWording(page.title, page.path, siteName);
    if (words === null) continue;
    const intent = intentOf(page.path);
    const weight = intent?.weight ?? 0;
    const known = byWords.get(words);
    if (!known) byWords.set(words, { weight, views: page.views, label: intent && intent.weight > 0 ? intent.name : null });
    else {
      known.views += page.views;
      if (weight > known.weight) Object.assign(known, { weight, label: intent && intent.weight > 0 ? intent.name : null });
    }
  }
  const ranked = [...byWords].sort((a, b) => b[1].weight - a[1].weight || b[1].views - a[1].views || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = ranked.slice(0, maxPages);
  return { words: top.map(([w]) => w), label: top.find(([, p]) => p.label !== null)?.[1].label ?? null };
}

/**
 * The {{pages}} clause. The person's own pages are "you looked at ..."; their company's are
 * "someone from Acme Corp looked at ...": a draft never tells a person they did what a
 * colleague did. Empty when no page can be named, so the line holding it is dropped.
 */
export function pagesClause(words: readonly string[], pagesOf: 'person' | 'company', companyName: string | null): string {
  if (words.length === 0) return '';
  const who = pagesOf === 'person' ? 'you' : companyName ? `someone from ${companyName}` : 'someone from your team';
  return `${who} looked at our ${listOf(words)} ${words.length === 1 ? 'page' : 'pages'}`;
}

export function composeDraft(input: DraftInput): Draft {
  const { words, label } = choosePages(input.pages, input.siteName, input.intentOf);
  // High intent: any page viewed (not only the three named) matches a high-intent pattern.
  const high = input.pages.some((p) => {
    const intent = input.intentOf(p.path);
    return intent !== null && input.highIntentPatterns.includes(intent.name);
  });
  const intent = high ? 'highIntent' : 'general';
  const values: TemplateValues = {
    firstName: input.contact.firstName,
    lastName: input.contact.lastName,
    jobTitle: input.contact.jobTitle,
    companyName: input.companyName,
    pages: pagesClause(words, input.pagesOf, input.companyName),
    intent: label === null ? null : labelWords(label),
    senderName: input.senderName,
    siteName: input.siteName,
  };
  const template = input.templates[intent];
  return { subject: renderTemplate(template.subject, values).split('\n').join(' '), body: renderTemplate(template.body, values), intent };
}
