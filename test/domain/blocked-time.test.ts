import {
  type BlockSpan,
  blockedDays,
  blockedInWindow,
  blockedPerWeek,
  blockSpans,
  groupReasons,
} from '../../src/domain/blocked-time';
import { at, ZONE } from './builders';

const span = (key: string, reason: string, from: string, until: string | null): BlockSpan => ({
  key,
  reason,
  from: at(from),
  until: until === null ? null : at(until),
});
const WINDOW = { from: '2026-12-01', to: '2026-12-10' };
const NOW = at('2026-12-10 12:00');

describe('blocked days: the calendar dates a PBI was blocked at any moment', () => {
  test.each([
    ['Tue 10:00 to Wed 09:00 is 2 days', [span('A', 'x', '2026-12-01 10:00', '2026-12-02 09:00')], undefined, 2],
    ['an hour on one day is 1 day', [span('A', 'x', '2026-12-04 09:00', '2026-12-04 10:00')], undefined, 1],
    [
      'two blocks on one day are that day once: 5 and 6 Dec',
      [span('A', 'x', '2026-12-05 09:00', '2026-12-05 10:00'), span('A', 'y', '2026-12-05 15:00', '2026-12-06 09:00')],
      undefined,
      2,
    ],
    [
      "a block across the window's start counts its days in the window: 28 Nov – 3 Dec is 1, 2, 3 Dec",
      [span('A', 'x', '2026-11-28 15:00', '2026-12-03 11:00')],
      WINDOW,
      3,
    ],
    ['the same block whole: 6 days', [span('A', 'x', '2026-11-28 15:00', '2026-12-03 11:00')], undefined, 6],
    ['a block still in force counts up to now: 8, 9, 10 Dec', [span('A', 'x', '2026-12-08 10:00', null)], WINDOW, 3],
    [
      "…and up to the window's end: 8, 9 Dec",
      [span('A', 'x', '2026-12-08 10:00', null)],
      { from: '2026-12-01', to: '2026-12-09' },
      2,
    ],
    [
      "Berlin's midnight, not UTC's: 23:30 to 00:30 is 2 days",
      [span('A', 'x', '2026-12-01 23:30', '2026-12-02 00:30')],
      undefined,
      2,
    ],
  ])('%s', (_, blocks, window, days) => {
    expect(blockedDays(blocks, NOW, ZONE, window)).toBe(days);
  });
});

describe('blocks from history', () => {
  test('a block while blocked keeps the first reason; an unblock while not blocked changes nothing', () => {
    const e = (type: 'pbi.blocked' | 'pbi.unblocked', when: string, reason: string | null = null) => ({
      key: 'A',
      type,
      at: at(when),
      reason,
    });
    expect(
      blockSpans([
        e('pbi.unblocked', '2026-12-01 08:00'),
        e('pbi.blocked', '2026-12-01 09:00', 'legal'),
        e('pbi.blocked', '2026-12-02 09:00', 'legal, still'),
        e('pbi.unblocked', '2026-12-03 09:00'),
        e('pbi.blocked', '2026-12-05 09:00', 'design'),
      ]),
    ).toEqual([
      span('A', 'legal', '2026-12-01 09:00', '2026-12-03 09:00'),
      span('A', 'design', '2026-12-05 09:00', null),
    ]);
  });
});

describe('blocked in a window', () => {
  const spans = [
    span('PBI-2', 'waiting for legal', '2026-11-28 15:00', '2026-12-03 11:00'), // 3 days in the window
    span('PBI-10', 'Legal review pending?', '2026-12-07 09:00', null), // 7, 8, 9, 10 Dec: 4 days
    span('PBI-3', 'design team', '2026-12-02 09:00', '2026-12-02 12:00'), // 1
    span('PBI-3', 'payments team', '2026-12-04 09:00', '2026-12-05 12:00'), // 2
    span('PBI-4', 'Payment team on leave', '2026-12-09 09:00', '2026-12-09 12:00'), // 1
    span('PBI-5', 'old', '2026-11-01 09:00', '2026-11-02 12:00'), // before the window
  ];

  test('PBIs by days blocked in the window, with their reasons there', () => {
    expect(blockedInWindow(spans, NOW, ZONE, WINDOW)).toEqual([
      { key: 'PBI-10', days: 4, reasons: ['Legal review pending?'], blockedNow: true },
      { key: 'PBI-2', days: 3, reasons: ['waiting for legal'], blockedNow: false },
      { key: 'PBI-3', days: 3, reasons: ['design team', 'payments team'], blockedNow: false },
      { key: 'PBI-4', days: 1, reasons: ['Payment team on leave'], blockedNow: false },
    ]);
  });

  test('reasons grouped by the words they share: legal together, payment(s) team together, design alone', () => {
    expect(groupReasons(spans, NOW, ZONE, WINDOW)).toEqual([
      { reason: 'Legal review pending?', count: 2, days: 7, keys: ['PBI-2', 'PBI-10'] },
      { reason: 'Payment team on leave', count: 2, days: 3, keys: ['PBI-3', 'PBI-4'] },
      { reason: 'design team', count: 1, days: 1, keys: ['PBI-3'] },
    ]);
  });

  test('per ISO week: blocked days summed over PBIs, and blocks begun that week', () => {
    // window Tue 1 – Thu 10 Dec: weeks of Mon 30 Nov and Mon 7 Dec
    expect(blockedPerWeek(spans, NOW, ZONE, WINDOW)).toEqual([
      { weekOf: '2026-11-30', blockedDays: 3 + 1 + 2, newlyBlocked: 2 },
      { weekOf: '2026-12-07', blockedDays: 4 + 1, newlyBlocked: 2 },
    ]);
  });
});
