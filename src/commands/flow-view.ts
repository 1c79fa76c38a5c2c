import { DateTime } from 'luxon';
import { addDays, localDate, type CalendarDate } from '../domain/calendar';
import { workItemAge } from '../domain/flow-metrics';
import type { Nexus } from '../domain/nexus';
import type { Pbi } from '../domain/pbi';
import { agingStatus, cycleTimesInWindow, serviceLevelExpectation, type AgingStatus, type Sle } from '../domain/sle';
import type { NexusContext } from './command';

/** The reports look back at most this far besides the SLE window (throughput shows 30 days). */
const REPORT_DAYS = 30;

/** What every flow report starts from: today's date in the Nexus's zone, its PBIs, and the SLE in force. */
export type FlowView = {
  nexus: Nexus;
  today: CalendarDate;
  pbis: Pbi[];
  sle: Sle;
  ageOf(pbi: Pbi): { age: number; status: AgingStatus } | null;
};

export async function loadFlowView(ctx: NexusContext): Promise<FlowView> {
  const { nexus } = ctx;
  const today = localDate(ctx.now(), nexus.timeZone);
  const since = DateTime.fromISO(addDays(today, -Math.max(nexus.sle.historyDays, REPORT_DAYS)), { zone: nexus.timeZone });
  const pbis = await ctx.store.pbis.listForFlow(nexus.id, since);
  return flowView(nexus, today, pbis);
}

export function flowView(nexus: Nexus, today: CalendarDate, pbis: Pbi[]): FlowView {
  const sle = serviceLevelExpectation(nexus.sle, cycleTimesInWindow(pbis, today, nexus.timeZone, nexus.sle.historyDays));
  return {
    nexus,
    today,
    pbis,
    sle,
    ageOf(pbi) {
      const age = workItemAge(pbi, today, nexus.timeZone);
      return age === null ? null : { age, status: agingStatus(age, sle) };
    },
  };
}

export function describeSle(sle: Sle): string {
  if (sle.kind === 'not-enough-history') {
    return `SLE: not enough history (${sle.sampleSize} finished in the window; ${10} needed, or set one with \`/nexus sle ${sle.percentile} <days>\`)`;
  }
  const how = sle.kind === 'set' ? 'set by the Nexus' : `computed from ${sle.sampleSize} finished PBIs`;
  return `SLE: ${sle.percentile}% of PBIs finish within ${sle.days} days (${how})`;
}
