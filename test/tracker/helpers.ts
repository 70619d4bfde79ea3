/**
 * The one way tracker tests load a page and look at what it sent.
 *
 * Each test gets a fresh happy-dom window (its own document, history,
 * localStorage and listeners) and loads the *built* files the collector
 * serves, through a real <script src> tag, so `document.currentScript` and
 * the data- attributes work as in a browser. Every payload sent is checked
 * against the wire format before a test sees it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Window } from 'happy-dom';
import { afterEach, expect, vi } from 'vitest';

export const SITE_KEY = 'site_Q2xlYXJWaWV3VGVzdA';
export const SCRIPT_SRC = 'https://collector.example.com/t.js';
export const ESM_SRC = 'https://collector.example.com/esm.js';
export const DEFAULT_ENDPOINT = 'https://collector.example.com/api/v1/collect';
export const PAGE_URL = 'https://www.example.com/pricing?utm_source=news';
/** Any id the wire format accepts. */
export const ID = expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
/** The queueing stub of the README, run before the tag in tests that queue calls. */
export const STUB = 'window.clearview=window.clearview||function(){(clearview.q=clearview.q||[]).push(arguments)}';

/** The wire format: what each event may carry. */
const KEYS = {
  pageview: ['k', 'n', 'v', 'p', 'u', 'r', 't', 'w'],
  engagement: ['k', 'n', 'v', 'p', 'u', 'e'],
  identify: ['k', 'n', 'v', 'd'],
} as const;
const TRAITS = ['email', 'firstName', 'lastName', 'jobTitle', 'company', 'phone', 'linkedinUrl'];
const WIRE_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface Payload {
  k: string;
  n: keyof typeof KEYS;
  v?: string;
  p?: string;
  u?: string;
  r?: string;
  t?: string;
  w?: number;
  e?: number;
  d?: Record<string, string>;
}

export interface Sent {
  via: 'sendBeacon' | 'fetch';
  url: string;
  /** The body as sent: the wire format wants a string (text/plain). */
  body: unknown;
  /** What fetch would send (method, headers, keepalive); undefined for sendBeacon. */
  init?: RequestInit;
  payload: Payload;
}

export interface Setup {
  /** The page's URL. */
  url?: string;
  /** data- attributes of the tag, without `data-`; true for a bare flag. Default: the site key. */
  tag?: Record<string, string | true>;
  /** Replaces the default tag attributes instead of adding to them. */
  replaceTag?: boolean;
  src?: string;
  referrer?: string;
  title?: string;
  screenWidth?: number;
  /** The page starts hidden (a background tab). */
  hidden?: boolean;
  /** The page is prerendered, not yet shown. */
  prerendering?: boolean;
  /** Calls made through the README's stub before the tag loads. */
  queued?: unknown[][];
  /** localStorage entries present before load. */
  storage?: Record<string, string>;
  /** Blocked storage: `localStorage` throws, or is null (Firefox with storage disabled). */
  blockedStorage?: 'throws' | 'null';
  sendBeacon?: 'works' | 'missing' | 'throws' | 'refuses';
  fetch?: 'works' | 'missing' | 'throws' | 'rejects';
  navigator?: { webdriver?: boolean; doNotTrack?: string; globalPrivacyControl?: boolean };
  /** Load the tag twice, as when a site pastes it and also injects it with a tag manager. */
  twice?: boolean;
  /** Instead of the tag, run this module code (which may import ESM_SRC). */
  module?: string;
  /** Runs right before the tag is added. */
  beforeLoad?: (window: Window) => void;
}

export interface Page {
  window: Window;
  /** Everything sent so far, each payload checked against the wire format. */
  readonly sent: Sent[];
  readonly payloads: Payload[];
  /** window.clearview. */
  readonly global: unknown;
  /** Errors that reached the page: window `error` events and unhandled rejections. */
  errors: unknown[];
  /** Console warnings (the ESM build explains what it ignores). */
  warnings: unknown[][];
  clearview(...args: unknown[]): void;
  /** history.pushState / replaceState, as a router would. */
  navigate(path: string, method?: 'pushState' | 'replaceState'): void;
  /** The browser's back/forward button: the URL changes, then popstate. */
  goBackTo(url: string): void;
  /** A click on an in-page anchor: the URL's #fragment changes, then popstate and hashchange. */
  followAnchor(hash: string): void;
  hide(): void;
  show(): void;
  /** Leaving the page: hidden, then pagehide (persisted when it goes into the back/forward cache). */
  leave(options?: { persisted?: boolean }): void;
  /** Coming back from the back/forward cache: pageshow (persisted), then visible. */
  restore(): void;
  /** A prerendered page is shown. */
  activate(): void;
  /** Lets time pass (fake timers). */
  advance(ms: number): void;
  /** Lets pending promises settle. */
  settle(): Promise<void>;
}

const open: Window[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const window of open.splice(0)) await window.happyDOM.close();
});

/** The built file, or a clear failure when the build has not run. */
/** Where the built tracker is; TRACKER_DIST points the tests at another build (e.g. a mutated one, to see the tests fail). */
export const builtDir = () => process.env.TRACKER_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '../../packages/tracker/dist');

export function builtFile(name: 't.js' | 'esm.js' | 'esm.d.ts'): string {
  const path = join(builtDir(), name);
  if (!existsSync(path)) {
    throw new Error(`packages/tracker/dist/${name} is missing: run \`npm run build:tracker\` first (\`npm test\` builds in pretest).`);
  }
  return readFileSync(path, 'utf8');
}

/** Throws unless the payload is exactly what the wire format allows. */
function checkWireFormat(body: unknown): Payload {
  if (typeof body != 'string') throw new Error(`body is not a string (text/plain): ${String(body)}`);
  if (new TextEncoder().encode(body).length > 8192) throw new Error(`body over 8 KB: ${body.length} characters`);
  const payload = JSON.parse(body) as Payload;
  const problems: string[] = [];
  const allowed: readonly string[] = KEYS[payload.n] ?? [];
  if (!allowed.length) problems.push(`unknown event n=${JSON.stringify(payload.n)}`);
  for (const key of Object.keys(payload)) if (!allowed.includes(key)) problems.push(`key ${key} not allowed in ${payload.n}`);
  if (!/^site_/.test(payload.k)) problems.push('k is not a site key');
  if ('v' in payload && !WIRE_ID.test(String(payload.v))) problems.push(`v ${payload.v} is not an id`);
  if (payload.n != 'identify') {
    if (!WIRE_ID.test(String(payload.p))) problems.push(`p ${payload.p} is not an id`);
    if (!/^https?:\/\//.test(String(payload.u)) || String(payload.u).length > 2048) problems.push(`u ${payload.u} is not an http(s) URL of at most 2,048 characters`);
  }
  if ('r' in payload && !URL.canParse(String(payload.r))) problems.push(`r ${payload.r} is not an absolute URL`);
  if ('t' in payload && (typeof payload.t != 'string' || !payload.t || payload.t.length > 512)) problems.push('t is not a title of 1 to 512 characters');
  if ('w' in payload && !Number.isInteger(payload.w)) problems.push('w is not an integer');
  if (payload.n == 'engagement' && !(Number.isInteger(payload.e) && payload.e! >= 0)) problems.push(`e ${payload.e} is not a non-negative integer`);
  if (payload.n == 'identify') {
    const traits = payload.d ?? {};
    if (!traits.email) problems.push('d has no email');
    for (const [key, value] of Object.entries(traits)) {
      if (!TRAITS.includes(key)) problems.push(`trait ${key} not allowed`);
      if (typeof value != 'string' || value.length > 256) problems.push(`trait ${key} is not a string of at most 256 characters`);
    }
  }
  if (problems.length) throw new Error(`payload breaks the wire format (${problems.join('; ')}): ${body}`);
  return payload;
}

/** Sets up a page as the setup says, loads the tag (or module) and waits until it ran. */
export async function loadPage(setup: Setup = {}): Promise<Page> {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-01-15T10:00:00Z') });
  const [tag, esm] = [builtFile('t.js'), setup.module ? builtFile('esm.js') : ''];
  const window = new Window({
    url: setup.url ?? PAGE_URL,
    settings: {
      enableJavaScriptEvaluation: true,
      suppressInsecureJavaScriptEnvironmentWarning: true,
      fetch: {
        interceptor: {
          // Only scripts are fetched this way: the tracker's own requests go to the stubs below.
          beforeAsyncRequest: async ({ request, window }) =>
            new window.Response(request.url.endsWith('esm.js') ? esm : tag, { headers: { 'Content-Type': 'text/javascript' } }),
        },
      },
    },
  });
  open.push(window);
  const { document, navigator } = window;
  // Scripts in the window see the test's fake clock.
  (window as unknown as { Date: DateConstructor }).Date = Date;

  const errors: unknown[] = [];
  const warnings: unknown[][] = [];
  window.addEventListener('error', (event) => {
    const error = event as unknown as { error?: unknown; message?: string };
    errors.push(error.error ?? error.message);
  });
  const onRejection = (reason: unknown) => errors.push(reason);
  process.on('unhandledRejection', onRejection);
  cleanups.push(() => process.off('unhandledRejection', onRejection));
  window.console.warn = (...args: unknown[]) => void warnings.push(args);

  // The browser as the setup describes it (happy-dom says it is automated: a real browser says not).
  let hidden = !!setup.hidden;
  let prerendering = !!setup.prerendering;
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'prerendering', { configurable: true, get: () => prerendering });
  Object.defineProperty(document, 'referrer', { configurable: true, get: () => setup.referrer ?? '' });
  Object.defineProperty(window.screen, 'width', { configurable: true, get: () => setup.screenWidth ?? 1440 });
  Object.defineProperty(navigator, 'webdriver', { configurable: true, get: () => setup.navigator?.webdriver ?? false });
  Object.defineProperty(navigator, 'doNotTrack', { configurable: true, get: () => setup.navigator?.doNotTrack ?? 'unspecified' });
  Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, get: () => setup.navigator?.globalPrivacyControl ?? false });
  if (setup.title !== undefined) document.title = setup.title;
  for (const [key, value] of Object.entries(setup.storage ?? {})) window.localStorage.setItem(key, value);
  if (setup.blockedStorage) {
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get() {
        if (setup.blockedStorage == 'null') return null;
        throw new window.DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  }

  const sent: { via: Sent['via']; url: string; body: unknown; init?: RequestInit }[] = [];
  const beacon = setup.sendBeacon ?? 'works';
  const send = setup.fetch ?? 'works';
  const windowAny = window as unknown as Record<string, unknown>;
  const navigatorAny = navigator as unknown as Record<string, unknown>;
  navigatorAny.sendBeacon =
    beacon == 'missing'
      ? undefined
      : (url: string, body: unknown) => {
          if (beacon == 'throws') throw new window.TypeError('Beacons are not allowed here');
          if (beacon == 'refuses') return false;
          sent.push({ via: 'sendBeacon', url: String(url), body });
          return true;
        };
  windowAny.fetch =
    send == 'missing'
      ? undefined
      : (url: string, init?: RequestInit) => {
          if (send == 'throws') throw new window.TypeError('fetch is broken here');
          sent.push({ via: 'fetch', url: String(url), body: init?.body, init });
          return send == 'rejects' ? window.Promise.reject(new window.TypeError('Failed to fetch')) : window.Promise.resolve(new window.Response(null, { status: 202 }));
        };

  const run = (code: string) => (window as unknown as { eval: (code: string) => unknown }).eval(code);
  if (setup.queued) {
    run(STUB);
    for (const args of setup.queued) (windowAny.clearview as (...args: unknown[]) => void)(...args);
  }
  const addScript = () => {
    const script = document.createElement('script');
    if (setup.module) {
      script.type = 'module';
      script.textContent = setup.module;
    } else {
      script.src = setup.src ?? SCRIPT_SRC;
      script.defer = true;
      const attributes = setup.replaceTag ? (setup.tag ?? {}) : { 'site-key': SITE_KEY, ...setup.tag };
      for (const [name, value] of Object.entries(attributes)) script.setAttribute(`data-${name}`, value === true ? '' : value);
    }
    document.head.appendChild(script);
  };
  setup.beforeLoad?.(window);
  addScript();
  await window.happyDOM.waitUntilComplete();
  if (setup.twice) {
    addScript();
    await window.happyDOM.waitUntilComplete();
  }

  const event = (type: string, init: Record<string, unknown> = {}) => {
    const created = new window.Event(type, { bubbles: !!init.bubbles });
    for (const [key, value] of Object.entries(init)) if (key != 'bubbles') Object.defineProperty(created, key, { value });
    return created as unknown as Event;
  };
  const setVisibility = (nowHidden: boolean) => {
    hidden = nowHidden;
    // As in browsers, visibilitychange is fired at the document and bubbles to the window.
    document.dispatchEvent(event('visibilitychange', { bubbles: true }) as never);
  };

  const checked = (): Sent[] => sent.map((request) => ({ ...request, payload: checkWireFormat(request.body) }));

  return {
    window,
    get sent() {
      return checked();
    },
    get payloads() {
      return checked().map((request) => request.payload);
    },
    get global() {
      return windowAny.clearview;
    },
    errors,
    warnings,
    clearview: (...args) => (windowAny.clearview as (...args: unknown[]) => void)(...args),
    navigate: (path, method = 'pushState') => window.history[method]({}, '', path),
    goBackTo(url) {
      window.happyDOM.setURL(url);
      window.dispatchEvent(event('popstate', { state: null }) as never);
    },
    followAnchor(hash) {
      const oldURL = window.location.href;
      window.happyDOM.setURL(oldURL.split('#')[0] + hash);
      window.dispatchEvent(event('popstate', { state: null }) as never);
      window.dispatchEvent(event('hashchange', { oldURL, newURL: window.location.href }) as never);
    },
    hide: () => setVisibility(true),
    show: () => setVisibility(false),
    leave({ persisted = false } = {}) {
      setVisibility(true);
      window.dispatchEvent(event('pagehide', { persisted }) as never);
    },
    restore() {
      window.dispatchEvent(event('pageshow', { persisted: true }) as never);
      setVisibility(false);
    },
    activate() {
      prerendering = false;
      document.dispatchEvent(event('prerenderingchange') as never);
    },
    advance: (ms) => void vi.advanceTimersByTime(ms),
    settle: () => new Promise((resolve) => setTimeout(resolve, 10)),
  };
}

function show(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (item && typeof item == 'object' && 'asymmetricMatch' in item ? String(item) : item), 2);
}

/**
 * Runs the action and checks what it sent (without an action: everything
 * sent since the page loaded). `expected` is the exact list of events, in
 * order, each matched on the keys it gives (give them all for an exact
 * payload); no event may match one of `refuted`; no error may have reached
 * the page. On failure prints expected against received.
 */
export async function expectBeacons(
  page: Page,
  {
    action,
    expected = [],
    refuted = [],
  }: { action?: () => unknown; expected?: Partial<Record<keyof Payload, unknown>>[]; refuted?: Partial<Record<keyof Payload, unknown>>[] },
): Promise<Payload[]> {
  const before = action ? page.sent.length : 0;
  await action?.();
  const received = page.payloads.slice(before);
  const report = `\nexpected: ${show(expected)}\nreceived: ${show(received)}`;
  expect(received, `events sent${report}`).toMatchObject(expected);
  for (const unwanted of refuted) {
    const matching = received.filter((payload) => {
      try {
        expect(payload).toMatchObject(unwanted);
        return true;
      } catch {
        return false;
      }
    });
    expect(matching, `sent ${show(unwanted)}, which it should not have${report}`).toEqual([]);
  }
  expect(page.errors, 'errors thrown into the page').toEqual([]);
  return received;
}
