import { isWorkflowProblem, setFlow } from '../../domain/workflow';
import { renderSettings } from '../../render/settings';
import { defineCommand, invalid } from '../command';
import { type SettingsOutcome, saveSettings } from './change';

const usage = '/nexus flow start <stage> finish <stage>';

export const nexusFlow = defineCommand<{ start: string; finish: string }, SettingsOutcome>({
  path: ['nexus', 'flow'],
  usage,
  summary: 'where an item starts and finishes for flow metrics (history is re-read)',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    const [startWord, start, finishWord, finish, ...rest] = words;
    if (
      startWord?.toLowerCase() !== 'start' ||
      finishWord?.toLowerCase() !== 'finish' ||
      !start ||
      !finish ||
      rest.length
    ) {
      return invalid('Name both stages: `start <stage> finish <stage>` (quote names with spaces).');
    }
    return { start, finish };
  },
  execute({ start, finish }, ctx) {
    return saveSettings(ctx, 'nexus.workflow-changed', (nexus) => {
      const next = setFlow(nexus.workflow, start, finish);
      if (isWorkflowProblem(next)) return next;
      const changed = { setting: 'flow', start: next.startStage, finish: next.finishStage } as const;
      return { after: { ...nexus, workflow: next }, value: next, changed };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});
