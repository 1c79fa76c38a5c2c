import { MAX_STAGE_NAME } from '../../domain/limits';
import {
  addStage,
  findStage,
  isWaitStage,
  isWorkflowProblem,
  removeStage,
  STAGE_NAME,
  setWait,
  setWipLimit,
  type Workflow,
  type WorkflowProblem,
} from '../../domain/workflow';
import { code } from '../../render/blocks';
import { renderSettings } from '../../render/settings';
import { defineCommand, type Invalid, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { parseWipLimit } from '../numbers';
import { type SettingsChanged, type SettingsOutcome, saveSettings } from './change';

type Input =
  | { action: 'add'; stage: string; after: string | null; wipLimit: number | null }
  | { action: 'wip'; stage: string; wipLimit: number | null }
  | { action: 'remove'; stage: string }
  | { action: 'wait'; stage: string; wait: boolean };

const usage =
  '/nexus stage add <stage> [--after <stage>] [--wip <n>]  |  /nexus stage wip <stage> <n|none>  |  ' +
  '/nexus stage wait <stage> on|off  |  /nexus stage remove <stage>';

export const nexusStage = defineCommand<Input, SettingsOutcome>({
  path: ['nexus', 'stage'],
  usage,
  summary:
    'add a stage, set its WIP limit, mark it a wait (queue) stage for `/flow efficiency`, or remove it (removing one ' +
    'unmaps the tracker statuses that meant it)',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    const parsed = parseFlags(words, ['after', 'wip']);
    if (isInvalid(parsed)) return parsed;
    const [action, stage, ...rest] = parsed.positional;
    const { after, wip } = parsed.flags;
    if (!stage) return invalid('Name the stage (quote it if it has spaces).');
    if (action === 'add') {
      if (rest.length) return invalid('Quote a stage name that has spaces.');
      if (!STAGE_NAME.test(stage))
        return invalid(
          `${code(stage.slice(0, MAX_STAGE_NAME))} is not a stage name: letters, digits, spaces, \`-_.\`, at most ${MAX_STAGE_NAME}.`,
        );
      const wipLimit = wip === undefined ? null : parseWip(wip);
      if (typeof wipLimit === 'object' && wipLimit !== null) return wipLimit;
      return { action, stage, after: after ?? null, wipLimit };
    }
    if (after !== undefined || wip !== undefined)
      return invalid(`\`--after\` and \`--wip\` go with \`/nexus stage add\`.`);
    if (action === 'wip') {
      if (rest.length !== 1) return invalid('Give the stage and its WIP limit (a number, or `none`).');
      const wipLimit = parseWip(rest[0]);
      if (typeof wipLimit === 'object' && wipLimit !== null) return wipLimit;
      return { action, stage, wipLimit };
    }
    if (action === 'wait') return parseWait(stage, rest);
    if (action === 'remove' && !rest.length) return { action, stage };
    return invalid('Say `add`, `wip`, `wait` or `remove`.');
  },
  execute(input, ctx) {
    // a stage that still holds PBIs is refused by the store, in the same turn as the removal
    return saveSettings(ctx, 'nexus.workflow-changed', (nexus) => {
      const next = changeWorkflow(nexus.workflow, input);
      if (isWorkflowProblem(next)) return next;
      // the stage as the workflow spells it, not as it was typed
      const stage = findStage(nexus.workflow, input.stage)?.name ?? input.stage;
      if (input.action === 'wait' && isWaitStage(nexus.workflow, stage) === input.wait)
        return { problem: 'same-wait', stage, wait: input.wait };
      return { after: { ...nexus, workflow: next }, value: next, changed: stageChanged(input, stage) };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});

/** `/nexus stage wait <stage> on|off`: the stage's name may be quoted, the last word says on or off. */
function parseWait(stage: string, rest: readonly string[]): Input | Invalid {
  const word = rest.length === 1 ? rest[0].toLowerCase() : '';
  if (word !== 'on' && word !== 'off')
    return invalid(
      'Give the stage and `on` (a queue stage: work waits there) or `off`, like `/nexus stage wait ready on`.',
    );
  return { action: 'wait', stage, wait: word === 'on' };
}

function parseWip(word: string): number | null | Invalid {
  return word.toLowerCase() === 'none' ? null : parseWipLimit(word, { orNone: true });
}

function changeWorkflow(workflow: Workflow, input: Input): Workflow | WorkflowProblem {
  switch (input.action) {
    case 'add':
      return addStage(workflow, { name: input.stage, wipLimit: input.wipLimit }, input.after ?? undefined);
    case 'wip':
      return setWipLimit(workflow, input.stage, input.wipLimit);
    case 'wait':
      return setWait(workflow, input.stage, input.wait);
    case 'remove':
      return removeStage(workflow, input.stage);
  }
}

function stageChanged(input: Input, stage: string): SettingsChanged {
  if (input.action === 'wait') return { setting: 'stage', action: 'wait', stage, wait: input.wait };
  return input.action === 'remove'
    ? { setting: 'stage', action: 'remove', stage }
    : { setting: 'stage', action: input.action, stage, wipLimit: input.wipLimit };
}
