import { describe, expect, it } from 'vitest';
import { emailMessage, escapeHtml, headerSafe } from '../../packages/collector/src/alerts/email-message.js';
import { escapeSlack, slackMessage } from '../../packages/collector/src/alerts/slack-message.js';
import { watchlistHit } from './signals.js';

const at = Date.parse('2026-03-04T05:06:07Z');
const hostile = watchlistHit(
  'st_x',
  {
    company: { id: 'comp_acme12345678', name: 'Acme & <Sons>', domain: 'acme.com', leadScore: 72 },
    data: {
      pages: [
        { url: 'https://example.com/a?x=1&y=<2>|z', title: '<!channel> <b>x</b>', at: '2026-03-04T05:06:07.000Z' },
        { url: 'javascript:alert(1)', title: '"quoted" \'single\'', at: '2026-03-04T05:06:08.000Z' },
      ],
      notes: '<@U123> call them',
    },
  },
  at,
);

describe('Slack messages', () => {
  it('escapes &, < and > and nothing else, so no beacon text can ping a channel', () => {
    expect(escapeSlack('<!channel> & <@U1> *bold*')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; *bold*');
  });

  it('lists company, domain, score, time, the pages by title, the notes and a link to the company', () => {
    const message = slackMessage(hostile, 'https://cv.example.com');
    expect(message.text).toBe('A watched company is on your site: Acme &amp; &lt;Sons&gt;');
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'A watched company is on your site' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'Acme Corp (acme.com), on your watch list, is on your site.' },
        fields: [
          { type: 'mrkdwn', text: '*Company*\nAcme &amp; &lt;Sons&gt;' },
          { type: 'mrkdwn', text: '*Domain*\nacme.com' },
          { type: 'mrkdwn', text: '*Score*\n72' },
          { type: 'mrkdwn', text: '*Time*\n2026-03-04T05:06:07.000Z' },
        ],
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*Pages*\n' +
            '• <https://example.com/a?x=1&amp;y=&lt;2&gt;%7Cz|&lt;!channel&gt; &lt;b&gt;x&lt;/b&gt;> (2026-03-04T05:06:07.000Z)\n' +
            '• <javascript:alert(1)|"quoted" \'single\'> (2026-03-04T05:06:08.000Z)',
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*Watch-list notes*\n&lt;@U123&gt; call them' } },
      { type: 'section', text: { type: 'mrkdwn', text: '<https://cv.example.com/dashboard/companies/comp_acme12345678|Open in ClearView>' } },
    ]);
  });

  it('says how many more pages a long visit had, and links nowhere without CLEARVIEW_PUBLIC_URL', () => {
    const pages = Array.from({ length: 20 }, (_, i) => ({ url: `https://example.com/p${i}`, title: `Page ${i}`, at: '2026-03-04T05:06:07.000Z' }));
    const message = slackMessage(watchlistHit('st_x', { data: { pages } }, at), null);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Page 9');
    expect(text).not.toContain('Page 10');
    expect(text).toContain('and 10 more');
    expect(text).not.toContain('Open in ClearView');
  });
});

describe('alert emails', () => {
  it('escapes HTML in text and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('keeps a subject on one line, whatever the beacon sent', () => {
    expect(headerSafe('Acme\r\nBcc: victim@example.com')).toBe('Acme Bcc: victim@example.com');
    expect(headerSafe('a\u2028b\u0000c')).toBe('a b c');
    expect(headerSafe('x'.repeat(300))).toHaveLength(200);
  });

  it('has a plain-text part and an HTML part with every beacon value escaped and no javascript: link', () => {
    const message = emailMessage(hostile, 'https://cv.example.com');
    expect(message.subject).toBe('A watched company is on your site: Acme & <Sons>');
    expect(message.text).toBe(
      [
        'Acme Corp (acme.com), on your watch list, is on your site.',
        '',
        'Company: Acme & <Sons>',
        'Domain: acme.com',
        'Score: 72',
        'Time: 2026-03-04T05:06:07.000Z',
        '',
        'Pages:',
        '- <!channel> <b>x</b> (https://example.com/a?x=1&y=<2>|z) at 2026-03-04T05:06:07.000Z',
        `- "quoted" 'single' (javascript:alert(1)) at 2026-03-04T05:06:08.000Z`,
        '',
        'Watch-list notes: <@U123> call them',
        '',
        'Open in ClearView: https://cv.example.com/dashboard/companies/comp_acme12345678',
        '',
      ].join('\n'),
    );
    expect(message.html).toContain('<a href="https://example.com/a?x=1&amp;y=&lt;2&gt;|z">&lt;!channel&gt; &lt;b&gt;x&lt;/b&gt;</a>');
    expect(message.html).toContain('<li>&quot;quoted&quot; &#39;single&#39; <small>');
    expect(message.html).not.toContain('javascript:');
    expect(message.html).not.toContain('<b>x</b>');
    expect(message.html).toContain('<td>Acme &amp; &lt;Sons&gt;</td>');
    expect(message.html).toContain('<a href="https://cv.example.com/dashboard/companies/comp_acme12345678">Open in ClearView</a>');
  });
});
