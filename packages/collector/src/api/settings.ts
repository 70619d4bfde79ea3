import { z } from 'zod';
import { alertsOf, type AlertSettings } from '../alerts/settings.js';
import { signalTypes } from '../alerts/signal.js';
import type { AppContext } from '../context.js';
import { unprocessable } from '../errors.js';
import { mergeScoringModel, scoringModelPatchSchema, type ScoringModel } from '../score/model.js';
import { isTimeZone } from '../insights/calendar.js';
import { mergeOutreach, outreachPatchSchema, outreachSettingsOf, templateProblems } from '../outreach/settings.js';
import { normalizeSiteDomain } from '../site-domain.js';
import { listSiteCompanyIds } from '../store/company-queries.js';
import { getSiteSettings, scoringModelOf, siteTimeZone, scoringPatchOf, updateSite, webhookAcceptsSiteKey, type SiteSettings } from '../store/site-settings.js';
import { getSite } from '../store/sites.js';
import { callerOf, type Endpoint } from './endpoint.js';
import { outboundUrlOrRefuse } from './webhook-endpoints.js';
import { noQuery, parseBody, parseQuery } from './schemas.js';

// Checked again by the outbound guard in the handler (public address, https), which names the field in its 422.
const outboundUrl = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .max(2000, `${what} must be at most 2000 characters`);

const alertEvents = (what: string) =>
  z
    .array(z.enum(signalTypes, { error: `each of ${what} must be one of ${signalTypes.join(', ')}` }), { error: `${what} must be a list of event types` })
    .max(signalTypes.length, `${what} lists each event type at most once`)
    .refine((events) => new Set(events).size === events.length, `${what} lists each event type at most once`)
    .describe(`The signal types sent there: ${signalTypes.join(', ')}`);

export const settingsPatchBody = z.strictObject({
  name: z.string({ error: 'name must be a string' }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters').optional(),
  domains: z
    .array(z.string({ error: 'each domain must be a string' }).max(300, 'a domain must be at most 300 characters'), { error: 'domains must be a list of domain names' })
    .min(1, 'domains must list at least one domain; the tracker only counts pages on registered domains')
    .max(50, 'domains may list at most 50 domains')
    .optional()
    .describe('The domains the tracker may count page views on (replaces the list). Subdomains of a registered domain count too.'),
  scoring: scoringModelPatchSchema
    .optional()
    .describe(
      'Changes to the lead-scoring model: engagement weights, intent pages (intent.patterns), recency, ideal-customer profile (fit.icp) and the watch-list bonus. Objects merge, lists replace.',
    ),
  alerts: z
    .strictObject({
      minScore: z
        .int({ error: 'minScore must be a whole number' })
        .min(0, 'minScore must be 0-100')
        .max(100, 'minScore must be 0-100')
        .describe('lead.hot fires when a score reaches this (default 70); again only after the score fell 5 below it'),
      dedupeMinutes: z
        .int({ error: 'dedupeMinutes must be a whole number' })
        .min(1, 'dedupeMinutes must be 1-1440')
        .max(1440, 'dedupeMinutes must be 1-1440')
        .describe("A company's page views with no gap longer than this many minutes are one visit and one watchlist.hit (default 30)"),
      slack: z
        .strictObject({
          webhookUrl: outboundUrl('slack.webhookUrl').nullable().describe('A Slack incoming-webhook URL (https, public address), or null for no Slack alerts'),
          events: alertEvents('slack.events'),
        })
        .partial(),
      email: z
        .strictObject({
          recipients: z.array(z.email({ error: 'each recipient must be an email address' }), { error: 'recipients must be a list' }).max(20, 'at most 20 recipients'),
          events: alertEvents('email.events'),
        })
        .partial(),
    })
    .partial()
    .optional()
    .describe('Alert rules and channels; the fields given replace the stored ones, the others are kept'),
  outreach: outreachPatchSchema.optional(),
  timezone: z
    .string({ error: 'timezone must be a string' })
    .max(64, 'timezone must be an IANA time zone such as Europe/Berlin')
    .refine(isTimeZone, 'timezone must be an IANA time zone such as Europe/Berlin')
    .optional()
    .describe('The IANA time zone GET /api/dashboard/insights counts days in when the request names none (default UTC)'),
  webhook: z
    .strictObject({ acceptSiteKey: z.boolean({ error: 'acceptSiteKey must be true or false' }) })
    .optional()
    .describe('acceptSiteKey: whether POST /api/v1/webhook accepts the public site key (X-Site-Key). Set false to require X-Webhook-Secret.'),
});

const scoringDocSchema = z.record(z.string(), z.unknown()).describe('The complete scoring model in force');
export const settingsModel = z.object({
  site: z.object({ id: z.string(), name: z.string(), siteKey: z.string().describe('The public key in the tracking tag') }),
  domains: z.array(z.string()),
  scoring: scoringDocSchema,
  alerts: z.object({
    minScore: z.int(),
    dedupeMinutes: z.int(),
    slack: z.object({ webhookUrl: z.string().nullable(), events: z.array(z.enum(signalTypes)) }),
    email: z.object({ recipients: z.array(z.string()), events: z.array(z.enum(signalTypes)) }),
  }),
  webhook: z.object({ acceptSiteKey: z.boolean() }),
  timezone: z.string(),
  outreach: z.object({
    autoGenerate: z.boolean(),
    senderName: z.string(),
    highIntentPatterns: z.array(z.string()),
    templates: z.object({ highIntent: z.object({ subject: z.string(), body: z.string() }), general: z.object({ subject: z.string(), body: z.string() }) }),
  }),
});

const rescoreSlice = 2_000;

/**
 * Rescores a site's companies after a model change: a small site before the
 * answer, a big one slice by slice after it, yielding between slices so that
 * beacons and API requests are not held up for the seconds 100,000 companies take.
 */
export function rescoreInSlices(ctx: AppContext, ids: string[]): void {
  ctx.rescore(ids.slice(0, rescoreSlice));
  let next = rescoreSlice;
  const step = () => {
    if (next >= ids.length) return;
    try {
      ctx.rescore(ids.slice(next, next + rescoreSlice));
    } catch (error) {
      // The server may be closing; the periodic refresh catches up with what is left.
      ctx.logger.warn({ err: error }, 'rescoring after a settings change stopped');
      return;
    }
    next += rescoreSlice;
    setImmediate(step);
  };
  setImmediate(step);
}

/** The stored alerts with the fields of a change: channels merge field by field. */
function mergeAlerts(current: AlertSettings, change: NonNullable<z.infer<typeof settingsPatchBody>['alerts']>): AlertSettings {
  return {
    minScore: change.minScore ?? current.minScore,
    dedupeMinutes: change.dedupeMinutes ?? current.dedupeMinutes,
    slack: { ...current.slack, ...change.slack },
    email: { ...current.email, ...change.email },
  };
}

/**
 * alerts.webhook.url is now a webhook endpoint: a clear 422 pointing there, rather than
 * a setting stored and never acted on, or an endpoint made without the secret shown.
 */
function refuseRetiredWebhookUrl(body: unknown): void {
  const alerts = (body as { alerts?: unknown } | null)?.alerts;
  if (alerts !== null && typeof alerts === 'object' && 'webhook' in alerts) {
    const message = 'alerts.webhook.url is replaced by webhook endpoints: register it with POST /api/v1/webhooks, which also shows its signing secret';
    throw unprocessable(message, [{ field: 'alerts.webhook.url', message }]);
  }
}

function settingsView(ctx: AppContext, siteId: string): z.infer<typeof settingsModel> {
  const site = getSite(ctx.db, siteId)!;
  const settings = getSiteSettings(ctx.db, siteId);
  return {
    site: { id: site.id, name: site.name, siteKey: site.siteKey },
    domains: site.domains,
    scoring: scoringModelOf(settings) as unknown as Record<string, unknown>,
    alerts: alertsOf(settings?.alerts),
    webhook: { acceptSiteKey: webhookAcceptsSiteKey(settings) },
    timezone: siteTimeZone(ctx.db, siteId),
    outreach: outreachSettingsOf(settings?.outreach),
  };
}

export const settingsEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/api/v1/settings',
    auth: 'api_key',
    permission: 'admin',
    limit: 'read',
    handle(ctx, req, res) {
      parseQuery(noQuery, req.query);
      const { siteId } = callerOf(res);
      res.json(settingsView(ctx, siteId));
    },
    doc: {
      tag: 'Settings',
      summary: 'Get the site settings',
      query: noQuery,
      description: 'Registered domains, scoring model (with intent pages and ideal-customer profile), alert channels and webhook policy. Requires admin permission.',
      responses: { 200: { description: 'The settings', schema: settingsModel } },
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/settings',
    auth: 'api_key',
    permission: 'admin',
    limit: 'write',
    bodyLimit: 64 * 1024,
    handle(ctx, req, res) {
      refuseRetiredWebhookUrl(req.body);
      const body = parseBody(settingsPatchBody, req.body);
      const { siteId } = callerOf(res);
      const slackUrl = body.alerts?.slack?.webhookUrl;
      if (typeof slackUrl === 'string') body.alerts!.slack!.webhookUrl = outboundUrlOrRefuse(ctx, 'alerts.slack.webhookUrl', slackUrl);
      let domains: string[] | undefined;
      if (body.domains) {
        const bad = body.domains.filter((d) => normalizeSiteDomain(d) === null);
        if (bad.length > 0) {
          throw unprocessable(
            `Not a domain name: ${bad.map((d) => `"${d.slice(0, 60)}"`).join(', ')}; give host names such as example.com`,
            bad.map((d) => ({ field: 'domains', message: `"${d.slice(0, 60)}" is not a domain name` })),
          );
        }
        domains = [...new Set(body.domains.map((d) => normalizeSiteDomain(d)!))];
      }
      const current = getSiteSettings(ctx.db, siteId);
      const change: SiteSettings = {};
      // Stored as the accumulated changes to the defaults (objects merge, lists replace),
      // so settings never changed keep following the defaults of newer versions.
      const scoring = body.scoring !== undefined;
      if (body.scoring) change.scoring = mergeScoringModel(scoringPatchOf(current) as ScoringModel, body.scoring);
      if (body.alerts) change.alerts = mergeAlerts(alertsOf(current?.alerts), body.alerts);
      if (body.webhook) change.webhook = { ...(current?.webhook ?? {}), ...body.webhook };
      if (body.timezone !== undefined) change.timezone = body.timezone;
      if (body.outreach) {
        // Stored merged over what was stored (objects merge, lists replace); checked whole, so
        // a template already stored with an unknown placeholder cannot slip through either.
        const stored = outreachPatchSchema.safeParse(current?.outreach ?? {});
        const merged = mergeOutreach(outreachSettingsOf(current?.outreach), body.outreach);
        const problems = templateProblems(merged);
        if (problems.length > 0) throw unprocessable(`Unknown placeholder in ${problems.map((p) => `${p.field}: ${p.message.split(';')[0]}`).join(', ')}`, problems);
        change.outreach = {
          ...(stored.success ? stored.data : {}),
          ...body.outreach,
          templates: {
            ...(stored.success ? stored.data.templates : {}),
            ...(body.outreach.templates?.highIntent
              ? { highIntent: { ...(stored.success ? stored.data.templates?.highIntent : {}), ...body.outreach.templates.highIntent } }
              : {}),
            ...(body.outreach.templates?.general ? { general: { ...(stored.success ? stored.data.templates?.general : {}), ...body.outreach.templates.general } } : {}),
          },
        };
      }
      updateSite(ctx.db, siteId, { name: body.name, domains, settings: change });
      // The collector caches sites by key: new domains must count from the next beacon on.
      if (domains) ctx.siteCache.clear();
      if (scoring) rescoreInSlices(ctx, listSiteCompanyIds(ctx.db, siteId));
      res.json(settingsView(ctx, siteId));
    },
    doc: {
      tag: 'Settings',
      summary: 'Change the site settings',
      description:
        'Changes only what is sent. Changing the scoring model rescores every company of the site (the first 2,000 before the answer, the rest within seconds after it). Invalid values answer 422 with every problem listed, and nothing changes. Requires admin permission.',
      body: settingsPatchBody,
      bodyExample: {
        domains: ['example.com'],
        scoring: { intent: { cap: 30 }, fit: { icp: { industries: ['Software'], countries: ['US', 'DE'] } } },
        webhook: { acceptSiteKey: false },
      },
      responses: { 200: { description: 'The settings after the change', schema: settingsModel } },
    },
  },
];
