import { DateTime } from 'luxon';
import type { CalendarDate } from '../domain/calendar';

/** How replies say how many: "1 PBI", "2 PBIs", "1 day" — never "1 PBIs" or "1 days". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A date as replies show it: "Tue 1 Dec", with the year when it is not `today`'s. */
export function formatDate(date: CalendarDate, today?: CalendarDate): string {
  const d = DateTime.fromISO(date);
  return d.toFormat(today && date.slice(0, 4) !== today.slice(0, 4) ? 'ccc d LLL yyyy' : 'ccc d LLL');
}
