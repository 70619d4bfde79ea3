/**
 * The pure rules behind signals: when a page view continues a visit, and when a score
 * makes a lead hot. Minutes and scores come from the site's alert settings.
 */

/**
 * A page view continues a visit when it comes at most `dedupeMinutes` after the visit's
 * latest page view (or before it: beacons can arrive out of order). One alert per visit,
 * however many pages it has.
 */
export function continuesVisit(lastAtMs: number, pageAtMs: number, dedupeMinutes: number): boolean {
  return pageAtMs - lastAtMs <= dedupeMinutes * 60_000;
}

/** A visit is over once no page view came for `dedupeMinutes` after its latest one. */
export function visitOver(lastAtMs: number, nowMs: number, dedupeMinutes: number): boolean {
  return nowMs - lastAtMs > dedupeMinutes * 60_000;
}

/** How far below minScore a hot lead must fall before it can alert again. */
export const HOT_REARM_POINTS = 5;

/**
 * lead.hot with hysteresis: a score reaching minScore fires once; the alert is re-armed
 * only when the score falls HOT_REARM_POINTS below it, so a score hovering at the line
 * (decay down, a page view up) alerts once, not on every crossing.
 */
export function nextHotState(wasHot: boolean, score: number, minScore: number): { hot: boolean; fire: boolean } {
  if (!wasHot) return score >= minScore ? { hot: true, fire: true } : { hot: false, fire: false };
  return { hot: score >= minScore - HOT_REARM_POINTS, fire: false };
}
