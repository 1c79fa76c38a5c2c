import { DateTime } from 'luxon';
import type { Weekday } from '../../src/domain/calendar';
import { dueSprintReports, nextSprintReportsDay } from '../../src/domain/report-slot';

const ZONE = 'Europe/Berlin';
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const EVERY_DAY: Weekday[] = [...WEEKDAYS, 'sat', 'sun'];

type Setting = { start: string | null; time: string; days: Weekday[]; review?: boolean; retro?: boolean };
const nexus = ({ start, time, days, review = true, retro = true }: Setting) => ({
  timeZone: ZONE,
  // the digest itself off: the Sprint reports keep its time and days
  digest: { time, days, enabled: false },
  forecast: { days: 'calendar' as const, sprintDays: 14, sprintStart: start },
  sprintReports: { review, retro },
});
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

// Sprints of 14 days from Mon 16 Mar 2026: Sprint 1 ends Sun 29 Mar, the night Berlin springs forward (02:00 → 03:00)
const SPRING = { start: '2026-03-16', time: '02:30', days: EVERY_DAY };
// from Mon 12 Oct 2026: Sprint 1 ends Sun 25 Oct, the night Berlin falls back (03:00 → 02:00, 02:30 twice)
const AUTUMN = { start: '2026-10-12', time: '02:30', days: EVERY_DAY };
// working days Monday to Friday at 09:30: Sprint 1 (16–29 Mar) ends on a Sunday, its last working day is Fri 27 Mar
const WORKWEEK = { start: '2026-03-16', time: '09:30', days: WEEKDAYS };

describe('the Sprint reports due at an instant', () => {
  test.each<[string, Setting, string, string[]]>([
    // 02:30 does not exist on 29 Mar: it is 03:30 CEST, 01:30 UTC
    ['a minute before the time moved out of the spring gap', SPRING, '2026-03-29T01:29Z', []],
    ['at the time moved out of the spring gap', SPRING, '2026-03-29T01:30Z', ['review', 'retro']],
    ['3 hours late: the end of the grace window', SPRING, '2026-03-29T04:30Z', ['review', 'retro']],
    ['past the grace window', SPRING, '2026-03-29T04:31Z', []],
    ['the day before the last day, at its time', SPRING, '2026-03-28T01:30Z', []],
    ['the first day of the next Sprint', SPRING, '2026-03-30T00:30Z', []],
    // Sprint 2 (30 Mar – 12 Apr) ends in summer time: 02:30 CEST is 00:30 UTC
    ['the next Sprint’s last day, in summer time', SPRING, '2026-04-12T00:30Z', ['review', 'retro']],
    // 02:30 happens twice on 25 Oct: first at 00:30 UTC (CEST), again at 01:30 UTC (CET); luxon takes the second
    ['the first 02:30 of the night the clocks fall back', AUTUMN, '2026-10-25T00:30Z', []],
    ['the second 02:30', AUTUMN, '2026-10-25T01:30Z', ['review', 'retro']],
    ['the grace window ends 3 hours after the second 02:30', AUTUMN, '2026-10-25T04:31Z', []],
    [
      'a Sprint ending on a Sunday: its Friday, the last working day',
      WORKWEEK,
      '2026-03-27T08:30Z',
      ['review', 'retro'],
    ],
    ['…and not its Sunday', WORKWEEK, '2026-03-29T07:30Z', []],
    ['only the review turned on', { ...WORKWEEK, retro: false }, '2026-03-27T09:00Z', ['review']],
    ['only the retrospective turned on', { ...WORKWEEK, review: false }, '2026-03-27T09:00Z', ['retro']],
    ['both off', { ...WORKWEEK, review: false, retro: false }, '2026-03-27T09:00Z', []],
    ['no Sprint cadence', { ...WORKWEEK, start: null }, '2026-03-27T09:00Z', []],
  ])('%s', (_what, setting, at, due) => {
    expect(dueSprintReports(nexus(setting), utc(at))).toEqual(due);
  });
});

describe('the day the Sprint reports are next posted', () => {
  // Sprints of 14 days from Mon 7 Dec 2026: Sprint 1 ends Sun 20 Dec, its last working day is Fri 18 Dec (09:30 CET)
  const DECEMBER = { start: '2026-12-07', time: '09:30', days: WEEKDAYS };
  test.each<[string, Setting, string, string | null]>([
    ['early in the Sprint: its last working day', DECEMBER, '2026-12-08T12:00Z', '2026-12-18'],
    ['before the cadence begins: the first Sprint’s', DECEMBER, '2026-11-20T12:00Z', '2026-12-18'],
    ['on the day, before the time', DECEMBER, '2026-12-18T08:00Z', '2026-12-18'],
    ['on the day, within the grace window', DECEMBER, '2026-12-18T11:30Z', '2026-12-18'],
    // Sprint 2: 21 Dec – 3 Jan, ending on a Sunday: Fri 1 Jan
    ['on the day, after the grace window: the next Sprint’s', DECEMBER, '2026-12-18T11:31Z', '2027-01-01'],
    ['on the Sprint’s weekend: the next Sprint’s', DECEMBER, '2026-12-19T12:00Z', '2027-01-01'],
    ['none turned on', { ...DECEMBER, review: false, retro: false }, '2026-12-08T12:00Z', null],
    ['no Sprint cadence', { ...DECEMBER, start: null }, '2026-12-08T12:00Z', null],
  ])('%s', (_what, setting, at, day) => {
    expect(nextSprintReportsDay(nexus(setting), utc(at))).toBe(day);
  });
});
