import type { CalendarDate } from '../../domain/calendar';
import { type FlowEfficiency, flowEfficiency } from '../../domain/flow-efficiency';
import { windowEnding } from '../../domain/flow-metrics';
import { isFinishedStage, isStartedStage, type Stage, type Workflow } from '../../domain/workflow';
import { bold, code, context, escape, header, lineSections, section } from '../../render/blocks';
import { ephemeral } from '../../render/reply';
import { count, formatDate } from '../../render/words';
import { defineCommand } from '../command';
import { startOfDay, today } from '../flow-view';
import { noInput } from './no-input';

/** PBIs the reply lists by name, least efficient first; the stages where time waits most it names. */
const LISTED_PBIS = 10;
const LISTED_STAGES = 5;

type Outcome = { efficiency: FlowEfficiency; from: CalendarDate; today: CalendarDate; workflow: Workflow };

export const flowEfficiencyCommand = defineCommand<Record<string, never>, Outcome>({
  path: ['flow', 'efficiency'],
  usage: '/flow efficiency',
  summary:
    'flow efficiency of the PBIs finished in the SLE window: active days ÷ cycle time, overall and per PBI (least ' +
    'efficient first), with the stages where time waits most (wait stages: `/nexus stage wait`) and blocked days',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  async execute(_input, ctx) {
    const { nexus } = ctx;
    const day = today(ctx);
    const { from } = windowEnding(day, nexus.sle.historyDays);
    const histories = await ctx.store.pbis.flowHistoriesSince(nexus.id, startOfDay(nexus, from));
    return {
      efficiency: flowEfficiency(histories, nexus.workflow, nexus.timeZone),
      from,
      today: day,
      workflow: nexus.workflow,
    };
  },
  render({ efficiency: e, from, today: day, workflow }, { nexus }) {
    const when = `finished since ${formatDate(from, day)} (the last ${nexus.sle.historyDays} days)`;
    const title = `${nexus.name} · flow efficiency`;
    if (e.efficiency === null)
      return ephemeral(`${escape(title)}: no PBI ${when}`, [
        header(title),
        section(`_No PBI ${when}._`),
        waitNote(workflow),
      ]);
    const headline =
      `Flow efficiency ${bold(percent(e.efficiency))}: ${count(e.active, 'active day')} of ${count(e.cycleTime, 'day')} ` +
      `of cycle time (${e.waiting} waiting, ${e.blocked} blocked), ${count(e.pbis.length, 'PBI')} ${when}.`;
    const stages = e.stages
      .slice(0, LISTED_STAGES)
      .map((s) => `• ${code(s.stage)} ${count(s.waiting, 'day')} waiting, ${s.blocked} blocked`);
    const pbis = e.pbis
      .slice(0, LISTED_PBIS)
      .map(
        (p) =>
          `• ${bold(escape(p.key))} ${escape(p.title.slice(0, 80))} · ${percent(p.efficiency)}: ${p.active} active, ` +
          `${p.waiting} waiting, ${p.blocked} blocked of ${count(p.cycleTime, 'day')}`,
      );
    const more = e.pbis.length > LISTED_PBIS ? [`_…and ${e.pbis.length - LISTED_PBIS} more_`] : [];
    return ephemeral(`${escape(title)}: ${percent(e.efficiency)}`, [
      header(title),
      section(headline),
      section(`${bold('Where time waits most')}\n${stages.join('\n') || '_Nowhere: no day waiting or blocked._'}`),
      ...lineSections([bold('Least efficient'), ...pbis, ...more]),
      waitNote(workflow),
    ]);
  },
});

/** Which stages are wait stages, and those of them outside flow, whose days no cycle time holds. */
function waitNote(workflow: Workflow) {
  const waits = workflow.stages.filter((s) => s.wait);
  const how =
    'A day of a PBI in progress is blocked if it was blocked at any moment of it, waiting if it ended in a wait stage, ' +
    'else active.';
  if (!waits.length)
    return context(
      `${how} No wait stage is marked, so only blocked days count against it: mark queue stages with \`/nexus stage wait <stage> on\`.`,
    );
  const after = waits.filter((s) => isFinishedStage(workflow, s.name));
  const before = waits.filter((s) => !isStartedStage(workflow, s.name));
  const names = (stages: readonly Stage[]) => stages.map((s) => code(s.name)).join(', ');
  const note =
    (after.length ? ` ${names(after)}: where flow finishes or after, so no cycle time holds days there.` : '') +
    (before.length ? ` ${names(before)}: before flow starts, so only PBIs moved back there count.` : '');
  return context(`${how} Wait stages: ${waits.map((s) => code(s.name)).join(', ')}.${note}`);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
