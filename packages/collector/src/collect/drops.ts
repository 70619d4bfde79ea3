/**
 * Every reason the beacon path refuses or discards an acknowledged-shape event.
 * The dropped-events metric is labelled from this list only, never from free text.
 * Malformed input is not a drop: it is answered with a 4xx error body.
 */
export const dropReasons = ['unknown_site_key', 'site_key_revoked', 'domain_not_allowed', 'duplicate_page_view', 'overloaded'] as const;

export type DropReason = (typeof dropReasons)[number];

/**
 * The drops the steps and the duplicate check decide. 'overloaded' is the intake's:
 * the writer sheds load with its own 503 (queue full, shutting down, not stored),
 * and the handler counts it under this reason.
 */
export type StepDropReason = Exclude<DropReason, 'overloaded'>;

export interface Drop {
  drop: StepDropReason;
}

export const drop = (reason: StepDropReason): Drop => ({ drop: reason });

export const isDrop = (value: unknown): value is Drop => typeof value === 'object' && value !== null && 'drop' in value;

/** What the sender is told for each drop: refusals are 4xx, silent discards 202 with a header naming them. */
export function dropAnswer(reason: StepDropReason): { status: 403 | 202; message: string } {
  switch (reason) {
    case 'unknown_site_key':
      return { status: 403, message: 'Unknown site key; `npx clearview sites list` lists each site key' };
    case 'site_key_revoked':
      return { status: 403, message: 'This site key has been revoked' };
    case 'domain_not_allowed':
      return { status: 403, message: "The page's host is not one of this site's registered domains" };
    case 'duplicate_page_view':
      // A resent beacon: the first copy is stored, so the sender has nothing to fix.
      return { status: 202, message: '' };
    default:
      return reason satisfies never;
  }
}
