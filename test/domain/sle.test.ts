import { addDays } from '../../src/domain/calendar';
import { agingItems, agingStatus, cycleTimesInWindow, type Sle, serviceLevelExpectation } from '../../src/domain/sle';
import { finished, pbiFrom, ZONE } from './builders';

const setting = { percentile: 85, days: null, historyDays: 90 };

describe('service level expectation', () => {
  test('is the 85th percentile (nearest rank) of cycle times in the window', () => {
    const times = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    expect(serviceLevelExpectation(setting, times)).toEqual({
      kind: 'computed',
      percentile: 85,
      days: 17,
      sampleSize: 20,
      atRiskDays: 14,
    });
  });
  test('says "not enough history" with fewer than 10 finished items', () => {
    expect(serviceLevelExpectation(setting, [1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual({
      kind: 'not-enough-history',
      percentile: 85,
      sampleSize: 9,
    });
  });
  test('a SLE set by hand holds even without history', () => {
    expect(serviceLevelExpectation({ ...setting, days: 12 }, [])).toEqual({
      kind: 'set',
      percentile: 85,
      days: 12,
      sampleSize: 0,
      atRiskDays: null,
    });
  });
  test('uses only items finished in the window ending today', () => {
    const today = '2027-04-30';
    const pbis = [
      finished('OLD', '2027-01-01', '2027-01-20'),
      finished('IN', addDays(today, -10), addDays(today, -5)),
      finished('TODAY', today, today),
    ];
    expect(cycleTimesInWindow(pbis, today, ZONE, 90).sort()).toEqual([1, 6]);
  });
});

describe('aging', () => {
  const sle: Sle = { kind: 'computed', percentile: 85, days: 12, sampleSize: 30, atRiskDays: 8 };
  test.each([
    [8, 'on-track'],
    [9, 'at-risk'],
    [12, 'at-risk'],
    [13, 'aging'],
  ])('age %p is %p (SLE 12, 70th percentile 8)', (age, status) => {
    expect(agingStatus(age, sle)).toBe(status);
  });
  test('nothing is aging without an SLE', () => {
    expect(agingStatus(100, { kind: 'not-enough-history', percentile: 85, sampleSize: 0 })).toBe('on-track');
  });
  test('lists items in progress oldest first', () => {
    const pbis = [
      pbiFrom('A', '2027-01-01 08:00', [['2027-01-10 10:00', 'move', 'doing']]),
      pbiFrom('B', '2027-01-01 08:00', [['2027-01-02 10:00', 'move', 'doing']]),
      pbiFrom('C', '2027-01-01 08:00'),
    ];
    expect(agingItems(pbis, sle, '2027-01-15', ZONE).map((i) => [i.pbi.key, i.age, i.status])).toEqual([
      ['B', 14, 'aging'],
      ['A', 6, 'on-track'],
    ]);
  });
});
