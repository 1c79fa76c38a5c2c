import { type FlowHistory, stagesEndingEachDay } from './flow-efficiency';
import { percentile } from './flow-metrics';

/** How long finished PBIs spent in one stage: the median and the 85th percentile of days, over those that entered it. */
export type StageTime = { stage: string; pbis: number; median: number | null; p85: number | null };

/**
 * Days of a finished PBI's cycle time by the stage it ended each day in, as flow efficiency counts them (FLOW.md): a
 * day is the stage's when the PBI ended it there, so the days add up to the cycle time and a stage passed through
 * within a day gets 0. Stages it entered before it started count 0 too.
 */
export function daysInStages(h: Pick<FlowHistory, 'startedAt' | 'finishedAt' | 'entries'>, zone: string) {
  const days = new Map<string, number>(h.entries.map((e) => [e.stage, 0]));
  for (const stage of stagesEndingEachDay(h, zone)) if (stage !== null) days.set(stage, (days.get(stage) ?? 0) + 1);
  return days;
}

/** Median and 85th percentile (nearest rank) of days spent in each of `stages`, by PBIs that entered it. */
export function stageTimes(
  histories: readonly Pick<FlowHistory, 'startedAt' | 'finishedAt' | 'entries'>[],
  stages: readonly string[],
  zone: string,
): StageTime[] {
  const spent = new Map<string, number[]>(stages.map((s) => [s, []]));
  for (const h of histories) for (const [stage, days] of daysInStages(h, zone)) spent.get(stage)?.push(days);
  return stages.map((stage) => {
    const days = spent.get(stage)!;
    return {
      stage,
      pbis: days.length,
      median: percentile(days, 0.5) ?? null,
      p85: percentile(days, 0.85) ?? null,
    };
  });
}
