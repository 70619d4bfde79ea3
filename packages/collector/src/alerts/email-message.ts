import { alertFacts, clip, listedPages, pageLabel } from './alert-facts.js';
import type { OutboxPayload } from './outbox-payload.js';

/** HTML escaping for text and attribute values (quotes included, so a title cannot end an attribute). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * A value safe in a mail header: a CR or LF would start a header of the sender's choosing
 * (Bcc:), so every control character becomes a space, and the line is kept short.
 */
export function headerSafe(text: string, max = 200): string {
  return clip(text.replace(controlCharacters, ' ').replace(/\s+/g, ' ').trim(), max);
}

/** Only http(s) links are made clickable: a javascript: URL from a beacon stays text. */
const linkable = (url: string) => /^https?:\/\//i.test(url);

/** The subject, plain-text part and HTML part of one alert email. */
export function emailMessage(payload: OutboxPayload, publicUrl: string | null): { subject: string; text: string; html: string } {
  const facts = alertFacts(payload, publicUrl);
  const who = facts.companyName ?? facts.domain;
  const subject = headerSafe(who ? `${facts.title}: ${who}` : facts.title);
  const rows: Array<[string, string]> = [];
  if (facts.companyName !== null) rows.push(['Company', facts.companyName]);
  if (facts.domain !== null) rows.push(['Domain', facts.domain]);
  if (facts.score !== null) rows.push(['Score', String(facts.score)]);
  rows.push(['Time', facts.at]);
  const pages = facts.pages.slice(0, listedPages);
  const more = facts.pages.length - pages.length;

  const text = [
    facts.summary,
    '',
    ...rows.map(([name, value]) => `${name}: ${value}`),
    ...(pages.length > 0 ? ['', 'Pages:', ...pages.map((p) => `- ${clip(pageLabel(p), 200)} (${p.url}) at ${p.at}`), ...(more > 0 ? [`and ${more} more`] : [])] : []),
    ...(facts.notes !== null ? ['', `Watch-list notes: ${facts.notes}`] : []),
    ...(facts.companyUrl !== null ? ['', `Open in ClearView: ${facts.companyUrl}`] : []),
    '',
  ].join('\n');

  const pageItem = (p: (typeof pages)[number]) => {
    const label = escapeHtml(clip(pageLabel(p), 200));
    const link = linkable(p.url) ? `<a href="${escapeHtml(p.url)}">${label}</a>` : label;
    return `<li>${link} <small>${escapeHtml(p.at)}</small></li>`;
  };
  const html = [
    '<!doctype html><html><body>',
    `<h2>${escapeHtml(facts.title)}</h2>`,
    `<p>${escapeHtml(facts.summary)}</p>`,
    `<table>${rows.map(([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`,
    pages.length > 0 ? `<h3>Pages</h3><ul>${pages.map(pageItem).join('')}${more > 0 ? `<li>and ${more} more</li>` : ''}</ul>` : '',
    facts.notes !== null ? `<h3>Watch-list notes</h3><p>${escapeHtml(facts.notes)}</p>` : '',
    facts.companyUrl !== null ? `<p><a href="${escapeHtml(facts.companyUrl)}">Open in ClearView</a></p>` : '',
    '</body></html>',
  ].join('');
  return { subject, text, html };
}
