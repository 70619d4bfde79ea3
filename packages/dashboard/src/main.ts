import { api, ApiError, whenSignedOut } from './api.js';
import { h, put, status } from './dom.js';
import { companiesPage } from './pages/companies.js';
import { companyPage } from './pages/company.js';
import { insightsPage } from './pages/insights.js';
import { settingsPage } from './pages/settings.js';
import { signalsPage } from './pages/signals.js';
import { signInForm } from './pages/sign-in.js';
import { watchListPage } from './pages/watch-list.js';
import type { Session } from './types.js';
import type { Page, View } from './view.js';

const base = '/dashboard/';
const pages: Record<string, Page> = {
  companies: companiesPage,
  company: companyPage,
  insights: insightsPage,
  'watch-list': watchListPage,
  signals: signalsPage,
  settings: settingsPage,
};
const nav: Array<[string, string]> = [
  ['companies', 'Companies'],
  ['insights', 'Insights'],
  ['watch-list', 'Watch list'],
  ['signals', 'Signals'],
  ['settings', 'Settings'],
];

const root = document.getElementById('app')!;
let session: Session | null = null;
let leave: AbortController | null = null;

/** The page a dashboard path names: /dashboard/companies/ID is the company page. */
function route(pathname: string): { name: string; params: string[] } {
  const parts = pathname.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'companies' && parts[1]) return { name: 'company', params: parts.slice(1) };
  return { name: parts[0] && pages[parts[0]] ? parts[0] : 'companies', params: [] };
}

function go(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void render();
}

function footer(): HTMLElement {
  return h(
    'footer',
    { class: 'footer' },
    h(
      'p',
      null,
      'IP address data powered by ',
      h('a', { href: 'https://db-ip.com' }, 'DB-IP'),
      ', licensed under ',
      h('a', { href: 'https://creativecommons.org/licenses/by/4.0/' }, 'CC BY 4.0'),
      ', through ip-location-db (AS numbers from RouteViews and the NRO statistics).',
    ),
    h('p', null, 'ClearView is open source under the MIT licence.'),
  );
}

function layout(current: string, main: HTMLElement): HTMLElement[] {
  const signOut = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void api('DELETE', '/api/dashboard/session').finally(() => {
      session = null;
      go(base, true);
    });
  });
  const header = h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: `${base}companies` }, 'ClearView'),
    h(
      'nav',
      { 'aria-label': 'Pages' },
      h(
        'ul',
        null,
        nav.map(([name, label]) =>
          h('li', null, h('a', { href: `${base}${name}`, 'aria-current': current === name || (current === 'company' && name === 'companies') ? 'page' : null }, label)),
        ),
      ),
    ),
    h('p', { class: 'who' }, h('span', null, session!.site.name), ' ', h('span', { class: 'badge' }, session!.permission), ' ', signOut),
  );
  return [header, main, footer()];
}

async function render(): Promise<void> {
  leave?.abort();
  leave = new AbortController();
  const signal = leave.signal;
  if (!session) {
    if (!(await signIn())) return;
  }
  const { name, params } = route(location.pathname);
  const page = pages[name]!;
  const main = h('main', { id: 'main', tabindex: -1 }, status(`Loading ${page.title.toLowerCase()}…`));
  put(root, ...layout(name, main));
  document.title = `${page.title} · ClearView`;
  const view: View = {
    main,
    query: new URLSearchParams(location.search),
    params,
    session: session!,
    signal,
    go,
    every(ms, fn) {
      const timer = setInterval(fn, ms);
      signal.addEventListener('abort', () => clearInterval(timer));
    },
  };
  try {
    await page.render(view);
  } catch (error) {
    if ((error as Error).name === 'AbortError' || signal.aborted) return;
    put(main, h('h1', null, page.title), status(error instanceof Error ? error.message : String(error), 'error'));
  }
}

/** Signs in with a link's token, or finds the current session; shows the sign-in form otherwise. */
async function signIn(): Promise<boolean> {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token) {
    // The token leaves the address bar (and history) before anything else happens.
    history.replaceState(null, '', location.pathname + location.search);
    try {
      session = await api<Session>('POST', '/api/dashboard/session', { body: { token } });
      return true;
    } catch (error) {
      showSignIn(error instanceof ApiError ? error.message : String(error));
      return false;
    }
  }
  try {
    session = await api<Session>('GET', '/api/dashboard/session');
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showSignIn(null);
    else put(root, status(`The dashboard could not reach the collector: ${error instanceof Error ? error.message : String(error)}`, 'error'));
    return false;
  }
}

function showSignIn(problem: string | null): void {
  document.title = 'Sign in · ClearView';
  put(
    root,
    signInForm(problem, (signedIn) => {
      session = signedIn;
      void render();
    }),
    footer(),
  );
}

whenSignedOut(() => {
  session = null;
  showSignIn('Your session has ended. Sign in again.');
});

// Links inside the dashboard change the page without a reload; back and forward redraw it.
document.addEventListener('click', (event) => {
  const link = (event.target as Element | null)?.closest?.('a');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(base)) return;
  event.preventDefault();
  go(url.pathname + url.search);
  document.getElementById('main')?.focus();
});
window.addEventListener('popstate', () => void render());

void render();
