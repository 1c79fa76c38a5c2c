import { DateTime, IANAZone } from 'luxon';

/** A calendar date in the Nexus's time zone, ISO `YYYY-MM-DD`. Flow metrics count these, never UTC instants. */
export type CalendarDate = string;

/** Zone offsets change only at transitions on quarter-hour boundaries, so one lookup serves each quarter hour. */
const QUARTER_HOUR_MS = 900_000;
const offsetsByZone = new Map<string, Map<number, number>>();
const OFFSETS_KEPT = 50_000;

export function localDate(instant: DateTime, zone: string): CalendarDate {
  const ms = instant.toMillis();
  return new Date(ms + offsetAt(ms, zone) * 60_000).toISOString().slice(0, 10);
}

/**
 * The calendar day of an instant (epoch milliseconds) in the zone, as a number of days since 1970-01-01: what
 * localDate gives, without making a string, for loops over thousands of PBIs' days (flow-efficiency.ts).
 */
export function localDayNumber(ms: number, zone: string): number {
  return Math.floor((ms + offsetAt(ms, zone) * 60_000) / 86_400_000);
}

/** The zone's offset from UTC in minutes at an instant, looked up once per quarter hour. */
function offsetAt(ms: number, zone: string): number {
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  let offsets = offsetsByZone.get(zone);
  if (!offsets) offsetsByZone.set(zone, (offsets = new Map()));
  let offset = offsets.get(bucket);
  if (offset === undefined) {
    offset = DateTime.fromMillis(ms, { zone }).offset;
    if (offsets.size > OFFSETS_KEPT) offsets.clear();
    offsets.set(bucket, offset);
  }
  return offset;
}

function dayNumber(date: CalendarDate): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

/** Whole calendar days from `from` to `to` (0 when equal). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return new Date((dayNumber(date) + days) * 86_400_000).toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included. */
export function datesFrom(from: CalendarDate, to: CalendarDate): CalendarDate[] {
  const out: CalendarDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function weekdayOf(date: CalendarDate): Weekday {
  return WEEKDAYS[(new Date(dayNumber(date) * 86_400_000).getUTCDay() + 6) % 7];
}

/** Monday of the ISO week the date is in. */
export function weekStart(date: CalendarDate): CalendarDate {
  return addDays(date, -WEEKDAYS.indexOf(weekdayOf(date)));
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** A valid zone's own name whatever letters or alias it was typed in: `europe/berlin` and `Europe/Berlin` are one. */
export function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}
