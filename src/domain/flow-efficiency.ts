import { localDayNumber } from './calendar';
import { compareKeys, type StageEntry } from './pbi';
import { isFinishedStage, isWaitStage, type Workflow } from './workflow';

/**
 * A finished PBI as flow efficiency needs it: its start and finish, stage entries in order, and its blocks (`until`
 * null: never unblocked, so blocked to its finish). Instants are epoch milliseconds: a large Nexus has thousands of
 * these, read to be counted, not shown.
 */
export type FlowHistory = {
  key: string;
  title: string;
  startedAt: number;
  finishedAt: number;
  entries: readonly StageEntry<number>[];
  blocks: readonly { from: number; until: number | null }[];
};

/** A finished PBI's days: its cycle time split into active, waiting and blocked days. */
export type PbiEfficiency = {
  key: string;
  title: string;
  cycleTime: number;
  active: number;
  waiting: number;
  blocked: number;
  /** active ÷ cycle time */
  efficiency: number;
};

/** Days PBIs ended in a stage waiting (a wait stage, not blocked) or blocked. */
export type StageWait = { stage: string; waiting: number; blocked: number };

export type FlowEfficiency = {
  pbis: PbiEfficiency[];
  active: number;
  waiting: number;
  blocked: number;
  cycleTime: number;
  /** the sum of active days ÷ the sum of cycle times; null without finished PBIs */
  efficiency: number | null;
  /** stages where time waited, the most days first */
  stages: StageWait[];
};

/**
 * Flow efficiency (FLOW.md) of finished PBIs. Each day of a PBI's cycle time (start date to finish date) is blocked
 * when it was blocked at any moment of it, else waiting when the PBI ended the day in a wait stage, else active (the
 * finish day ends in the finished part, so it is never waiting, even where a stage there is marked a wait stage). A
 * PBI's efficiency is its active days ÷ its cycle time; the set's is the sum of active days ÷ the sum of cycle times.
 * PBIs come least efficient first.
 */
export function flowEfficiency(histories: readonly FlowHistory[], workflow: Workflow, zone: string): FlowEfficiency {
  const waits = new Map<string, boolean>();
  const isWait = (stage: string) => {
    // the finish day ends in the finished part: the PBI is done then, not waiting
    if (!waits.has(stage)) waits.set(stage, isWaitStage(workflow, stage) && !isFinishedStage(workflow, stage));
    return waits.get(stage)!;
  };
  const stages = new Map<string, StageWait>();
  const pbis = histories.map((h) => pbiEfficiency(h, isWait, zone, stages));
  const sum = (f: (p: PbiEfficiency) => number) => pbis.reduce((n, p) => n + f(p), 0);
  const cycleTime = sum((p) => p.cycleTime);
  const active = sum((p) => p.active);
  return {
    pbis: pbis.sort((a, b) => a.efficiency - b.efficiency || compareKeys(a.key, b.key)),
    active,
    waiting: sum((p) => p.waiting),
    blocked: sum((p) => p.blocked),
    cycleTime,
    efficiency: cycleTime ? active / cycleTime : null,
    stages: [...stages.values()].sort(
      (a, b) => b.waiting + b.blocked - (a.waiting + a.blocked) || a.stage.localeCompare(b.stage),
    ),
  };
}

/**
 * One PBI's days, adding its waiting and blocked days to `stages` by the stage it ended each day in. Days are counted
 * as day numbers (localDayNumber): the same calendar dates as localDate, without a string for each.
 */
function pbiEfficiency(
  h: FlowHistory,
  isWait: (stage: string) => boolean,
  zone: string,
  stages: Map<string, StageWait>,
): PbiEfficiency {
  const day = (ms: number) => localDayNumber(ms, zone);
  const start = day(h.startedAt);
  const finish = day(h.finishedAt);
  const cycleTime = finish - start + 1;
  // blocked at any moment of a day makes it a blocked day; only the days of its cycle time count
  const blocked = new Uint8Array(cycleTime);
  for (const b of h.blocks)
    for (let d = Math.max(day(b.from), start); d <= Math.min(day(b.until ?? h.finishedAt), finish); d++)
      blocked[d - start] = 1;
  const days = { active: 0, waiting: 0, blocked: 0 };
  const ended = stagesEndingEachDay(h, zone);
  for (let i = 0; i < cycleTime; i++) {
    const stage = ended[i];
    const kind = blocked[i] ? 'blocked' : stage !== null && isWait(stage) ? 'waiting' : 'active';
    days[kind]++;
    if (kind !== 'active' && stage !== null) {
      const wait = stages.get(stage) ?? { stage, waiting: 0, blocked: 0 };
      wait[kind]++;
      stages.set(stage, wait);
    }
  }
  return { key: h.key, title: h.title, cycleTime, ...days, efficiency: days.active / cycleTime };
}

/**
 * The stage a PBI ended each day of its cycle time in (index 0: its start date), the last one entered on or before that
 * day; null before its first entry. Flow efficiency and time in stage both count days by it.
 */
export function stagesEndingEachDay(
  h: Pick<FlowHistory, 'startedAt' | 'finishedAt' | 'entries'>,
  zone: string,
): (string | null)[] {
  const day = (ms: number) => localDayNumber(ms, zone);
  const start = day(h.startedAt);
  const ended: (string | null)[] = [];
  let next = 0;
  let stage: string | null = null;
  for (let d = start; d <= day(h.finishedAt); d++) {
    while (next < h.entries.length && day(h.entries[next].at) <= d) stage = h.entries[next++].stage;
    ended.push(stage);
  }
  return ended;
}
