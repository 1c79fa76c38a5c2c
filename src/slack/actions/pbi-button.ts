import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { runWords } from '../../commands';
import { type ButtonProblem, checkCard, commandFor, isStale, PbiButtonSchema } from '../../render/pbi-buttons';
import { explain } from '../../render/problems';
import { commandContext, type SlackDeps } from '../deps';
import { sendAnswer, slackMessages } from '../message';
import { ackOnce } from '../refuse-replays';
import { openBlockModal } from '../views/block-modal';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * A button on a PBI card. It first checks the PBI is still as the card showed it (a stale card says so and changes
 * nothing), then runs the command the button stands for, exactly as if it had been typed.
 */
export function pbiButtonListener(deps: SlackDeps) {
  return async ({ ack, action, body, respond, client, context }: Args): Promise<void> => {
    await ackOnce(ack, context);
    const refuse = async (problem: ButtonProblem) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text: explain(problem) });
    };
    const parsed = PbiButtonSchema.safeParse(parseValue(action.value));
    const channelId = body.channel?.id;
    const teamId = body.team?.id ?? body.user.team_id;
    if (!parsed.success || !channelId || !teamId) return refuse({ problem: 'unknown-button' });
    const click = parsed.data;
    const ids = { teamId, channelId, userId: body.user.id };
    const nexus = await deps.store.nexuses.findByChannel(teamId, channelId);
    const pbi = nexus && (await deps.store.pbis.get(nexus.id, click.key));
    if (!nexus || !pbi) return refuse({ problem: 'pbi-gone', key: click.key });
    const card = checkCard(click, pbi);
    if (isStale(card)) return refuse(card);
    if (click.do === 'block') {
      await openBlockModal(client, body.trigger_id, { channelId, key: pbi.key });
      return;
    }
    const reply = await runWords('pbi', commandFor(click), commandContext(deps, ids));
    await sendAnswer(async () => {
      for (const message of slackMessages(reply)) await respond(message);
      if (reply.followUp) for (const message of slackMessages(reply.followUp)) await respond(message);
    });
  };
}

/** A button's value as the bot drew it (JSON); anything else is no button of ours. */
function parseValue(value: string | undefined): unknown {
  try {
    return JSON.parse(value ?? 'null');
  } catch {
    return null;
  }
}
