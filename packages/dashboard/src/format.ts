/** Numbers and times for people: through Intl, in the browser's language and time zone. */
const numberFormat = new Intl.NumberFormat();
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export const num = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : numberFormat.format(value));

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '—' : dateTimeFormat.format(t);
}

/** "3 hours ago", for last-seen columns; the full time goes in the title. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = (Date.parse(iso) - now) / 1000;
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  return relative.format(Math.round(seconds), 'second');
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${num(Math.round(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${num(minutes)} min ${num(Math.round(seconds % 60))} s`;
}

/** The country's name in the browser's language, with its code. */
const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'region' }) : null;
export function country(code: string | null | undefined): string {
  if (!code) return '—';
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
