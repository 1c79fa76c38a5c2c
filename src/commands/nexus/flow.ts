import { isWorkflowProblem, setFlow } from '../../domain/workflow';
import { code } from '../../render/blocks';
import { defineCommand, invalid } from '../command';
import { renderSettings, type SettingsOutcome, saveSettings } from './change';
import { describeWorkflow } from './describe';

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
      const said = `🧭 <@${ctx.userId}> set flow to start in ${code(next.startStage)} and finish in ${code(next.finishStage)}; every PBI's age and cycle time now count from there.`;
      return { after: { ...nexus, workflow: next }, value: next, said };
    });
  },
  render: (outcome) => renderSettings(outcome, usage, (n) => `Workflow: ${describeWorkflow(n.workflow)}`),
});
