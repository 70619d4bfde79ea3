/** Entry points into the tracker: nothing may throw into the host page. */

export const noop = (): void => {};

export function guard<Arguments extends unknown[]>(handler: (...args: Arguments) => void) {
  return (...args: Arguments): void => {
    try {
      handler(...args);
    } catch {
      // The host page must never see our errors.
    }
  };
}

/**
 * window.addEventListener with a guarded handler. The window also hears the
 * document's bubbling events, such as visibilitychange.
 */
export function on<E extends Event>(type: string, handler: (event: E) => void): void {
  window.addEventListener(type, guard(handler) as EventListener);
}

/**
 * Runs now, or when a prerendered page is shown: a prerendered page may never
 * be seen, so nothing is counted or sent before activation.
 */
export function whenActive(handler: () => void): void {
  // prerenderingchange fires once, so no need for { once: true }.
  if (document.prerendering) document.addEventListener('prerenderingchange', guard(handler));
  else handler();
}
