import { api, ApiError } from '../api.js';
import { h, status } from '../dom.js';
import type { Session } from '../types.js';

/** The sign-in page: an API key, or the hint to ask for a one-time link. */
export function signInForm(problem: string | null, done: (session: Session) => void): HTMLElement {
  const key = h('input', { id: 'key', name: 'key', type: 'password', autocomplete: 'off', required: true, placeholder: 'cv_live_…', size: 40 });
  const out = h('div', { 'aria-live': 'polite' }, problem ? status(problem, 'error') : null);
  const form = h(
    'form',
    { class: 'card sign-in' },
    h('h1', null, 'Sign in to ClearView'),
    h('p', null, 'Open a sign-in link, or paste an API key. A link is made on the collector’s machine with:'),
    h('pre', null, h('code', null, 'npx clearview dashboard-link --site SITE_ID --permission admin')),
    h('label', { for: 'key' }, 'API key'),
    key,
    h('button', { type: 'submit' }, 'Sign in'),
    out,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    out.replaceChildren(status('Signing in…'));
    api<Session>('POST', '/api/dashboard/session', { body: { key: key.value.trim() } }).then(done, (error: unknown) =>
      out.replaceChildren(status(error instanceof ApiError ? error.message : String(error), 'error')),
    );
  });
  return h('main', { id: 'main', class: 'narrow' }, form);
}
