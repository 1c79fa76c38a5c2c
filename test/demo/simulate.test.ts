import { DateTime } from 'luxon';
import { DEMO_WORKFLOW, demoSpec } from '../../src/demo/load-demo';
import { simulateNexus } from '../../src/demo/simulate';
import { localDate } from '../../src/domain/calendar';
import type { PbiEvent } from '../../src/domain/events';
import { stageLoads } from '../../src/domain/flow-metrics';
import { isFinished, type Pbi, replay } from '../../src/domain/pbi';
import { agingItems, cycleTimesInWindow, serviceLevelExpectation } from '../../src/domain/sle';

/** The demo's PBIs as its events make them. */
function pbisOf(events: readonly PbiEvent[]): Pbi[] {
  const byKey = new Map<string, PbiEvent[]>();
  for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  return [...byKey.values()].map((history) => replay(history, DEMO_WORKFLOW)!);
}

describe('the demo simulation', () => {
  // the demo exists to show the nudges: whatever day it is loaded, a stage is over its WIP limit and an item is aging
  // seven consecutive days, each at another hour (01:00 to 19:00): neither the weekday nor the time may matter
  const ends = Array.from({ length: 7 }, (_, i) =>
    DateTime.fromISO('2026-11-30T01:00:00', { zone: 'Europe/Berlin' }).plus({ days: i, hours: 3 * i }),
  );
  test.each(ends.map((end) => [end.toFormat('ccc d LLL HH:mm'), end] as const))(
    'ending on %s: in-progress is over its WIP limit and an item is past the SLE',
    (_, end) => {
      const spec = demoSpec(end);
      const pbis = pbisOf(simulateNexus(spec));
      const today = localDate(end, spec.zone);
      const open = pbis.filter((p) => !isFinished(p) && !p.discardedAt);
      const inProgress = stageLoads(open, DEMO_WORKFLOW).find((l) => l.stage === 'in-progress')!;
      expect({ count: inProgress.count, overLimit: inProgress.overLimit }).toEqual({
        count: expect.any(Number),
        overLimit: true,
      });
      const sle = serviceLevelExpectation(
        { percentile: 85, days: null, historyDays: 90 },
        cycleTimesInWindow(pbis, today, spec.zone, 90),
      );
      expect(agingItems(open, sle, today, spec.zone).filter((a) => a.status === 'aging').length).toBeGreaterThan(0);
    },
  );

  test('every end plays the same story: the same events in the same order, only the dates move', () => {
    const story = (end: DateTime) => simulateNexus(demoSpec(end)).map(({ at: _at, ...rest }) => rest);
    const first = story(ends[0]);
    for (const end of ends.slice(1)) expect(story(end)).toEqual(first);
  });

  test('the same end gives the same history', () => {
    const end = ends[0];
    expect(simulateNexus(demoSpec(end))).toEqual(simulateNexus(demoSpec(end)));
  });
});
