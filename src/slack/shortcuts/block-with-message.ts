import type { App } from '@slack/bolt';
import { runCommand } from '../../commands';
import { MAX_REASON } from '../../domain/limits';
import { blockFromMessage } from '../../domain/message-pbi';
import { MESSAGE_BLOCK_VIEW, messageBlockForm } from '../../render/message-pbi-form';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';
import { type FormValues, type FromMessage, fieldError, type MessageShortcuts } from './from-message';

/** The message shortcut's callback id, as the manifest names it. */
export const BLOCK_WITH_MESSAGE = 'block_with_message';
/** Between the reason and the message's link. */
const LINK_SEPARATOR = ' — ';

/**
 * "Block a PBI with this" on a message: the PBI the message names (or one typed) is blocked, its reason the message's
 * first line (changeable) followed by the message's link, so whoever sees the block can read the conversation.
 */
export function registerBlockWithMessage(app: App, deps: SlackDeps, shortcuts: MessageShortcuts): void {
  shortcuts.add(BLOCK_WITH_MESSAGE, (nexus, from, text) => {
    const room = reasonRoom(from.permalink);
    return messageBlockForm(nexus, blockFromMessage(text, room), room, JSON.stringify(from));
  });
  app.view(MESSAGE_BLOCK_VIEW, async ({ ack, view, body, client }) => {
    const from = JSON.parse(view.private_metadata) as FromMessage;
    const values = view.state.values as FormValues;
    const key = (values.key?.value?.value ?? '').trim();
    const reason = (values.reason?.value?.value ?? '').trim().replace(/\s+/g, ' ');
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const ctx = commandContext(deps, { teamId, channelId: from.nexusChannel, userId: body.user.id });
    const words = ['block', key, `${reason.slice(0, reasonRoom(from.permalink))}${LINK_SEPARATOR}${from.permalink}`];
    const ran = await runCommand('pbi', words, ctx);
    const outcome = ran.outcome as { ok?: true; problem?: string } | undefined;
    if (!outcome?.ok) {
      const field = ran.invalid?.field === 'reason' || /reason/.test(outcome?.problem ?? '') ? 'reason' : 'key';
      await ack(fieldError(field, ran.reply.text));
      return;
    }
    await ack();
    await postReply(client, from.nexusChannel, body.user.id, ran.reply);
  });
}

/** What of a blocked reason's characters is left for words once the link is in. */
function reasonRoom(permalink: string): number {
  return Math.max(MAX_REASON - permalink.length - LINK_SEPARATOR.length, 1);
}
