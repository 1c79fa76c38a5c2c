import type { App, types } from '@slack/bolt';

type InputBlock = types.InputBlock;
type KnownBlock = types.KnownBlock;

import type { WebClient } from '@slack/web-api';
import { isInvalid } from '../../commands/command';
import { splitList } from '../../commands/flags';
import { buildWorkflow, type NexusSetupInput, parseStages, renderSetUp, setUpNexus } from '../../commands/nexus/setup';
import { mrkdwn } from '../../console/plain-text';
import { isValidZone } from '../../domain/calendar';
import { MAX_NEXUS_NAME, MAX_STAGE_NAME, MAX_STAGES, MAX_TEAM_NAME, MAX_TEAMS } from '../../domain/limits';
import { addTeams, DIGEST_TIME, isTeamsProblem } from '../../domain/nexus';
import { isWorkflowProblem } from '../../domain/workflow';
import { escape } from '../../render/blocks';
import { explain } from '../../render/problems';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';

export const SETUP_VIEW = 'nexus.setup';
type Ids = { teamId: string; channelId: string; userId: string };

const DEFAULT_STAGES = 'discovery\nrefining\nready\nsprint-backlog\nin-progress:6\nintegrated\nreleased\nlearning';

const input = (
  blockId: string,
  label: string,
  element: InputBlock['element'],
  hint?: string,
  optional = false,
): InputBlock => ({
  type: 'input',
  block_id: blockId,
  label: { type: 'plain_text', text: label },
  element,
  optional,
  ...(hint ? { hint: { type: 'plain_text', text: hint } } : {}),
});
/** Slack stops typing at `maxLength`; the same limits are checked again on submit. */
const text = (actionId: string, initial: string, maxLength: number, multiline = false): InputBlock['element'] => ({
  type: 'plain_text_input',
  action_id: actionId,
  initial_value: initial,
  multiline,
  max_length: maxLength,
});
/** Room for every stage (`name:NNNN` and a line break) and every team (`name, `) the limits allow. */
const STAGES_TEXT = MAX_STAGES * (MAX_STAGE_NAME + 6);
const TEAMS_TEXT = MAX_TEAMS * (MAX_TEAM_NAME + 2);

/** The Nexus set-up form: teams, stages with WIP limits, start and finish, time zone, digest time. */
export async function openSetupModal(
  client: WebClient,
  triggerId: string,
  ids: Omit<Ids, 'userId'> & { userId: string },
  deps: SlackDeps,
): Promise<void> {
  const existing = await deps.store.nexuses.findByChannel(ids.teamId, ids.channelId);
  await client.views.open({
    trigger_id: triggerId,
    view: {
      type: 'modal',
      callback_id: SETUP_VIEW,
      private_metadata: JSON.stringify({ channelId: ids.channelId }),
      title: { type: 'plain_text', text: 'Set up the Nexus' },
      submit: { type: 'plain_text', text: 'Create' },
      close: { type: 'plain_text', text: 'Cancel' },
      blocks: [
        ...(existing
          ? [
              {
                type: 'section',
                text: {
                  type: 'mrkdwn',
                  text: `:warning: This channel already has the Nexus *${escape(existing.name)}*.`,
                },
              } as KnownBlock,
            ]
          : []),
        input('name', 'Nexus name', text('value', 'Nexus', MAX_NEXUS_NAME)),
        input(
          'teams',
          'Scrum Teams',
          text('value', '', TEAMS_TEXT),
          `Comma-separated, e.g. Alpha, Beta, Gamma (at most ${MAX_TEAMS})`,
          true,
        ),
        input(
          'stages',
          'Stages, in order',
          text('value', DEFAULT_STAGES, STAGES_TEXT, true),
          `One per line (at most ${MAX_STAGES}); name:N gives a WIP limit of N`,
        ),
        input('start', 'Flow starts in', text('value', 'in-progress', MAX_STAGE_NAME)),
        input('finish', 'Flow finishes in (Done)', text('value', 'integrated', MAX_STAGE_NAME)),
        input(
          'zone',
          'Time zone (IANA)',
          text('value', 'Europe/Berlin', 64),
          'Dates and the digest use it, e.g. America/New_York',
        ),
        input('digest', 'Daily digest at', { type: 'timepicker', action_id: 'value', initial_time: '09:30' }),
      ],
    },
  });
}

type ViewValues = Record<string, Record<string, { value?: string | null; selected_time?: string | null }>>;

/** Checks each field on its own so the form can say which one is wrong (response_action: errors). */
export function validateSetup(values: ViewValues): { input: NexusSetupInput } | { errors: Record<string, string> } {
  const field = (id: string) => (values[id]?.value?.value ?? values[id]?.value?.selected_time ?? '').trim();
  const errors: Record<string, string> = {};
  const name = field('name');
  if (!name || name.length > MAX_NEXUS_NAME)
    errors.name = `Give the Nexus a name of at most ${MAX_NEXUS_NAME} characters.`;
  const teams = splitList([field('teams')]);
  const teamCheck = addTeams([], teams);
  if (isTeamsProblem(teamCheck)) errors.teams = mrkdwn(explain(teamCheck));
  const stages = parseStages(field('stages').split('\n').join(','));
  if (isInvalid(stages)) errors.stages = mrkdwn(stages.invalid);
  const zone = field('zone');
  if (!isValidZone(zone))
    errors.zone = `${zone || 'This'} is not an IANA time zone; try Europe/Berlin or America/New_York.`;
  const digestTime = field('digest');
  if (!DIGEST_TIME.test(digestTime)) errors.digest = 'Pick a time.';
  if (!isInvalid(stages)) {
    const workflow = buildWorkflow({ stages, start: field('start'), finish: field('finish') });
    if (isWorkflowProblem(workflow)) {
      const target =
        workflow.problem === 'unknown-stage' && workflow.stage === field('finish')
          ? 'finish'
          : workflow.problem === 'unknown-stage' && workflow.stage === field('start')
            ? 'start'
            : workflow.problem === 'finish-before-start'
              ? 'finish'
              : 'stages';
      errors[target] = mrkdwn(explain(workflow));
    }
  }
  if (Object.keys(errors).length || isInvalid(stages)) return { errors };
  return {
    input: { name, teams, stages, start: field('start'), finish: field('finish'), zone, digestTime, slePercentile: 85 },
  };
}

export function registerSetupView(app: App, deps: SlackDeps): void {
  app.view(SETUP_VIEW, async ({ ack, view, body, client }) => {
    const result = validateSetup(view.state.values as ViewValues);
    if ('errors' in result) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    await ack();
    const { channelId } = JSON.parse(view.private_metadata) as { channelId: string };
    const ctx = commandContext(deps, {
      teamId: body.team?.id ?? body.user.team_id ?? '',
      channelId,
      userId: body.user.id,
    });
    const reply = renderSetUp(await setUpNexus(result.input, ctx));
    await postReply(client, channelId, body.user.id, reply);
  });
}
