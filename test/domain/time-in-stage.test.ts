import { daysInStages, stageTimes } from '../../src/domain/time-in-stage';
import { at as local, ZONE } from './builders';

const at = (when: string) => local(when).toMillis();

/**
 * Added in ready on 30 Nov, started Tue 1 Dec, finished Wed 9 Dec (9 days). It ends 1, 2 Dec in doing, 3, 4 Dec in
 * review, 5–8 Dec back in doing and 9 Dec in done: doing 6, review 2, done 1, ready 0 (left before it started).
 */
const long = {
  startedAt: at('2026-12-01 09:00'),
  finishedAt: at('2026-12-09 17:00'),
  entries: [
    { stage: 'ready', at: at('2026-11-30 08:00') },
    { stage: 'doing', at: at('2026-12-01 09:00') },
    { stage: 'review', at: at('2026-12-03 16:00') },
    { stage: 'doing', at: at('2026-12-05 10:00') },
    { stage: 'done', at: at('2026-12-09 17:00') },
  ],
};
/** Started and finished on Thu 10 Dec, through review within the day: doing 0, review 0, done 1. */
const sameDay = {
  startedAt: at('2026-12-10 09:00'),
  finishedAt: at('2026-12-10 17:00'),
  entries: [
    { stage: 'doing', at: at('2026-12-10 09:00') },
    { stage: 'review', at: at('2026-12-10 12:00') },
    { stage: 'done', at: at('2026-12-10 17:00') },
  ],
};
/** Started 1 Dec, skipped review, finished 4 Dec: doing 3, done 1. */
const skipper = {
  startedAt: at('2026-12-01 10:00'),
  finishedAt: at('2026-12-04 10:00'),
  entries: [
    { stage: 'doing', at: at('2026-12-01 10:00') },
    { stage: 'done', at: at('2026-12-04 10:00') },
  ],
};

describe('days of a PBI in each stage: the stage it ended each day of its cycle time in', () => {
  test.each([
    ['moved back and forth', long, { ready: 0, doing: 6, review: 2, done: 1 }],
    ['through two stages within a day', sameDay, { doing: 0, review: 0, done: 1 }],
    ['a stage skipped', skipper, { doing: 3, done: 1 }],
  ])('%s', (_title, history, expected) => {
    expect(Object.fromEntries(daysInStages(history, ZONE))).toEqual(expected);
  });

  test('median and 85th percentile per stage, over the PBIs that entered it (nearest rank)', () => {
    expect(stageTimes([long, sameDay, skipper], ['doing', 'review', 'integrating'], ZONE)).toEqual([
      // doing: 0, 3, 6
      { stage: 'doing', pbis: 3, median: 3, p85: 6 },
      // review: 0, 2 (the skipper never entered it)
      { stage: 'review', pbis: 2, median: 0, p85: 2 },
      { stage: 'integrating', pbis: 0, median: null, p85: null },
    ]);
  });
});
