import { classLoads, nexusWip } from '../../domain/flow-metrics';
import { oldestFirst, type Pbi } from '../../domain/pbi';
import { isExpedite } from '../../domain/service-class';
import { isFinishedStage, sameName } from '../../domain/workflow';
import { type Block, bold, code, context, divider, escape, header, section } from '../../render/blocks';
import { pbiLine } from '../../render/pbi';
import { ephemeral } from '../../render/reply';
import { describeSle } from '../../render/sle';
import { inStage } from '../../render/words';
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
    const { nexus, today } = view;
    const blocks: Block[] = [header(`${nexus.name} · board`)];
    // expedite work is shown apart, in a lane of its own: it does not count against the stages' WIP limits
    const expedite = view.open.filter(isExpedite).sort(oldestFirst);
    const lane = expediteLane(view, expedite);
    if (lane) blocks.push(lane);
    for (const stage of nexus.workflow.stages) {
      const finished = isFinishedStage(nexus.workflow, stage.name);
      const here = (p: Pbi) => sameName(p.stage, stage.name);
      const items = finished
        ? recentlyFinished.filter(here)
        : view.open.filter((p) => here(p) && !isExpedite(p)).sort(oldestFirst);
      const apart = finished ? 0 : expedite.filter(here).length;
      const count = (counts.get(stage.name) ?? 0) - apart;
      const limit =
        stage.wipLimit === null
          ? `${count}`
          : `${count}/${stage.wipLimit}${count > stage.wipLimit ? ' ⚠ over limit' : ''}`;
      const besides = apart ? ` (+${apart} ⚡ expedite, not counted)` : '';
      const shown = items.slice(0, finished ? FINISHED_PER_STAGE : ITEMS_PER_STAGE);
      const lines = shown.map((p) => `• ${pbiLine(p, view.ageOf(p), finished ? [] : view.waitingOn(p), today)}`);
      if (count > shown.length) lines.push(`_…and ${count - shown.length} more${finished ? ' finished' : ''}_`);
      blocks.push(
        section(
          `${bold(code(stage.name))}  ${limit}${besides}${flowMark(view, stage.name)}\n${lines.join('\n') || '_empty_'}`,
        ),
      );
    }
    const classes = classLoads(view.open, nexus.classes).map(
      (l) => `${code(l.serviceClass)} ${l.count}/${l.wipLimit}${l.overLimit ? ' ⚠ over limit' : ''}`,
    );
    blocks.push(
      divider(),
      ...(classes.length
        ? [context(`Classes of service in progress against their WIP limits: ${classes.join(' · ')}`)]
        : []),
      context(`WIP ${nexusWip(view.open)} · ${describeSle(view.sle)} · ☐ not started ◐ started ■ done`),
    );
    return ephemeral(`${escape(nexus.name)} board`, blocks);
  },
});

/** The expedite PBIs, oldest first, each with its stage; none: no lane. */
function expediteLane(view: FlowView, expedite: readonly Pbi[]): Block | null {
  if (!expedite.length) return null;
  const shown = expedite.slice(0, ITEMS_PER_STAGE);
  const lines = shown.map((p) => `• ${pbiLine(p, view.ageOf(p), view.waitingOn(p), view.today)} · ${inStage(p.stage)}`);
  if (expedite.length > shown.length) lines.push(`_…and ${expedite.length - shown.length} more_`);
  const title = `⚡ ${bold('Expedite')}  ${expedite.length}  _(shown apart: not counted against the stages' WIP limits)_`;
  return section(`${title}\n${lines.join('\n')}`);
}

function flowMark({ nexus }: FlowView, stage: string): string {
  if (sameName(stage, nexus.workflow.startStage)) return '  _(flow starts)_';
  if (sameName(stage, nexus.workflow.finishStage)) return '  _(done: flow finishes)_';
  return '';
}
