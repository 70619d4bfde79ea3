import { signalTypes, type SignalType } from './signal.js';

/** Where alerts go and when they fire: the `alerts` site setting (PATCH /api/v1/settings). */
export interface AlertSettings {
  /** lead.hot fires when a company's lead score reaches this. */
  minScore: number;
  /** A company's page views with no gap longer than this are one visit: one watchlist.hit. */
  dedupeMinutes: number;
  slack: { webhookUrl: string | null; events: SignalType[] };
  email: { recipients: string[]; events: SignalType[] };
}

/** What a person wants pushed at them by default: a target account on the site, a lead turning hot. */
export const defaultAlertEvents: SignalType[] = ['watchlist.hit', 'lead.hot'];

export const defaultAlerts: AlertSettings = {
  minScore: 70,
  dedupeMinutes: 30,
  slack: { webhookUrl: null, events: defaultAlertEvents },
  email: { recipients: [], events: defaultAlertEvents },
};

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const eventsOr = (value: unknown, fallback: SignalType[]): SignalType[] =>
  Array.isArray(value) && value.every((v) => (signalTypes as readonly unknown[]).includes(v)) ? (value as SignalType[]) : fallback;

/**
 * A site's alert settings from what is stored: each field that is missing (stored by an
 * older version) or no longer valid follows the default, so a new field never needs a migration.
 * alerts.webhook.url moved to the webhook endpoints (migration 010): a stored remnant is not shown.
 */
export function alertsOf(stored: unknown): AlertSettings {
  const a = isObject(stored) ? stored : {};
  const slack = isObject(a.slack) ? a.slack : {};
  const email = isObject(a.email) ? a.email : {};
  const int = (value: unknown, min: number, max: number, fallback: number) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? (value as number) : fallback;
  return {
    minScore: int(a.minScore, 0, 100, defaultAlerts.minScore),
    dedupeMinutes: int(a.dedupeMinutes, 1, 1440, defaultAlerts.dedupeMinutes),
    slack: { webhookUrl: typeof slack.webhookUrl === 'string' ? slack.webhookUrl : null, events: eventsOr(slack.events, defaultAlerts.slack.events) },
    email: {
      recipients: Array.isArray(email.recipients) ? email.recipients.filter((r): r is string => typeof r === 'string') : [],
      events: eventsOr(email.events, defaultAlerts.email.events),
    },
  };
}
