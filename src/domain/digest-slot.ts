import { DateTime } from 'luxon';
import { type CalendarDate, localDate, weekdayOf } from './calendar';
import type { Nexus } from './nexus';

/** After a restart, a digest missed by at most this long is still posted; older ones are skipped, never doubled. */
export const GRACE_HOURS = 3;

/**
 * The digest slot due at `now`: today's local date when today is a working day, the digest time has passed and the
 * grace window has not. The slot is a local date, so a daylight-saving change can neither shift it nor make two.
 */
export function dueSlot(nexus: Pick<Nexus, 'timeZone' | 'digest'>, now: DateTime): CalendarDate | null {
  if (!nexus.digest.enabled) return null;
  const date = localDate(now, nexus.timeZone);
  if (!nexus.digest.days.includes(weekdayOf(date))) return null;
  return isDueOn(date, nexus, now) ? date : null;
}

/** Whether `now` is in `date`'s window at the digest time: past it, by no more than GRACE_HOURS. */
export function isDueOn(date: CalendarDate, nexus: Pick<Nexus, 'timeZone' | 'digest'>, now: DateTime): boolean {
  const late = now.toMillis() - digestInstant(date, nexus).toMillis();
  return late >= 0 && late <= GRACE_HOURS * 3_600_000;
}

/** The digest time on `date` in the Nexus's zone; a time in a spring-forward gap moves to the first instant after it. */
export function digestInstant(date: CalendarDate, { digest, timeZone }: Pick<Nexus, 'timeZone' | 'digest'>): DateTime {
  return DateTime.fromISO(`${date}T${digest.time}`, { zone: timeZone });
}
