import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { runWords } from '../../commands';
import { MAX_REASON } from '../../domain/limits';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';

export const BLOCK_VIEW = 'pbi.block-reason';

/** "Block…" on a PBI card asks why: a blocked mark without a reason helps no one. */
export async function openBlockModal(
  client: WebClient,
  triggerId: string,
  target: { channelId: string; key: string },
): Promise<void> {
  await client.views.open({
    trigger_id: triggerId,
    view: {
      type: 'modal',
      callback_id: BLOCK_VIEW,
      private_metadata: JSON.stringify(target),
      title: { type: 'plain_text', text: `Block ${target.key}`.slice(0, 24) },
      submit: { type: 'plain_text', text: 'Block' },
      close: { type: 'plain_text', text: 'Cancel' },
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          label: { type: 'plain_text', text: 'What is it waiting for?' },
          element: { type: 'plain_text_input', action_id: 'value', max_length: MAX_REASON },
        },
      ],
    },
  });
}

export function registerBlockView(app: App, deps: SlackDeps): void {
  app.view(BLOCK_VIEW, async ({ ack, view, body, client }) => {
    const reason = (view.state.values.reason?.value?.value ?? '').trim();
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'Say what it is waiting for, so others can help.' } });
      return;
    }
    await ack();
    const { channelId, key } = JSON.parse(view.private_metadata) as { channelId: string; key: string };
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const reply = await runWords(
      'pbi',
      ['block', key, reason],
      commandContext(deps, { teamId, channelId, userId: body.user.id }),
    );
    await postReply(client, channelId, body.user.id, reply);
  });
}
