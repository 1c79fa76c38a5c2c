import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { runCommand } from '../../commands';
import { MAX_LINK_NOTE } from '../../domain/limits';
import { linkFromMessage } from '../../domain/message-pbi';
import {
  LINK_MESSAGE_GONE,
  LINK_NO_NEXUS,
  LINK_TITLE,
  linkedInThread,
  MESSAGE_LINK_VIEW,
  messageLinkForm,
} from '../../render/message-pbi-form';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';
import { type FormValues, type FromMessage, fieldError, type MessageShortcuts } from './from-message';

/** The message shortcut's callback id, as the manifest names it. */
export const LINK_TO_PBI = 'link_to_pbi';

/**
 * "Link to a PBI" on a message: the link of its conversation (the thread's first message) goes into the history of
 * the PBI the message names (or one typed), with a note; the channel hears it and the thread gets a short answer.
 */
export function registerLinkToPbi(app: App, deps: SlackDeps, shortcuts: MessageShortcuts): void {
  shortcuts.add(
    LINK_TO_PBI,
    (nexus, from, text) => messageLinkForm(nexus, linkFromMessage(text, MAX_LINK_NOTE), JSON.stringify(from)),
    { threadRoot: true, noNexus: LINK_NO_NEXUS, gone: LINK_MESSAGE_GONE, title: LINK_TITLE },
  );
  app.view(MESSAGE_LINK_VIEW, async ({ ack, view, body, client }) => {
    const from = JSON.parse(view.private_metadata) as FromMessage;
    const values = view.state.values as FormValues;
    const key = (values.key?.value?.value ?? '').trim();
    const note = (values.note?.value?.value ?? '').trim();
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const ctx = commandContext(deps, { teamId, channelId: from.nexusChannel, userId: body.user.id });
    const ran = await runCommand('pbi', ['link', key, from.permalink, ...(note ? [note] : [])], ctx);
    const outcome = ran.outcome as { ok?: true; problem?: string; pbi?: { key: string } } | undefined;
    if (!outcome?.ok) {
      await ack(fieldError(ran.invalid?.field === 'note' ? 'note' : 'key', ran.reply.text));
      return;
    }
    await ack();
    await postReply(client, from.nexusChannel, body.user.id, ran.reply);
    const nexus = await deps.store.nexuses.findByChannel(teamId, from.nexusChannel);
    await answerInThread(client, deps, from, linkedInThread(outcome.pbi?.key ?? key, nexus?.name ?? ''));
  });
}

/** The conversation's thread hears where its link went; a channel without the bot keeps it as it is. */
async function answerInThread(client: WebClient, deps: SlackDeps, from: FromMessage, text: string): Promise<void> {
  try {
    await client.chat.postMessage({ channel: from.channel, thread_ts: from.ts, text });
  } catch (error) {
    deps.log.warn(
      { err: error, channel: from.channel },
      'a conversation linked to a PBI could not be told in its thread',
    );
  }
}
