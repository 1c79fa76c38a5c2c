import type { DateTime } from 'luxon';
import { type CalendarDate, localDate } from './calendar';

export type StageCount = { date: CalendarDate; stage: string; count: number };
/** The part of a PBI's history a cumulative flow diagram reads: entering the workflow, moving, being discarded. */
export type StageChange = { key: string; at: DateTime } & (
  | { kind: 'added'; stage: string }
  | { kind: 'moved'; from: string; to: string }
  | { kind: 'discarded' }
);
type Known = { stage: string; counted: boolean };

/**
 * A cumulative flow diagram's data: how many PBIs were in each stage at the end of each day, found by walking the
 * history backwards from today's counts (so only the window's events are needed). Discarded PBIs count nowhere.
 * `now` holds today's count per stage; `current` the stage and discard state of every PBI the changes touch.
 */
export function cumulativeFlow(
  now: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, { stage: string; discarded: boolean }>,
  changesOldestFirst: readonly StageChange[],
  days: readonly CalendarDate[],
  stages: readonly string[],
  zone: string,
): StageCount[] {
  const counts = new Map(stages.map((s) => [s, now.get(s) ?? 0]));
  const known = new Map<string, Known>(
    [...current].map(([key, p]) => [key, { stage: p.stage, counted: !p.discarded }]),
  );
  const shift = (stage: string, by: number) => counts.set(stage, (counts.get(stage) ?? 0) + by);
  const out: StageCount[] = [];
  let next = changesOldestFirst.length - 1;
  for (const day of [...days].sort().reverse()) {
    for (; next >= 0 && localDate(changesOldestFirst[next].at, zone) > day; next--) undo(changesOldestFirst[next]);
    for (const stage of stages) out.push({ date: day, stage, count: counts.get(stage) ?? 0 });
  }
  return out.reverse();

  function undo(change: StageChange): void {
    const pbi = known.get(change.key);
    if (!pbi) return;
    if (change.kind === 'moved') {
      if (pbi.counted) shift(change.to, -1), shift(change.from, +1);
      pbi.stage = change.from;
    } else if (change.kind === 'added') {
      if (pbi.counted) shift(change.stage, -1);
      pbi.counted = false;
    } else {
      pbi.counted = true;
      shift(pbi.stage, +1);
    }
  }
}

/**
 * A young Nexus's diagram starts the day before its first PBI (showing the rise from nothing) instead of with weeks
 * of empty days: leading days where every stage is empty are dropped but the last of them. With no PBI at all, only
 * the last day is left. `counts` is oldest first, as cumulativeFlow returns it.
 */
export function fromFirstPbi(counts: readonly StageCount[]): StageCount[] {
  const firstFilled = counts.find((c) => c.count > 0)?.date;
  const days = [...new Set(counts.map((c) => c.date))];
  const start = firstFilled === undefined ? days[days.length - 1] : days[Math.max(0, days.indexOf(firstFilled) - 1)];
  return counts.filter((c) => c.date >= start);
}
