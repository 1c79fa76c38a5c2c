import { localDate, type CalendarDate } from './calendar';
import type { PbiEvent } from './events';

export type StageCount = { date: CalendarDate; stage: string; count: number };
type Known = { stage: string; counted: boolean };

/**
 * A cumulative flow diagram's data: how many PBIs were in each stage at the end of each day, found by walking the
 * history backwards from today's counts (so only the window's events are needed). Discarded PBIs count nowhere.
 * `now` holds today's count per stage; `current` the stage and discard state of every PBI the events touch.
 */
export function cumulativeFlow(
  now: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, { stage: string; discarded: boolean }>,
  eventsOldestFirst: readonly PbiEvent[],
  days: readonly CalendarDate[],
  stages: readonly string[],
  zone: string,
): StageCount[] {
  const counts = new Map(stages.map((s) => [s, now.get(s) ?? 0]));
  const known = new Map<string, Known>([...current].map(([key, p]) => [key, { stage: p.stage, counted: !p.discarded }]));
  const shift = (stage: string, by: number) => counts.set(stage, (counts.get(stage) ?? 0) + by);
  const out: StageCount[] = [];
  let next = eventsOldestFirst.length - 1;
  for (const day of [...days].sort().reverse()) {
    for (; next >= 0 && localDate(eventsOldestFirst[next].at, zone) > day; next--) undo(eventsOldestFirst[next]);
    for (const stage of stages) out.push({ date: day, stage, count: counts.get(stage) ?? 0 });
  }
  return out.reverse();

  function undo(event: PbiEvent): void {
    const pbi = known.get(event.key);
    if (!pbi) return;
    if (event.type === 'pbi.moved') {
      if (pbi.counted) shift(event.to, -1), shift(event.from, +1);
      pbi.stage = event.from;
    } else if (event.type === 'pbi.added') {
      if (pbi.counted) shift(event.stage, -1);
      pbi.counted = false;
    } else if (event.type === 'pbi.discarded') {
      pbi.counted = true;
      shift(pbi.stage, +1);
    }
  }
}
