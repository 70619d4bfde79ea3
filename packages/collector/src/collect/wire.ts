import { badRequest } from '../errors.js';
import { isEmailAddress } from '../mapping/email.js';
import { parsePageUrl, type PageUrl } from './page-url.js';

/**
 * The wire format of POST /api/v1/collect (README, "Wire format"): one JSON object
 * with one-letter keys. Hand-written rather than a schema library because it runs
 * on every beacon and its messages must name the exact key at fault.
 */
export const maxBodyBytes = 8 * 1024;

export interface Traits {
  email: string;
  firstName?: string;
  lastName?: string;
  jobTitle?: string;
  company?: string;
  phone?: string;
  linkedinUrl?: string;
}

interface WireBase {
  siteKey: string;
  visitorId: string | null;
}
export interface PageviewWire extends WireBase {
  name: 'pageview';
  pageViewId: string;
  url: PageUrl;
  referrer: PageUrl | null;
  title: string | null;
  screenWidth: number | null;
}
export interface EngagementWire extends WireBase {
  name: 'engagement';
  pageViewId: string;
  url: PageUrl;
  engagedMs: number;
}
export interface IdentifyWire extends WireBase {
  name: 'identify';
  traits: Traits;
}
export type WireEvent = PageviewWire | EngagementWire | IdentifyWire;

const allowedKeys: Record<WireEvent['name'], readonly string[]> = {
  pageview: ['k', 'n', 'v', 'p', 'u', 'r', 't', 'w'],
  engagement: ['k', 'n', 'v', 'p', 'u', 'e'],
  identify: ['k', 'n', 'v', 'd'],
};
const traitKeys = ['email', 'firstName', 'lastName', 'jobTitle', 'company', 'phone', 'linkedinUrl'] as const;

const idPattern = /^[A-Za-z0-9_-]{8,64}$/;
const siteKeyPattern = /^site_[A-Za-z0-9]{8,64}$/;
// C0 controls, DEL and C1 controls have no place in URLs, titles or names we store.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;
/** A day of continuous visible time: more in one engagement event is a broken or hostile sender. */
export const maxEngagedMs = 86_400_000;
const maxScreenWidth = 100_000;

function text(value: unknown, key: string, maxLength: number): string {
  if (typeof value !== 'string') throw badRequest(`"${key}" must be a string`);
  if (value.length > maxLength) throw badRequest(`"${key}" must be at most ${maxLength} characters`);
  if (controlCharacters.test(value)) throw badRequest(`"${key}" must not contain control characters`);
  return value;
}

function optionalText(value: unknown, key: string, maxLength: number): string | null {
  return value === undefined || value === null || value === '' ? null : text(value, key, maxLength);
}

function id(value: unknown, key: string, meaning: string): string {
  if (typeof value !== 'string' || !idPattern.test(value)) throw badRequest(`"${key}" (${meaning}) must be 8 to 64 characters of A-Z, a-z, 0-9, _ or -`);
  return value;
}

function httpUrl(value: unknown, key: string): PageUrl {
  const url = parsePageUrl(text(value, key, 2048));
  if (url === null) throw badRequest(`"${key}" must be an absolute http(s) URL`);
  return url;
}

function integer(value: unknown, key: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`"${key}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

function traits(value: unknown): Traits {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('"d" must be an object of traits with at least "email"');
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(traitKeys as readonly string[]).includes(key)) throw badRequest(`"d.${key}" is not a known trait; allowed: ${traitKeys.join(', ')}`);
  }
  const email = text(input.email, 'd.email', 256).trim().toLowerCase();
  if (!isEmailAddress(email)) throw badRequest('"d.email" must be an email address');
  const result: Traits = { email };
  for (const key of traitKeys) {
    if (key === 'email') continue;
    const trait = optionalText(input[key], `d.${key}`, 256);
    if (trait !== null) result[key] = trait;
  }
  return result;
}

/** Parses one beacon body; throws a 400 HttpError naming the first fault. */
export function parseWireEvent(body: string): WireEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badRequest('Body must be one JSON object (see the wire format in the README)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('Body must be one JSON object (see the wire format in the README)');
  const input = parsed as Record<string, unknown>;
  const name = input.n;
  if (name !== 'pageview' && name !== 'engagement' && name !== 'identify') throw badRequest('"n" must be "pageview", "engagement" or "identify"');
  for (const key of Object.keys(input)) {
    if (!allowedKeys[name].includes(key)) throw badRequest(`"${key}" is not a field of a ${name} event; allowed: ${allowedKeys[name].join(', ')}`);
  }
  if (typeof input.k !== 'string' || !siteKeyPattern.test(input.k)) throw badRequest('"k" must be a site key (site_...)');
  const siteKey = input.k;
  const visitorId = input.v === undefined || input.v === null ? null : id(input.v, 'v', 'visitor id');
  // Fields are listed, not spread from a shared base: V8's spread here cost more than the rest of parsing.
  switch (name) {
    case 'pageview':
      return {
        siteKey,
        visitorId,
        name,
        pageViewId: id(input.p, 'p', 'page-view id'),
        url: httpUrl(input.u, 'u'),
        referrer: input.r === undefined || input.r === null || input.r === '' ? null : httpUrl(input.r, 'r'),
        title: optionalText(input.t, 't', 512),
        screenWidth: input.w === undefined || input.w === null ? null : integer(input.w, 'w', 0, maxScreenWidth),
      };
    case 'engagement':
      return { siteKey, visitorId, name, pageViewId: id(input.p, 'p', 'page-view id'), url: httpUrl(input.u, 'u'), engagedMs: integer(input.e, 'e', 0, maxEngagedMs) };
    case 'identify':
      return { siteKey, visitorId, name, traits: traits(input.d) };
    default:
      return name satisfies never;
  }
}
