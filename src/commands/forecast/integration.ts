import { addDays, type CalendarDate, localDate } from '../../domain/calendar';
import { windowEnding } from '../../domain/flow-metrics';
import { daysUntil, type ForecastDays } from '../../domain/forecast/sampling';
import type { NexusContext } from '../command';
import { startOfDay } from '../flow-view';

/** Days from the last team square done to the PBI finishing, for PBIs finished in the window. */
export async function integrationDays(ctx: NexusContext, day: CalendarDate, days: ForecastDays): Promise<number[]> {
  const { nexus } = ctx;
  const { from } = windowEnding(addDays(day, -1), nexus.sle.historyDays);
  const since = startOfDay(nexus, from);
  const touched = await ctx.store.pbis.listForFlow(nexus.id, since);
  // the PBIs integrated in the window (not every PBI touched since it began), in one order: the sample, not the order
  // the database happens to return rows in, seeds the answer
  return touched
    .flatMap((p) => {
      if (!p.finishedAt || p.finishedAt < since || !p.squares.length || p.squares.some((s) => !s.doneAt)) return [];
      const lastDone = p.squares.map((s) => s.doneAt!).reduce((a, b) => (b > a ? b : a));
      return [daysUntil(localDate(lastDone, nexus.timeZone), localDate(p.finishedAt, nexus.timeZone), days)];
    })
    .sort((a, b) => a - b);
}
