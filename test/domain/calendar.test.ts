import { DateTime } from 'luxon';
import { localDate, localDayNumber } from '../../src/domain/calendar';

describe("an instant's calendar date in the Nexus's zone", () => {
  // days of DST changes (spring and autumn), a half-hour change (Lord Howe) and a change at local midnight (Santiago)
  const cases: [string, string][] = [
    ['Europe/Berlin', '2026-03-28T12:00:00Z'],
    ['Europe/Berlin', '2026-10-24T12:00:00Z'],
    ['America/Los_Angeles', '2026-03-07T12:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T00:00:00Z'],
    ['America/Santiago', '2026-04-04T00:00:00Z'],
    ['America/Santiago', '2026-09-05T00:00:00Z'],
  ];
  test.each(cases)('%s from %s, every 7.5 minutes for two days, as luxon tells it', (zone, from) => {
    const start = Date.parse(from);
    for (let ms = start; ms < start + 2 * 86_400_000; ms += 450_000) {
      const expected = DateTime.fromMillis(ms, { zone }).toISODate()!;
      expect([zone, ms, localDate(DateTime.fromMillis(ms), zone)]).toEqual([zone, ms, expected]);
      expect(localDayNumber(ms, zone)).toBe(Date.parse(expected) / 86_400_000);
    }
  });
});
