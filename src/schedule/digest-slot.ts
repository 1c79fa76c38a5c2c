import { DateTime } from 'luxon';
import { type CalendarDate, localDate, weekdayOf } from '../domain/calendar';
import type { Nexus } from '../domain/nexus';

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
  // a time that falls in a spring-forward gap moves to the first valid instant after it
  const due = DateTime.fromISO(`${date}T${nexus.digest.time}`, { zone: nexus.timeZone });
  const late = now.toMillis() - due.toMillis();
  return late >= 0 && late <= GRACE_HOURS * 3_600_000 ? date : null;
}
