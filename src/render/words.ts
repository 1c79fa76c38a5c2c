import { DateTime } from 'luxon';
import type { CalendarDate } from '../domain/calendar';
import { code } from './blocks';

/** What the Nexus's zone decides, said wherever it is shown or changed: every day a report counts is a day in it. */
export const ZONE_MOVES = 'PBI ages and cycle times, throughput per day, the SLE, forecast dates and the digest';

/** How replies say how many: "1 PBI", "2 PBIs", "1 day" — never "1 PBIs" or "1 days". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${noun(n, one, many)}`;
}

/** The word alone, for lists that follow it: "line 4", "lines 4, 9". */
export function noun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/**
 * A date as replies show it: "Tue 1 Dec", with the year when it is not `today`'s ("Fri 1 Jan 2027"). `today` is
 * required: a date said without the year it needs (a forecast past New Year, a window reaching into last year) is a
 * date in the wrong year.
 */
export function formatDate(date: CalendarDate, today: CalendarDate): string {
  const d = DateTime.fromISO(date);
  return d.toFormat(date.slice(0, 4) !== today.slice(0, 4) ? 'ccc d LLL yyyy' : 'ccc d LLL');
}

/** "PBI-3", "PBI-3 and PBI-4", "PBI-3, PBI-4 and PBI-5". */
export function andList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * "in `refining`", but "in the `in-progress` stage": a stage whose name begins with "in" read "in in-progress".
 */
export function inStage(stage: string, shown: (name: string) => string = code): string {
  return /^in\b/i.test(stage) ? `in the ${shown(stage)} stage` : `in ${shown(stage)}`;
}
