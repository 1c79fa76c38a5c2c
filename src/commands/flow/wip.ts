import { classLoads, nexusWip, stageLoads, teamLoads } from '../../domain/flow-metrics';
import { inProgressStages } from '../../domain/workflow';
import { bold, code, context, escape, header, section } from '../../render/blocks';
import { ephemeral } from '../../render/reply';
import { defineCommand } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { noInput } from './no-input';

export const flowWip = defineCommand<Record<string, never>, FlowView>({
  path: ['flow', 'wip'],
  usage: '/flow wip',
  summary: 'WIP per stage and per team against limits',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  execute: (_input, ctx) => loadFlowView(ctx),
  render(view) {
    const { nexus } = view;
    const { open } = view;
    const wipStages = new Set(inProgressStages(nexus.workflow).map((s) => s.name));
    const stages = stageLoads(open, nexus.workflow)
      .filter((l) => wipStages.has(l.stage) || l.wipLimit !== null)
      .map(
        (l) =>
          `${code(l.stage)}  ${l.count}${l.wipLimit === null ? '' : `/${l.wipLimit}`}${l.overLimit ? '  ⚠ over limit' : ''}${l.expedite ? `  (+${l.expedite} ⚡ expedite, not counted)` : ''}`,
      );
    const classes = classLoads(open, nexus.classes).map(
      (l) => `${code(l.serviceClass)}  ${l.count}/${l.wipLimit}${l.overLimit ? '  ⚠ over limit' : ''}`,
    );
    const teams = teamLoads(open, nexus.teams).map(
      (t) => `${bold(escape(t.team))}  ◐ ${t.started} started · ☐ ${t.waiting} waiting to start`,
    );
    const wip = nexusWip(open);
    return ephemeral(`${escape(nexus.name)}: WIP ${wip}`, [
      header(`${nexus.name} · WIP ${wip}`),
      section(`${bold('Stages')}\n${stages.join('\n') || '_no stage in progress_'}`),
      ...(classes.length ? [section(`${bold('Classes of service')} (PBIs in progress)\n${classes.join('\n')}`)] : []),
      section(`${bold('Teams')} (squares on open PBIs)\n${teams.join('\n') || '_no teams yet_'}`),
      context("WIP: PBIs started and not finished. A team's WIP: its squares started and not done."),
    ]);
  },
});
