import type { Session } from './types.js';

/** What a page is given to draw itself: where, its URL's state, who is signed in, and how to move on. */
export interface View {
  main: HTMLElement;
  query: URLSearchParams;
  /** The path's parts after the page's own name (a company's id). */
  params: string[];
  session: Session;
  /** Cancelled when the user leaves the page: requests and timers stop with it. */
  signal: AbortSignal;
  /** Goes to a dashboard URL, adding a history entry unless replace. */
  go(url: string, replace?: boolean): void;
  /** Runs fn every ms while the page is open. */
  every(ms: number, fn: () => void): void;
}

export interface Page {
  title: string;
  render(view: View): Promise<void>;
}

export const canWrite = (session: Session) => session.permission !== 'read';
export const isAdmin = (session: Session) => session.permission === 'admin';
