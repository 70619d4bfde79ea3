/**
 * The wire format, a public contract (see the README): one JSON object in a
 * text/plain body, one-letter keys. `k`, `n` and `v` are added by send().
 */

export interface PageViewFields {
  /** page-view id */
  p: string;
  /** the page's URL, at most 2,048 characters */
  u: string;
  /** the referrer, absent when empty */
  r?: string;
  /** the title, at most 512 characters, absent when empty */
  t?: string;
  /** screen width in CSS pixels */
  w?: number;
}

export interface EngagementFields {
  p: string;
  u: string;
  /** engaged milliseconds since this page view's last engagement event */
  e: number;
}

export interface IdentifyFields {
  /** traits, each at most 256 characters */
  d: Record<string, string>;
}

export interface EventFields {
  pageview: PageViewFields;
  engagement: EngagementFields;
  identify: IdentifyFields;
}

export type EventName = keyof EventFields;

export const MAX_URL_LENGTH = 2048;
export const MAX_TITLE_LENGTH = 512;
export const MAX_TRAIT_LENGTH = 256;
