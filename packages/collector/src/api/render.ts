import type { z } from 'zod';
import type { ApiKey } from '../store/api-keys.js';
import type { CompanyListRow } from '../store/company-queries.js';
import type { ContactRow } from '../store/contact-queries.js';
import type { PageViewRow } from '../store/page-view-queries.js';
import type { VisitorRow } from '../store/visitor-queries.js';
import type { DeliveryRow } from '../store/deliveries.js';
import type { WebhookEndpoint } from '../store/webhook-endpoints.js';
import type { apiKeyModel, companyModel, contactModel, deliveryModel, pageViewModel, paginationModel, visitorModel, webhookEndpointModel } from './models.js';
import { logoUrlFor } from '../resolve/logo-url.js';

/** Epoch ms as ISO 8601 in UTC, without milliseconds: 2025-12-15T14:33:12Z. */
export function iso(ms: number): string {
  // toISOString is 2025-12-15T14:33:12.000Z for every year 0..9999: cut the milliseconds.
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function pagination(page: number, limit: number, total: number): z.infer<typeof paginationModel> {
  return { page, limit, total, pages: Math.ceil(total / limit) };
}

/**
 * The documented company object. The fields the document types `string`
 * are always strings: an unknown industry, size, city, region or country is
 * "" (falsy in JavaScript and Python, so `company.industry || "n/a"` works,
 * and never mistaken for a real label); an unknown name is the domain.
 */
export function renderCompany(row: CompanyListRow, logoUrlTemplate: string | null): z.infer<typeof companyModel> {
  const firstSeen = row.first_seen ?? row.created_at;
  return {
    id: row.id,
    name: row.name ?? row.domain,
    domain: row.domain,
    industry: row.industry ?? '',
    size: row.size ?? '',
    city: row.city ?? '',
    region: row.region ?? '',
    country: row.country?.toUpperCase() ?? '',
    logoUrl: row.logo_url ?? logoUrlFor(logoUrlTemplate, row.domain),
    linkedinUrl: row.linkedin_url,
    employeeCount: row.employee_count,
    revenue: row.revenue,
    leadScore: Math.min(100, Math.max(0, Math.round(row.lead_score))),
    firstSeen: iso(firstSeen),
    lastSeen: iso(row.last_seen ?? firstSeen),
    visitorCount: row.visitor_count,
    watchedDomain: row.watched_domain,
  };
}

export function renderPageView(row: PageViewRow): z.infer<typeof pageViewModel> {
  return {
    id: row.pv_id,
    visitorId: row.visitor_id,
    companyId: row.company_id,
    url: row.url,
    path: row.path,
    title: row.title,
    referrer: row.referrer,
    timestamp: iso(row.ts),
    engagedSeconds: Math.round(row.engaged_ms / 100) / 10,
    browser: row.browser,
    os: row.os,
    device: row.device,
    country: row.country,
    isBot: row.is_bot !== 0,
    source: row.source === 'ingest' ? 'ingest' : 'tracker',
  };
}

export function renderVisitor(row: VisitorRow): z.infer<typeof visitorModel> {
  return {
    id: row.id,
    companyId: row.company_id,
    contactId: row.contact_id,
    firstSeen: iso(row.first_seen),
    lastSeen: iso(row.last_seen),
    pageViews: row.page_views,
    sessions: row.session_count,
    lastIp: row.last_ip,
    country: row.country,
    browser: row.browser,
    os: row.os,
    device: row.device,
    isBot: row.is_bot !== 0,
  };
}

export function renderContact(row: ContactRow): z.infer<typeof contactModel> {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    jobTitle: row.job_title,
    seniority: row.seniority,
    department: row.department,
    phone: row.phone,
    linkedinUrl: row.linkedin_url,
    companyName: row.company_name,
    companyDomain: row.company_domain,
    source: row.source === 'ingest' || row.source === 'webhook' ? row.source : 'identify',
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function renderApiKey(key: ApiKey): z.infer<typeof apiKeyModel> {
  return {
    id: key.id,
    label: key.label,
    permission: key.permission,
    prefix: key.prefix,
    createdAt: iso(key.createdAt),
    lastUsedAt: isoOrNull(key.lastUsedAt),
    revokedAt: isoOrNull(key.revokedAt),
  };
}

export function renderWebhookEndpoint(endpoint: WebhookEndpoint, now: number): z.infer<typeof webhookEndpointModel> {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledReason: endpoint.enabled ? null : endpoint.disabledReason,
    failingSince: isoOrNull(endpoint.failingSince),
    previousSecretExpiresAt: endpoint.previousSecretUntil !== null && endpoint.previousSecretUntil > now ? iso(endpoint.previousSecretUntil) : null,
    createdAt: iso(endpoint.createdAt),
    updatedAt: iso(endpoint.updatedAt),
  };
}

export function renderDelivery(row: DeliveryRow): z.infer<typeof deliveryModel> {
  return {
    id: row.id,
    signalId: row.signal_id,
    type: row.signal_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? isoOrNull(row.next_attempt_at) : null,
    lastAttemptAt: isoOrNull(row.last_attempt_at),
    lastResponseCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: isoOrNull(row.delivered_at),
    createdAt: iso(row.created_at),
  };
}
