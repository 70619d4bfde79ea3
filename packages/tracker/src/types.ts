/**
 * The public shapes: the options of `init()` (the tag's data- attributes map
 * onto the same names), the `clearview()` command function and the traits of
 * `identify`. One-letter keys live in wire.ts only.
 */

export interface Options {
  /** The site key, `site_...`. Nothing is sent without one. */
  siteKey: string;
  /** The full URL of the collect endpoint, e.g. `https://collector.example.com/api/v1/collect`. */
  api: string;
  /** Count a change of `#hash` as a new page view (hash-routed apps). */
  hash?: boolean;
  /** No automatic page views: call `clearview('pageview')` yourself. */
  manual?: boolean;
  /** Keep no visitor id in localStorage; the collector derives one per day. */
  noStorage?: boolean;
  /** Also track localhost, 127.0.0.1, [::1] and file: pages. */
  allowLocal?: boolean;
  /** Also track automated browsers (`navigator.webdriver`). */
  allowAutomation?: boolean;
  /** Send nothing when the browser asks for Do Not Track or Global Privacy Control. */
  respectDnt?: boolean;
}

/**
 * What the tracker reads: the tag's `dataset` (`data-allow-local` is
 * `allowLocal`), or init()'s options with false and undefined left out.
 * A flag is on when its key is present (`'hash' in settings`), whatever its
 * value, like an HTML boolean attribute.
 */
export type Settings = { readonly [Key in keyof Options]?: string | boolean };

/** What `identify` links the anonymous visitor to. Each value is cut to 256 characters. */
export interface Traits {
  email: string;
  firstName?: string;
  lastName?: string;
  jobTitle?: string;
  company?: string;
  phone?: string;
  linkedinUrl?: string;
}

/** The `clearview` global, and what `init()` returns. */
export interface Command {
  /** Track a page view by hand (the current URL), e.g. with `manual`. */
  (command: 'pageview'): void;
  /** Link this anonymous visitor to a person; ignored without an email. */
  (command: 'identify', traits: Traits): void;
}
