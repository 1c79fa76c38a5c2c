import { nexusWip } from '../../domain/flow-metrics';
import { oldestFirst, type Pbi } from '../../domain/pbi';
import { isFinishedStage, sameName } from '../../domain/workflow';
import { type Block, bold, code, context, divider, escape, header, section } from '../../render/blocks';
import { pbiLine } from '../../render/pbi';
import { ephemeral } from '../../render/reply';
import { describeSle } from '../../render/sle';
import { defineCommand } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { noInput } from './no-input';

type Outcome = { view: FlowView; counts: ReadonlyMap<string, number>; recentlyFinished: Pbi[] };

/** Items listed under a stage before "…and N more": a board has to fit on one screen. */
const ITEMS_PER_STAGE = 8;
const FINISHED_PER_STAGE = 3;

export const flowBoard = defineCommand<Record<string, never>, Outcome>({
  path: ['flow', 'board'],
  usage: '/flow board',
  summary: 'stages with WIP against limits; items with their team squares ☐ ◐ ■',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  async execute(_input, ctx) {
    const { store, nexus } = ctx;
    const finishedStages = nexus.workflow.stages
      .filter((s) => isFinishedStage(nexus.workflow, s.name))
      .map((s) => s.name);
    const [view, counts, recentlyFinished] = await Promise.all([
      loadFlowView(ctx),
      store.pbis.countByStage(nexus.id),
      Promise.all(finishedStages.map((stage) => store.pbis.listInStages(nexus.id, [stage], FINISHED_PER_STAGE))),
    ]);
    return { view, counts, recentlyFinished: recentlyFinished.flat() };
  },
  render({ view, counts, recentlyFinished }) {
    const { nexus } = view;
    const blocks: Block[] = [header(`${nexus.name} · board`)];
    for (const stage of nexus.workflow.stages) {
      const finished = isFinishedStage(nexus.workflow, stage.name);
      const items = (finished ? recentlyFinished : view.open)
        .filter((p) => sameName(p.stage, stage.name))
        .sort(finished ? () => 0 : oldestFirst);
      const count = counts.get(stage.name) ?? 0;
      const limit =
        stage.wipLimit === null
          ? `${count}`
          : `${count}/${stage.wipLimit}${count > stage.wipLimit ? ' ⚠ over limit' : ''}`;
      const shown = items.slice(0, finished ? FINISHED_PER_STAGE : ITEMS_PER_STAGE);
      const lines = shown.map((p) => `• ${pbiLine(p, view.ageOf(p), finished ? [] : view.waitingOn(p))}`);
      if (count > shown.length) lines.push(`_…and ${count - shown.length} more${finished ? ' finished' : ''}_`);
      blocks.push(
        section(`${bold(code(stage.name))}  ${limit}${flowMark(view, stage.name)}\n${lines.join('\n') || '_empty_'}`),
      );
    }
    blocks.push(
      divider(),
      context(`WIP ${nexusWip(view.open)} · ${describeSle(view.sle)} · ☐ not started ◐ started ■ done`),
    );
    return ephemeral(`${escape(nexus.name)} board`, blocks);
  },
});

function flowMark({ nexus }: FlowView, stage: string): string {
  if (sameName(stage, nexus.workflow.startStage)) return '  _(flow starts)_';
  if (sameName(stage, nexus.workflow.finishStage)) return '  _(done: flow finishes)_';
  return '';
}
