/** The API's answers, as the OpenAPI document and issues 17 and 18 give them (only the fields the pages read). */
export type Permission = 'read' | 'write' | 'admin';

export interface Session {
  site: { id: string; name: string; siteKey: string; domains: string[] };
  permission: Permission;
  via: 'session' | 'api_key';
  expiresAt: string | null;
}

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  pages: number;
  nextCursor?: string | null;
}

export interface Company {
  id: string;
  name: string;
  domain: string;
  industry: string;
  size: string;
  city: string;
  region: string;
  country: string;
  linkedinUrl: string | null;
  employeeCount: number | null;
  revenue: string | null;
  leadScore: number;
  firstSeen: string;
  lastSeen: string;
  visitorCount: number;
  /** The watch-list entry that covers the company (its domain or a parent), or null. */
  watchedDomain: string | null;
}

export interface ScoreComponent {
  name: string;
  points: number;
  max: number;
  facts: Record<string, unknown>;
}

export interface Contact {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  linkedinUrl: string | null;
}

export interface PageView {
  id: string;
  url: string;
  path: string;
  title: string | null;
  referrer: string | null;
  timestamp: string;
  engagedSeconds: number;
  browser: string | null;
  device: string | null;
  country: string | null;
}

export interface CompanyDetail {
  company: Company & { pageViews: number; sessions: number; engagedSeconds: number; scoredAt: string | null };
  score: { total: number; components: ScoreComponent[]; model: string; reason?: string } | null;
  topPages: Array<{ path: string; views: number }>;
  contacts: Contact[];
}

export interface WatchEntry {
  domain: string;
  companyName: string | null;
  notes: string | null;
  addedAt: string;
  company: { id: string; name: string; leadScore: number; lastSeen: string } | null;
}

export interface Signal {
  id: string;
  type: string;
  company: { id: string; name: string; domain: string; leadScore: number } | null;
  contact: { id: string; email: string; firstName: string | null; lastName: string | null } | null;
  summary: string;
  createdAt: string;
  completedAt: string | null;
}

export interface Draft {
  id: string;
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'dismissed';
  intent: string;
  createdAt: string;
  contact: { id: string; firstName: string | null; lastName: string | null; email: string; company: { id: string } | null };
}

export interface ApiKey {
  id: string;
  label: string;
  permission: Permission;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
