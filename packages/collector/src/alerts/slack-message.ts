import { alertFacts, clip, listedPages, pageLabel } from './alert-facts.js';
import type { OutboxPayload } from './outbox-payload.js';

/**
 * Slack's mrkdwn escaping: only &, < and > are special, and < opens commands such as
 * <!channel> and links. A page title from a beacon must never ping a channel.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link whose URL and label are both escaped; a | in the URL would end it early. */
function slackLink(url: string, label: string): string {
  return `<${escapeSlack(url).replace(/\|/g, '%7C')}|${escapeSlack(label)}>`;
}

/** The Block Kit message of one alert; `text` is the notification's fallback. */
export function slackMessage(payload: OutboxPayload, publicUrl: string | null): { text: string; blocks: unknown[] } {
  const facts = alertFacts(payload, publicUrl);
  const fields: string[] = [];
  if (facts.companyName !== null) fields.push(`*Company*\n${escapeSlack(clip(facts.companyName, 200))}`);
  if (facts.domain !== null) fields.push(`*Domain*\n${escapeSlack(clip(facts.domain, 200))}`);
  if (facts.score !== null) fields.push(`*Score*\n${facts.score}`);
  fields.push(`*Time*\n${escapeSlack(facts.at)}`);
  const blocks: unknown[] = [
    // plain_text: Slack renders it literally, so no escaping is needed and none may ping.
    { type: 'header', text: { type: 'plain_text', text: clip(facts.title, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: escapeSlack(clip(facts.summary, 2_000)) }, fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  if (facts.pages.length > 0) {
    const lines = facts.pages.slice(0, listedPages).map((page) => `• ${slackLink(page.url, clip(pageLabel(page), 150))} (${escapeSlack(page.at)})`);
    if (facts.pages.length > listedPages) lines.push(`and ${facts.pages.length - listedPages} more`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Pages*\n${lines.join('\n')}`, 3_000) } });
  }
  if (facts.notes !== null) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Watch-list notes*\n${escapeSlack(clip(facts.notes, 2_000))}` } });
  if (facts.companyUrl !== null) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackLink(facts.companyUrl, 'Open in ClearView') } });
  const who = facts.companyName ?? facts.domain;
  return { text: escapeSlack(clip(who ? `${facts.title}: ${who}` : facts.title, 300)), blocks };
}
