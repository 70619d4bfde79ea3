import { api, get } from '../api.js';
import { h, put, status } from '../dom.js';
import { dateTime, num } from '../format.js';
import { trackingTag } from '../tag.js';
import type { ApiKey } from '../types.js';
import { act, copyButton, failure, section, table } from '../ui.js';
import { canWrite, isAdmin, type Page, type View } from '../view.js';

interface Settings {
  domains: string[];
  scoring: {
    intent: { patterns: Array<{ name: string; paths: string[]; weight: number }> };
    fit: { icp: { industries: string[]; sizes: string[]; countries: string[] } };
  };
  alerts: { minScore: number; slack: { webhookUrl: string | null }; email: { recipients: string[] } };
}

interface Webhook {
  id: string;
  url: string;
  events: string[];
  description?: string | null;
  enabled: boolean;
}
interface Delivery {
  id: string;
  status: string;
  attempts: number;
  nextAttemptAt?: string | null;
  lastResponseCode?: number | null;
  error?: string | null;
  createdAt?: string;
}

const list = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function tagSection(view: View): HTMLElement {
  const withStorage = trackingTag(view.session);
  const noStorage = trackingTag(view.session, true);
  return section(
    'Site and tag',
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Site'),
      h('dd', null, `${view.session.site.name} (${view.session.site.id})`),
      h('dt', null, 'Domains'),
      h('dd', null, view.session.site.domains.join(', ')),
    ),
    h('h3', null, 'The tag'),
    h('p', { class: 'muted' }, 'Keeps a visitor id in localStorage, so returning visitors are recognised.'),
    h('pre', null, h('code', null, withStorage)),
    copyButton(() => withStorage, 'Copy the tag'),
    h('h3', null, 'The tag without storage'),
    h('p', { class: 'muted' }, 'Keeps nothing in the browser; the collector derives a visitor per day.'),
    h('pre', null, h('code', null, noStorage)),
    copyButton(() => noStorage, 'Copy the tag without storage'),
  );
}

/** A form whose submit PATCHes /api/v1/settings with what build() returns. */
function settingsForm(title: string, fields: HTMLElement[], build: () => unknown, after?: () => void): HTMLElement {
  const out = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Save');
  const form = h('form', { class: 'stack' }, fields, button, out);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void act(button, out, async () => {
      await api('PATCH', '/api/v1/settings', { body: build() });
      after?.();
      return 'Saved.';
    });
  });
  return section(title, form);
}

const labelled = (id: string, label: string, input: HTMLElement, hint?: string) =>
  h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'muted' }, hint) : null);

function adminSections(settings: Settings): HTMLElement[] {
  const domains = h('textarea', { id: 'domains', rows: 3 });
  domains.value = settings.domains.join('\n');
  const icp = settings.scoring.fit.icp;
  const industries = h('input', { id: 'icp-industries', value: icp.industries.join(', ') });
  const sizes = h('input', { id: 'icp-sizes', value: icp.sizes.join(', ') });
  const countries = h('input', { id: 'icp-countries', value: icp.countries.join(', ') });
  const patterns = h('textarea', { id: 'intent-patterns', rows: 10, class: 'code' });
  patterns.value = JSON.stringify(settings.scoring.intent.patterns, null, 2);
  const minScore = h('input', { id: 'min-score', type: 'number', min: 0, max: 100, value: settings.alerts.minScore });
  const slack = h('input', { id: 'slack-url', type: 'url', value: settings.alerts.slack.webhookUrl ?? '', placeholder: 'https://hooks.slack.com/…' });
  const recipients = h('input', { id: 'email-recipients', value: settings.alerts.email.recipients.join(', ') });
  return [
    settingsForm('Domains', [labelled('domains', 'Registered domains, one a line', domains, 'Page views from other hosts are refused; subdomains count.')], () => ({
      domains: list(domains.value),
    })),
    settingsForm(
      'Scoring: ideal-customer profile',
      [
        labelled('icp-industries', 'Industries', industries, 'Comma-separated, e.g. Software, Financial Services'),
        labelled('icp-sizes', 'Sizes', sizes, 'e.g. 51-200, 201-500'),
        labelled('icp-countries', 'Countries', countries, 'Two-letter codes, e.g. US, DE'),
      ],
      () => ({
        scoring: { fit: { icp: { industries: list(industries.value), sizes: list(sizes.value), countries: list(countries.value).map((c) => c.toUpperCase()) } } },
      }),
    ),
    settingsForm('Scoring: intent pages', [labelled('intent-patterns', 'Intent patterns (JSON: name, paths with * wildcards, weight)', patterns)], () => {
      try {
        return { scoring: { intent: { patterns: JSON.parse(patterns.value) as unknown } } };
      } catch {
        throw new Error('The intent patterns are not valid JSON.');
      }
    }),
    settingsForm(
      'Alerts',
      [
        labelled('min-score', 'Alert when a score reaches', minScore),
        labelled('slack-url', 'Slack incoming webhook', slack, 'Leave empty for none.'),
        labelled('email-recipients', 'Email recipients', recipients, 'Comma-separated.'),
      ],
      () => ({ alerts: { minScore: Number(minScore.value), slack: { webhookUrl: slack.value.trim() || null }, email: { recipients: list(recipients.value) } } }),
    ),
  ];
}

async function deliveries(webhook: Webhook, out: HTMLElement): Promise<void> {
  const answer = await get<{ deliveries: Delivery[] }>(`/api/v1/webhooks/${encodeURIComponent(webhook.id)}/deliveries`);
  if (answer.deliveries.length === 0) {
    put(out, status('No deliveries yet.'));
    return;
  }
  put(
    out,
    table(
      `Deliveries to ${webhook.url}`,
      ['Created', 'Status', 'Attempts', 'Last code', 'Error', ''],
      answer.deliveries.map((d) => {
        const again = h('button', { type: 'button', class: 'secondary small' }, 'Redeliver');
        const note = h('span', { 'aria-live': 'polite' });
        again.addEventListener(
          'click',
          () =>
            void act(again, note, async () => {
              await api('POST', `/api/v1/webhooks/${encodeURIComponent(webhook.id)}/deliveries/${encodeURIComponent(d.id)}/redeliver`);
              return 'Queued.';
            }),
        );
        return [dateTime(d.createdAt), d.status, num(d.attempts), d.lastResponseCode ?? '—', d.error ?? '—', h('span', { class: 'inline' }, again, note)];
      }),
    ),
  );
}

async function webhooksSection(view: View): Promise<HTMLElement> {
  let hooks: Webhook[];
  try {
    hooks = (await get<{ webhooks: Webhook[] }>('/api/v1/webhooks', undefined, view.signal)).webhooks;
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return section('Webhooks', failure(error, 'Webhook endpoints'));
  }
  const out = h('div', { 'aria-live': 'polite' });
  const url = h('input', { id: 'webhook-url', type: 'url', required: true, placeholder: 'https://example.com/clearview' });
  const events = h('input', { id: 'webhook-events', value: '*' });
  const button = h('button', { type: 'submit' }, 'Add endpoint');
  const form = h(
    'form',
    { class: 'stack' },
    labelled('webhook-url', 'URL', url),
    labelled('webhook-events', 'Events', events, 'Comma-separated, or * for all.'),
    button,
    out,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void act(button, out, async () => {
      const created = await api<Webhook & { secret?: string }>('POST', '/api/v1/webhooks', { body: { url: url.value.trim(), events: list(events.value) } });
      const secret = created.secret ?? '';
      return h(
        'div',
        { class: 'notice' },
        h('p', null, 'Endpoint added. Its signing secret is shown this once:'),
        h('pre', null, h('code', null, secret)),
        copyButton(() => secret),
      );
    });
  });
  return section(
    'Webhooks',
    hooks.length === 0
      ? status('No webhook endpoints.')
      : h(
          'ul',
          { class: 'plain' },
          hooks.map((hook) => {
            const log = h('div');
            const show = h('button', { type: 'button', class: 'secondary small' }, 'Delivery log');
            show.addEventListener('click', () => void act(show, log, async () => (await deliveries(hook, log), null)));
            return h(
              'li',
              { class: 'card' },
              h('p', null, h('code', null, hook.url), ' ', h('span', { class: 'badge' }, hook.enabled ? 'enabled' : 'disabled'), ' ', hook.events.join(', ')),
              show,
              log,
            );
          }),
        ),
    h('h3', null, 'Add an endpoint'),
    form,
  );
}

async function keysSection(view: View): Promise<HTMLElement> {
  const keys = (await get<{ keys: ApiKey[] }>('/api/v1/keys', undefined, view.signal)).keys;
  const out = h('div', { 'aria-live': 'polite' });
  const label = h('input', { id: 'key-label', required: true, maxlength: 100, placeholder: 'e.g. CRM sync' });
  const permission = h(
    'select',
    { id: 'key-permission' },
    ['read', 'write', 'admin'].map((p) => h('option', { value: p }, p)),
  );
  const button = h('button', { type: 'submit' }, 'Create key');
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Create an API key' },
    labelled('key-label', 'Label', label),
    labelled('key-permission', 'Permission', permission),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void act(button, out, async () => {
      const created = await api<ApiKey & { key: string }>('POST', '/api/v1/keys', { body: { label: label.value.trim(), permission: permission.value } });
      label.value = '';
      return h(
        'div',
        { class: 'notice' },
        h('p', null, h('strong', null, `Key “${created.label}” (${created.permission}) created. It is shown this once: copy it now.`)),
        h('pre', null, h('code', { class: 'new-key' }, created.key)),
        copyButton(() => created.key, 'Copy the key'),
      );
    });
  });
  const rows = keys.map((k) => {
    const cells = [
      k.label,
      k.permission,
      `${k.prefix}…`,
      dateTime(k.createdAt),
      k.lastUsedAt ? dateTime(k.lastUsedAt) : 'Never',
      k.revokedAt ? `Revoked ${dateTime(k.revokedAt)}` : 'Active',
    ];
    if (k.revokedAt) return [...cells, ''];
    const revoke = h('button', { type: 'button', class: 'danger small' }, 'Revoke');
    revoke.setAttribute('aria-label', `Revoke the key ${k.label}`);
    const note = h('span', { 'aria-live': 'polite' });
    revoke.addEventListener('click', () => {
      if (!confirm(`Revoke “${k.label}”? Whatever uses it stops working at once.`)) return;
      void act(revoke, note, async () => {
        await api('DELETE', `/api/v1/keys/${encodeURIComponent(k.id)}`);
        view.go(location.pathname, true);
        return null;
      });
    });
    return [...cells, h('span', { class: 'inline' }, revoke, note)];
  });
  return section('API keys', table('API keys', ['Label', 'Permission', 'Key', 'Created', 'Last used', 'State', ''], rows), h('h3', null, 'Create a key'), form, out);
}

export const settingsPage: Page = {
  title: 'Settings',
  async render(view) {
    const parts: HTMLElement[] = [h('h1', null, 'Settings'), tagSection(view)];
    if (!isAdmin(view.session)) {
      parts.push(
        h(
          'p',
          { class: 'notice' },
          `This session has ${view.session.permission} permission. Domains, scoring, alerts and API keys need an admin key${canWrite(view.session) ? '' : '; webhooks need a write key'}.`,
        ),
      );
    }
    if (isAdmin(view.session)) {
      const settings = await get<Settings>('/api/v1/settings', undefined, view.signal);
      parts.push(...adminSections(settings));
    }
    if (canWrite(view.session)) parts.push(await webhooksSection(view));
    if (isAdmin(view.session)) parts.push(await keysSection(view));
    put(view.main, parts);
  },
};
