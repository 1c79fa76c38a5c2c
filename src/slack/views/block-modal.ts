import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { runWords } from '../../commands';
import { BLOCK_VIEW, blockForm, REASON_NEEDED } from '../../render/block-form';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';

/** "Block…" on a PBI card opens the form asking why (render/block-form.ts); its submission blocks the PBI. */
export async function openBlockModal(
  client: WebClient,
  triggerId: string,
  target: { channelId: string; key: string },
): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: blockForm(target.key, JSON.stringify(target)) });
}

export function registerBlockView(app: App, deps: SlackDeps): void {
  app.view(BLOCK_VIEW, async ({ ack, view, body, client }) => {
    const reason = (view.state.values.reason?.value?.value ?? '').trim();
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: REASON_NEEDED } });
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
