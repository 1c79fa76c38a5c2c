import { percentile } from '../../domain/flow-metrics';
import { cycleTimesInWindow } from '../../domain/sle';
import { bold, context, header, section } from '../../render/blocks';
import { ephemeral } from '../../render/reply';
import { describeSle } from '../../render/sle';
import { count } from '../../render/words';
import { defineCommand } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { noInput } from './no-input';

const LINES = [50, 70, 85, 95];

export const flowSle = defineCommand<Record<string, never>, FlowView>({
  path: ['flow', 'sle'],
  usage: '/flow sle',
  summary: 'cycle-time percentiles 50/70/85/95 and the SLE in force',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  execute: (_input, ctx) => loadFlowView(ctx),
  render(view) {
    const { nexus } = view;
    const times = cycleTimesInWindow(view.finished, view.today, nexus.timeZone, nexus.sle.historyDays);
    const lines = LINES.map((p) => {
      const days = percentile(times, p / 100);
      return `${p}% of PBIs finished within ${days === undefined ? '–' : `${bold(count(days, 'day'))}`}`;
    });
    return ephemeral(describeSle(view.sle), [
      header(`${nexus.name} · cycle time and SLE`),
      section(`${describeSle(view.sle)}`),
      section(lines.join('\n')),
      context(
        `${count(times.length, 'PBI')} finished in the last ${nexus.sle.historyDays} days. Cycle time = finish date − start date + 1, in calendar days (${nexus.timeZone}).`,
      ),
    ]);
  },
});
