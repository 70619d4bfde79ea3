import { ApiError } from './api.js';
import { h, status, type Child } from './dom.js';

/** What a failed call means to the user: the collector's own message, or that the API is not there yet. */
export function failure(error: unknown, what: string): HTMLElement {
  if (error instanceof ApiError && error.missingApi) {
    return h(
      'div',
      { class: 'notice', role: 'status' },
      h('p', null, h('strong', null, `${what} is not available on this collector yet.`)),
      h('p', null, 'The collector answers that it has no such API: it comes with a later version of ClearView.'),
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return status(`${what} could not be loaded: ${message}`, 'error');
}

/** A table with a caption for screen readers; wide tables scroll inside their box, never the page. */
export function table(caption: string, headers: string[], rows: Child[][], options: { numeric?: number[] } = {}): HTMLElement {
  const numeric = new Set(options.numeric ?? []);
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((text, i) => h('th', { scope: 'col', class: numeric.has(i) ? 'num' : null }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((cells) =>
          h(
            'tr',
            null,
            cells.map((cell, i) => h('td', { class: numeric.has(i) ? 'num' : null }, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A button that copies text, and says so. */
export function copyButton(text: () => string, label = 'Copy'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'secondary' }, label);
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(text()).then(
      () => {
        button.textContent = 'Copied';
        setTimeout(() => (button.textContent = label), 2000);
      },
      () => {
        button.textContent = 'Select and copy by hand';
      },
    );
  });
  return button;
}

export const section = (title: string, ...children: Child[]) => h('section', { class: 'card' }, h('h2', null, title), ...children);

/** A score as a bar and its number: a native meter, so no inline style is needed. */
export const scoreBar = (score: number) =>
  h('span', { class: 'score' }, h('meter', { min: 0, max: 100, low: 40, high: 70, optimum: 100, value: score, 'aria-hidden': 'true' }), h('span', null, String(score)));

/** Runs an action from a button, disabling it meanwhile and showing the outcome in place. */
export async function act(button: HTMLButtonElement, out: HTMLElement, action: () => Promise<Child>): Promise<void> {
  button.disabled = true;
  out.replaceChildren(status('Working…'));
  try {
    const done = await action();
    out.replaceChildren();
    if (done) out.append(typeof done === 'string' ? status(done, 'ok') : (done as Node));
  } catch (error) {
    out.replaceChildren(status(error instanceof Error ? error.message : String(error), 'error'));
  } finally {
    button.disabled = false;
  }
}
