import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { isInvalid } from '../../commands/command';
import { splitList } from '../../commands/flags';
import { buildWorkflow, type NexusSetupInput, parseStages, renderSetUp, setUpNexus } from '../../commands/nexus/setup';
import { isValidZone } from '../../domain/calendar';
import { MAX_NEXUS_NAME } from '../../domain/limits';
import { addTeams, DIGEST_TIME, isTeamsProblem } from '../../domain/nexus';
import { isWorkflowProblem } from '../../domain/workflow';
import { SETUP_VIEW, type SetupFaults, setupErrors, setupForm } from '../../render/setup-form';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';

type Ids = { teamId: string; channelId: string; userId: string };

/** Opens the set-up form (render/setup-form.ts), warning when the channel has a Nexus already. */
export async function openSetupModal(client: WebClient, triggerId: string, ids: Ids, deps: SlackDeps): Promise<void> {
  const existing = await deps.store.nexuses.findByChannel(ids.teamId, ids.channelId);
  const view = setupForm(existing?.name ?? null, JSON.stringify({ channelId: ids.channelId }));
  await client.views.open({ trigger_id: triggerId, view });
}

type ViewValues = Record<string, Record<string, { value?: string | null; selected_time?: string | null }>>;

/**
 * Checks each field on its own so the form can say which one is wrong (response_action: errors); render words what
 * is wrong with each.
 */
export function validateSetup(values: ViewValues): { input: NexusSetupInput } | { faults: SetupFaults } {
  const field = (id: string) => (values[id]?.value?.value ?? values[id]?.value?.selected_time ?? '').trim();
  const faults: SetupFaults = {};
  const name = field('name');
  if (!name || name.length > MAX_NEXUS_NAME) faults.name = { problem: 'invalid-nexus-name' };
  const teams = splitList([field('teams')]);
  const teamCheck = addTeams([], teams);
  if (isTeamsProblem(teamCheck)) faults.teams = teamCheck;
  const stages = parseStages(field('stages').split('\n').join(','));
  if (isInvalid(stages)) faults.stages = stages;
  const zone = field('zone');
  if (!isValidZone(zone)) faults.zone = { problem: 'unknown-zone', zone };
  const digestTime = field('digest');
  if (!DIGEST_TIME.test(digestTime)) faults.digest = { problem: 'no-digest-time' };
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
      faults[target] = workflow;
    }
  }
  if (Object.keys(faults).length || isInvalid(stages)) return { faults };
  return {
    input: { name, teams, stages, start: field('start'), finish: field('finish'), zone, digestTime, slePercentile: 85 },
  };
}

export function registerSetupView(app: App, deps: SlackDeps): void {
  app.view(SETUP_VIEW, async ({ ack, view, body, client }) => {
    const result = validateSetup(view.state.values as ViewValues);
    if ('faults' in result) {
      await ack({ response_action: 'errors', errors: setupErrors(result.faults) });
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
