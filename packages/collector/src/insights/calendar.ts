/**
 * Local days in an IANA time zone, for the insights window and the day of the week: pure,
 * on the runtime's time-zone data (Intl), with no I/O.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

// Zone names are letters, digits and _+-, in parts joined by "/" (America/Los_Angeles,
// Etc/GMT+5); checked before Intl sees them, so a long or odd string costs nothing.
const zoneName = /^[A-Za-z][A-Za-z0-9_+-]{0,30}(\/[A-Za-z0-9_+-]{1,30}){0,2}$/;

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether tz names a zone this runtime knows (an IANA name such as Asia/Kathmandu, or UTC). */
export function isTimeZone(tz: string): boolean {
  if (!zoneName.test(tz)) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localTime(tz: string, t: number): LocalTime {
  const out: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(t)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out as unknown as LocalTime;
}

/** The zone's offset from UTC at instant t, in ms (+05:45 is 20,700,000). Whole seconds: Intl gives no less. */
export function offsetAt(tz: string, t: number): number {
  const l = localTime(tz, t);
  const seconds = Math.floor(t / 1000) * 1000;
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - seconds;
}

/** A local calendar date as the UTC midnight of the same date (a day number in ms). */
export function localDateOf(tz: string, t: number): number {
  const l = localTime(tz, t);
  return Date.UTC(l.year, l.month - 1, l.day);
}

/**
 * The first instant of a local date (given as its UTC midnight). Usually local midnight;
 * where a clock change skips midnight (some zones change at 00:00), the first local time
 * that exists that day.
 */
export function startOfLocalDate(tz: string, date: number): number {
  // A date's start never changes for a zone, and each answer asks for one per day of the
  // window (up to 365, several Intl calls each): kept, up to a bound, for the next answer.
  const key = `${tz} ${date}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return known;
  const start = computeStartOfLocalDate(tz, date);
  if (dayStarts.size >= maxDayStarts) dayStarts.clear();
  dayStarts.set(key, start);
  return start;
}

const dayStarts = new Map<string, number>();
/** About two years of days in each of a few dozen zones. */
const maxDayStarts = 50_000;

function computeStartOfLocalDate(tz: string, date: number): number {
  // Two guesses settle it: the offset just before the day's start is the one in force at it,
  // unless a change falls between, which the second guess sees.
  let t = date - offsetAt(tz, date);
  t = date - offsetAt(tz, t);
  // A skipped midnight: t lands on the day before; the day begins where the change is.
  if (localDateOf(tz, t) < date) {
    let lo = t;
    let hi = t + 4 * 3_600_000;
    while (hi - lo > 1000) {
      const mid = Math.floor((lo + hi) / 2);
      if (localDateOf(tz, mid) < date) lo = mid;
      else hi = mid;
    }
    t = hi;
  }
  return t;
}

const dayMs = 86_400_000;

/** The window of the last `days` local days: from the start of the local day `days - 1` before today's, to now. */
export function windowOf(tz: string, now: number, days: number): { from: number; to: number } {
  return { from: startOfLocalDate(tz, localDateOf(tz, now) - (days - 1) * dayMs), to: now };
}

export const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * The local days of a window from `from` (a local day's start) to `to`: each day's date (as
 * its UTC midnight) and its start, then the end of the last day. Each local day is the range
 * between two local day starts, so a 23- or 25-hour day (a clock change) counts whole, and a
 * +05:45 zone's days start on their own quarter-hours.
 */
export function localDays(tz: string, from: number, to: number): { dates: number[]; edges: number[] } {
  const dates: number[] = [];
  const edges: number[] = [];
  let date = localDateOf(tz, from);
  let start = startOfLocalDate(tz, date);
  while (start <= to) {
    dates.push(date);
    edges.push(start);
    date += dayMs;
    start = startOfLocalDate(tz, date);
  }
  edges.push(start);
  return { dates, edges };
}

/** Page views by local day of the week, Sunday first, from the views of each local day (dates as localDays gives them). */
export function weekdayCounts(dates: readonly number[], views: readonly number[]): number[] {
  const counts = [0, 0, 0, 0, 0, 0, 0];
  dates.forEach((date, i) => (counts[new Date(date).getUTCDay()]! += views[i] ?? 0));
  return counts;
}
