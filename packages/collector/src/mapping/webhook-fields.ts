import { countryCode } from './country.js';
import { isEmailAddress } from './email.js';
import { isHttpUrl } from './url-field.js';

/**
 * Maps an arbitrary webhook payload onto a company (and, when an email is
 * there, a contact). Pure: no I/O; the caller passes the two helpers that
 * need data (domain and email normalization).
 *
 * Field names are compared after lower-casing and dropping everything but
 * letters and digits, so company_name, companyName, "Company Name" and
 * COMPANY-NAME are one name: each tool spells the same field its own way.
 */

export type CompanyTarget = 'name' | 'domain' | 'industry' | 'size' | 'employeeCount' | 'revenue' | 'city' | 'region' | 'country' | 'linkedinUrl' | 'logoUrl';
export type ContactTarget = 'email' | 'firstName' | 'lastName' | 'jobTitle' | 'seniority' | 'department' | 'phone' | 'linkedinUrl';

type Target = { kind: 'company'; field: CompanyTarget } | { kind: 'contact'; field: ContactTarget };

// Order matters within a target: when a payload has several names for one
// field, the first alias listed wins and the others are kept as custom data.
const companyAliases: Record<CompanyTarget, string[]> = {
  // "company_name" is unambiguous; a bare "name" or "company" comes after it.
  name: ['companyname', 'organizationname', 'organisationname', 'accountname', 'businessname', 'company', 'organization', 'organisation', 'org', 'account', 'name'],
  domain: ['domain', 'companydomain', 'website', 'companywebsite', 'websiteurl', 'url', 'companyurl', 'homepage', 'web', 'site'],
  industry: ['industry', 'companyindustry', 'sector', 'vertical'],
  employeeCount: ['employeecount', 'employees', 'numemployees', 'numberofemployees', 'headcount', 'staffcount', 'companyemployees'],
  size: ['size', 'companysize', 'employeerange', 'employeesrange', 'sizerange'],
  revenue: ['revenue', 'annualrevenue', 'revenuerange', 'estimatedrevenue', 'companyrevenue'],
  city: ['city', 'companycity', 'locality'],
  region: ['region', 'state', 'province', 'companystate', 'companyregion'],
  country: ['country', 'countrycode', 'companycountry'],
  linkedinUrl: ['linkedin', 'linkedinurl', 'companylinkedin', 'companylinkedinurl'],
  logoUrl: ['logo', 'logourl', 'companylogo'],
};

const contactAliases: Record<ContactTarget, string[]> = {
  email: ['email', 'workemail', 'businessemail', 'emailaddress', 'contactemail'],
  firstName: ['firstname', 'givenname', 'fname'],
  lastName: ['lastname', 'surname', 'familyname', 'lname'],
  jobTitle: ['jobtitle', 'title', 'position', 'role'],
  seniority: ['seniority', 'senioritylevel'],
  department: ['department', 'dept'],
  phone: ['phone', 'phonenumber', 'mobile', 'workphone'],
  // A person's profile; a bare "linkedin" is the company's (the document lists it there).
  linkedinUrl: ['personallinkedin', 'contactlinkedin', 'linkedinprofile', 'personlinkedinurl', 'contactlinkedinurl'],
};

/** Alias -> target, and its rank among the aliases of that target (lower wins). */
const aliasIndex = new Map<string, { target: Target; rank: number }>();
for (const [field, aliases] of Object.entries(companyAliases)) {
  aliases.forEach((alias, rank) => aliasIndex.set(alias, { target: { kind: 'company', field: field as CompanyTarget }, rank }));
}
for (const [field, aliases] of Object.entries(contactAliases)) {
  aliases.forEach((alias, rank) => aliasIndex.set(alias, { target: { kind: 'contact', field: field as ContactTarget }, rank }));
}

export const normalizeFieldName = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface WebhookMapping {
  /** Company fields found; domain is null when none could be derived. */
  company: Partial<Record<Exclude<CompanyTarget, 'domain' | 'employeeCount'>, string>> & { domain: string | null; employeeCount?: number };
  /** The contact, when the payload has a usable email. */
  contact: (Partial<Record<Exclude<ContactTarget, 'email'>, string>> & { email: string }) | null;
  /** Source field -> where it went, e.g. { "company_name": "company.name" }. */
  mapped: Record<string, string>;
  /** Every field not mapped, with its value as sent. */
  custom: Record<string, unknown>;
  /** Fields that looked mappable but whose value was not usable; they are in custom too. */
  notes: Array<{ field: string; message: string }>;
  /**
   * URL fields (logo, LinkedIn) whose value is not an http(s) URL: neither mapped nor kept.
   * The caller refuses the payload (a trusted sender) or drops them (the public site key).
   */
  refused: Array<{ field: string; message: string }>;
}

export interface MappingHelpers {
  /** A bare, lower-case domain from a domain or URL text, or null. */
  normalizeDomain: (text: string) => string | null;
  /** The company domain of a business email (null for free-mail and invalid ones). */
  companyDomainFromEmail: (email: string) => string | null;
}

const maxValueLength = 500;

/** Text of a scalar, trimmed; numbers become their decimal text. Objects, arrays and empty text are not text. */
function textOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return text === '' || text.length > maxValueLength ? null : text;
}

/**
 * An employee count: 142, "142", "1,200" or "1.200". A range such as "51-200"
 * or "10k+" is a size label, not a count (the caller files it as size).
 */
export function parseEmployeeCount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 10_000_000 ? value : null;
  if (typeof value !== 'string' || value.length > 20) return null;
  const text = value.trim();
  if (!/^\d{1,3}([,.]\d{3})*$|^\d+$/.test(text)) return null;
  const n = Number(text.replace(/[,.]/g, ''));
  return n <= 10_000_000 ? n : null;
}

/** Maps one payload. Never throws; a payload with nothing usable maps to a company without domain. */
export function mapWebhookPayload(payload: Record<string, unknown>, helpers: MappingHelpers): WebhookMapping {
  const result: WebhookMapping = { company: { domain: null }, contact: null, mapped: {}, custom: {}, notes: [], refused: [] };
  // First pass: for each target, the best-ranked source field present.
  const chosen = new Map<string, { key: string; rank: number }>();
  for (const key of Object.keys(payload)) {
    const hit = aliasIndex.get(normalizeFieldName(key));
    if (!hit) continue;
    const id = `${hit.target.kind}.${hit.target.field}`;
    const best = chosen.get(id);
    if (!best || hit.rank < best.rank) chosen.set(id, { key, rank: hit.rank });
  }
  const winners = new Map<string, string>();
  for (const [id, { key }] of chosen) winners.set(key, id);

  const contact: Record<string, string> = {};
  const keep = (key: string, note?: string) => {
    // defineProperty: a field named "__proto__" is data here, not the object's prototype.
    Object.defineProperty(result.custom, key, { value: payload[key], enumerable: true, writable: true, configurable: true });
    if (note) result.notes.push({ field: key, message: note });
  };

  for (const [key, value] of Object.entries(payload)) {
    const id = winners.get(key);
    if (!id) {
      keep(key);
      continue;
    }
    const [kind, field] = id.split('.') as ['company' | 'contact', string];
    if (kind === 'contact') {
      const text = textOf(value);
      if (text === null) keep(key, `not usable as contact ${field}: expected a short text`);
      else if (field === 'email' && !isEmailAddress(text)) keep(key, 'not an email address');
      else if (field === 'linkedinUrl' && !isHttpUrl(text)) result.refused.push({ field: key, message: `${key} must be an http(s) URL` });
      else {
        contact[field] = field === 'email' ? text.toLowerCase() : text;
        result.mapped[key] = id;
      }
      continue;
    }
    const target = field as CompanyTarget;
    switch (target) {
      case 'domain': {
        const text = textOf(value);
        const domain = text === null ? null : helpers.normalizeDomain(text);
        if (domain === null) keep(key, 'not a domain or website URL');
        else {
          result.company.domain = domain;
          result.mapped[key] = id;
        }
        break;
      }
      case 'employeeCount': {
        const n = parseEmployeeCount(value);
        const text = textOf(value);
        if (n !== null) {
          result.company.employeeCount = n;
          result.mapped[key] = id;
        } else if (text !== null && !chosen.has('company.size')) {
          // "51-200" sent as employees is a size range: file it there rather than lose it.
          result.company.size = text;
          result.mapped[key] = 'company.size';
        } else keep(key, 'not an employee count');
        break;
      }
      case 'country': {
        const text = textOf(value);
        const code = text === null ? null : countryCode(text);
        if (code === null) keep(key, 'not an ISO 3166-1 country code or English country name');
        else {
          result.company.country = code;
          result.mapped[key] = id;
        }
        break;
      }
      case 'linkedinUrl':
      case 'logoUrl': {
        const text = textOf(value);
        if (text === null) keep(key, `not usable as company ${field}: expected a short text`);
        else if (!isHttpUrl(text)) result.refused.push({ field: key, message: `${key} must be an http(s) URL` });
        else {
          result.company[target] = text;
          result.mapped[key] = id;
        }
        break;
      }
      case 'name':
      case 'industry':
      case 'size':
      case 'revenue':
      case 'city':
      case 'region': {
        const text = textOf(value);
        if (text === null) keep(key, `not usable as company ${field}: expected a short text`);
        else {
          result.company[target] = text;
          result.mapped[key] = id;
        }
        break;
      }
      default:
        target satisfies never;
    }
  }

  if (contact.email) result.contact = { ...contact, email: contact.email };
  else {
    // Contact fields without an email cannot be stored as a contact: they stay as company metadata.
    for (const [key, id] of Object.entries(result.mapped)) {
      if (id.startsWith('contact.')) {
        delete result.mapped[key];
        keep(key);
      }
    }
  }
  // No domain given: a business email names the company.
  if (result.company.domain === null && result.contact) {
    const fromEmail = helpers.companyDomainFromEmail(result.contact.email);
    if (fromEmail) result.company.domain = fromEmail;
  }
  return result;
}
