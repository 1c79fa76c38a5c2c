import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { runWords } from '../../commands';
import { explain } from '../../render/problems';
import { commandContext, type SlackDeps } from '../deps';
import { sendAnswer, slackMessages } from '../message';
import { ackOnce } from '../refuse-replays';
import { slackFiles } from '../shared-files';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const ImportButtonSchema = z.object({ ref: z.string().min(1), check: z.string().min(1) });

/**
 * "Import N PBIs" under a CSV dry run: runs `/nexus import csv <file> --apply <check>` exactly as if typed, so the apply
 * re-reads the file and writes only what the dry run showed. The dry run (with its button) goes: replaced by the
 * refusal and the new dry run when something changed, removed when the import is posted in the channel.
 */
export function importButtonListener(deps: SlackDeps) {
  return async ({ ack, action, body, respond, client, context }: Args): Promise<void> => {
    await ackOnce(ack, context);
    const parsed = ImportButtonSchema.safeParse(parseValue(action.value));
    const channelId = body.channel?.id;
    const teamId = body.team?.id ?? body.user.team_id;
    if (!parsed.success || !channelId || !teamId) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: explain({ problem: 'unknown-button' }),
      });
      return;
    }
    const ids = { teamId, channelId, userId: body.user.id };
    const files = slackFiles(client, context.botToken ?? client.token ?? '', ids);
    const words = ['import', 'csv', parsed.data.ref, '--apply', parsed.data.check];
    const reply = await runWords('nexus', words, commandContext(deps, ids, files));
    await sendAnswer(async () => {
      if (reply.visibility === 'channel') await respond({ delete_original: true });
      const [first, ...more] = slackMessages(reply);
      await respond({ ...first, replace_original: reply.visibility === 'ephemeral' });
      for (const message of more) await respond(message);
    });
  };
}

function parseValue(value: string | undefined): unknown {
  try {
    return JSON.parse(value ?? 'null');
  } catch {
    return null;
  }
}
