import type { DateTime } from 'luxon';
import { type CalendarDate, localDate } from './calendar';
import { digestInstant, GRACE_HOURS, isDueOn } from './digest-slot';
import { type Nexus, type SprintReport, sprintReportsOn } from './nexus';
import { lastWorkingDay, type Sprint, sprintsOn } from './sprint';

type Scheduled = Pick<Nexus, 'timeZone' | 'digest' | 'forecast' | 'sprintReports'>;

/**
 * The Sprint reports due at `now`, in the order they are posted: those turned on, when today (in the Nexus's zone) is
 * the last working day of this Sprint, the digest time has passed and the grace window has not. As the digest's, the
 * slot is a local date: a daylight-saving change neither shifts it nor makes two. The digest's days are the working
 * days, whether or not the digest itself is on.
 */
export function dueSprintReports(nexus: Scheduled, now: DateTime): SprintReport[] {
  const reports = sprintReportsOn(nexus);
  const today = localDate(now, nexus.timeZone);
  const { current } = sprintsOn(nexus.forecast, today);
  if (!reports.length || !current || lastWorkingDay(current, nexus.digest.days) !== today) return [];
  return isDueOn(today, nexus, now) ? reports : [];
}

/**
 * The day the Sprint reports are next posted: this Sprint's last working day while its slot has not closed (today's,
 * until the grace window after the digest time ends), else the next Sprint's; null when none posts by itself or there
 * is no cadence.
 */
export function nextSprintReportsDay(nexus: Scheduled, now: DateTime): CalendarDate | null {
  if (!sprintReportsOn(nexus).length || nexus.forecast.sprintStart === null) return null;
  const { current, next } = sprintsOn(nexus.forecast, localDate(now, nexus.timeZone));
  const closes = (sprint: Sprint) =>
    digestInstant(lastWorkingDay(sprint, nexus.digest.days), nexus).plus({ hours: GRACE_HOURS });
  const sprint = current && now <= closes(current) ? current : next;
  return lastWorkingDay(sprint, nexus.digest.days);
}
