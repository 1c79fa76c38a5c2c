import { DateTime } from 'luxon';
import { addDays, type CalendarDate, localDate } from '../domain/calendar';
import { openKeys, waitingOn } from '../domain/dependencies';
import { workItemAge } from '../domain/flow-metrics';
import type { Nexus } from '../domain/nexus';
import type { FlowDates, Pbi } from '../domain/pbi';
import {
  type AgingStatus,
  agingStatus,
  cycleTimesInWindow,
  type Sle,
  serviceLevelExpectation,
  slesByClass,
} from '../domain/sle';
import type { NexusContext } from './command';

/** What the flow reports start from: today in the Nexus's zone, its open PBIs, what finished lately, the SLE. */
export type FlowView = {
  nexus: Nexus;
  today: CalendarDate;
  /** PBIs not finished and not discarded */
  open: readonly Pbi[];
  /** start and finish of PBIs finished in the SLE's history window */
  finished: readonly FlowDates[];
  /** the Nexus's SLE */
  sle: Sle;
  /** the SLE a PBI ages against: its class's own, if it has one, else the Nexus's */
  sleOf(pbi: Pbi): Sle;
  ageOf(pbi: Pbi): { age: number; status: AgingStatus } | null;
  /** its dependencies not integrated yet (dependencies.ts) */
  waitingOn(pbi: Pbi): string[];
};

export function today(ctx: NexusContext): CalendarDate {
  return localDate(ctx.now(), ctx.nexus.timeZone);
}

/** The instant the calendar date `date` begins in the Nexus's zone. */
export function startOfDay(nexus: Nexus, date: CalendarDate): DateTime {
  return DateTime.fromISO(date, { zone: nexus.timeZone });
}

export async function loadFlowView(ctx: NexusContext): Promise<FlowView> {
  const { nexus, store } = ctx;
  const day = today(ctx);
  const since = startOfDay(nexus, addDays(day, -nexus.sle.historyDays));
  const [open, finished] = await Promise.all([
    store.pbis.listOpen(nexus.id),
    store.pbis.finishedSince(nexus.id, since),
  ]);
  return flowView(nexus, day, open, finished);
}

/** SLEs by the finished list they came from: the store hands out the same list until a PBI changes. */
const sles = new WeakMap<readonly FlowDates[], Map<string, Sle>>();

function sleOf(nexus: Nexus, today: CalendarDate, finished: readonly FlowDates[]): Sle {
  const known = sles.get(finished) ?? new Map<string, Sle>();
  sles.set(finished, known);
  const question = [today, nexus.timeZone, nexus.sle.percentile, nexus.sle.days, nexus.sle.historyDays].join('|');
  if (!known.has(question)) {
    known.set(
      question,
      serviceLevelExpectation(nexus.sle, cycleTimesInWindow(finished, today, nexus.timeZone, nexus.sle.historyDays)),
    );
  }
  return known.get(question)!;
}

export function flowView(
  nexus: Nexus,
  today: CalendarDate,
  open: readonly Pbi[],
  finished: readonly FlowDates[],
): FlowView {
  const sle = sleOf(nexus, today, finished);
  const sleOfPbi = slesByClass(sle, nexus.classes);
  const ages = new Map<Pbi, { age: number; status: AgingStatus } | null>();
  let keys: ReadonlySet<string> | null = null;
  return {
    nexus,
    today,
    open,
    finished,
    sle,
    sleOf: sleOfPbi,
    ageOf(pbi) {
      if (!ages.has(pbi)) {
        const age = workItemAge(pbi, today, nexus.timeZone);
        ages.set(pbi, age === null ? null : { age, status: agingStatus(age, sleOfPbi(pbi)) });
      }
      return ages.get(pbi)!;
    },
    waitingOn(pbi) {
      if (!pbi.dependsOn.length) return [];
      keys ??= openKeys(open);
      return waitingOn(pbi, keys);
    },
  };
}
