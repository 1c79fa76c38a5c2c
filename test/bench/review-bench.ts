import { DateTime } from 'luxon';
import { renderPng } from '../../src/charts/render-png';
import { runLine } from '../../src/commands';
import { nexusReview } from '../../src/commands/nexus/review';

type Ctx = Parameters<typeof runLine>[1];
type Row = { what: string; p50: number; p95: number; n: number };
type Time = (what: string, fn: (i: number) => Promise<unknown>) => Promise<Row>;

/**
 * /nexus review on the large Nexus: Sprints of 14 days whose first finished yesterday (the Sprint reviewed), with a
 * `/forecast sprint` answer kept (so the kept forecasts and the completions they are judged on are read). The data
 * (execute: the Sprint's PBIs, the kept forecasts, the backlog forecast of the first 60 PBIs) apart from its chart.
 * The cadence is taken off again: the benchmarks after this one measure a Nexus without it.
 */
export async function measureReview(ctx: Ctx, time: Time): Promise<Row[]> {
  const first = DateTime.utc().setZone('Europe/Berlin').minus({ days: 14 }).toISODate();
  await runLine(`/nexus sprint ${first}`, ctx);
  await runLine('/forecast sprint', ctx);
  const nexus = (await ctx.store.nexuses.findByChannel(ctx.workspaceId, ctx.channelId))!;
  const reviewed = await nexusReview.execute({}, { ...ctx, nexus });
  if ('problem' in reviewed) throw new Error(`/nexus review gave no review: ${reviewed.problem}`);
  const chart = nexusReview.render(reviewed, { ...ctx, nexus }).chart;
  if (!chart) throw new Error('/nexus review gave no chart');
  try {
    return [
      await time('/nexus review (data)', () => nexusReview.execute({}, { ...ctx, nexus })),
      await time('/nexus review chart as PNG', () => renderPng(chart.spec)),
    ];
  } finally {
    await runLine('/nexus sprint off', ctx);
  }
}
