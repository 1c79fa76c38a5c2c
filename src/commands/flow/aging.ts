import { isSnoozed } from '../../domain/pbi';
import type { ServiceClass } from '../../domain/service-class';
import { agingItems } from '../../domain/sle';
import { type Block, code, context, escape, header, lineSections } from '../../render/blocks';
import { pbiLine, snoozeMark } from '../../render/pbi';
import { ephemeral } from '../../render/reply';
import { describeSle } from '../../render/sle';
import { count } from '../../render/words';
import { defineCommand } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { noInput } from './no-input';

export const flowAging = defineCommand<Record<string, never>, FlowView>({
  path: ['flow', 'aging'],
  usage: '/flow aging',
  summary: 'items in progress, oldest first, against the SLE',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  execute: (_input, ctx) => loadFlowView(ctx),
  render(view) {
    const items = agingItems(view.open, view.sleOf, view.today, view.nexus.timeZone);
    const aging = items.filter((i) => i.status === 'aging').length;
    const atRisk = items.filter((i) => i.status === 'at-risk').length;
    const snoozed = items.filter(({ pbi }) => isSnoozed(pbi, view.today)).length;
    const summary =
      `${items.length} in progress: ${aging} past the SLE, ${atRisk} at risk (past the 70th percentile)` +
      (snoozed ? `, ${snoozed} snoozed` : '');
    // snoozed items stay listed, marked as the digest marks them, so nobody wonders why the digest skips them
    const lines = items.map(
      ({ pbi, age, status }) =>
        `• ${pbiLine(pbi, { age, status }, view.waitingOn(pbi), view.today)} · in ${code(pbi.stage)}${snoozeMark(pbi, view.today)}`,
    );
    return ephemeral(`${escape(view.nexus.name)} aging: ${summary}`, [
      header(`${view.nexus.name} · aging work`),
      context(summary),
      ...(lines.length ? lineSections(lines) : [context('_Nothing in progress._')]),
      context(describeSle(view.sle)),
      ...classSles(view.nexus.classes),
    ]);
  },
});

/** The classes with an SLE of their own, which their PBIs age against instead of the Nexus's. */
function classSles(classes: readonly ServiceClass[]): Block[] {
  const own = classes.filter((c) => c.sleDays !== null);
  if (!own.length) return [];
  const listed = own.map((c) => `${code(c.name)} ${count(c.sleDays!, 'day')}`).join(', ');
  return [context(`Classes of service with their own SLE, which their PBIs age against: ${listed}.`)];
}
