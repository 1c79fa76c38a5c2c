import { DateTime, IANAZone } from 'luxon';

/** A calendar date in the Nexus's time zone, ISO `YYYY-MM-DD`. Flow metrics count these, never UTC instants. */
export type CalendarDate = string;

/**
 * Zone offsets change only at transitions on quarter-hour boundaries, so one lookup serves each quarter hour; and at
 * most once a day, so a UTC day whose first and last moments have one offset has it throughout, and one lookup serves
 * the day (a first answer over thousands of PBIs' instants asked luxon for each quarter hour of them).
 */
const QUARTER_HOUR_MS = 900_000;
const DAY_MS = 86_400_000;
/** Per zone: offsets by UTC day (null: it changes that day) and, for those days, by quarter hour. */
const offsetsByZone = new Map<string, { days: Map<number, number | null>; quarters: Map<number, number> }>();
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

/** The zone's offset from UTC in minutes at an instant, looked up once per day, or per quarter hour on a day it changes. */
function offsetAt(ms: number, zone: string): number {
  let offsets = offsetsByZone.get(zone);
  if (!offsets) offsetsByZone.set(zone, (offsets = { days: new Map(), quarters: new Map() }));
  const day = Math.floor(ms / DAY_MS);
  let daily = offsets.days.get(day);
  if (daily === undefined) {
    const first = DateTime.fromMillis(day * DAY_MS, { zone }).offset;
    daily = first === DateTime.fromMillis((day + 1) * DAY_MS - 1, { zone }).offset ? first : null;
    if (offsets.days.size > OFFSETS_KEPT) offsets.days.clear();
    offsets.days.set(day, daily);
  }
  if (daily !== null) return daily;
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  let offset = offsets.quarters.get(bucket);
  if (offset === undefined) {
    offset = DateTime.fromMillis(ms, { zone }).offset;
    if (offsets.quarters.size > OFFSETS_KEPT) offsets.quarters.clear();
    offsets.quarters.set(bucket, offset);
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
