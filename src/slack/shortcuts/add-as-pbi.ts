import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { runCommand } from '../../commands';
import { loadPbiCards } from '../../commands/pbi/card';
import { pbiFromMessage } from '../../domain/message-pbi';
import { MESSAGE_PBI_VIEW, messagePbiForm } from '../../render/message-pbi-form';
import { pbiCardBlocks, pbiCardText } from '../../render/pbi-card';
import { commandContext, type SlackDeps } from '../deps';
import { postReply } from '../message';
import { type FormValues, type FromMessage, fieldError, type MessageShortcuts } from './from-message';

/** The message shortcut's callback id, as the manifest names it. */
export const ADD_AS_PBI = 'add_as_pbi';

/**
 * "Add as PBI" on a message: a form filled from the message (title from its first line, the teams it names). The PBI
 * keeps the message's link, and the bot answers in the message's thread with the PBI's card.
 */
export function registerAddAsPbi(app: App, deps: SlackDeps, shortcuts: MessageShortcuts): void {
  shortcuts.add(ADD_AS_PBI, (nexus, from, text) =>
    messagePbiForm(nexus, pbiFromMessage(text, nexus.teams), JSON.stringify(from)),
  );
  app.view(MESSAGE_PBI_VIEW, async ({ ack, view, body, client }) => {
    const from = JSON.parse(view.private_metadata) as FromMessage;
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const ctx = commandContext(deps, { teamId, channelId: from.nexusChannel, userId: body.user.id });
    const ran = await runCommand('pbi', addWords(view.state.values as FormValues, from.permalink), ctx);
    const outcome = ran.outcome as { ok?: true; problem?: string } | undefined;
    if (!outcome?.ok) {
      await ack(fieldError(fieldOf(ran.invalid?.field ?? outcome?.problem ?? ''), ran.reply.text));
      return;
    }
    await ack();
    await postReply(client, from.nexusChannel, body.user.id, ran.reply);
    await answerInThread(client, deps, { teamId, ...from });
  });
}

/** The form as `/pbi add` words (no quotes needed: each word is given whole). */
function addWords(values: FormValues, permalink: string): string[] {
  const title = (values.title?.value?.value ?? '').trim();
  const teams = (values.teams?.value?.selected_options ?? []).map((o) => o.value);
  const stage = values.stage?.value?.selected_option?.value;
  const key = (values.key?.value?.value ?? '').trim();
  return [
    'add',
    title,
    ...(teams.length ? ['--teams', teams.join(',')] : []),
    ...(stage ? ['--stage', stage] : []),
    ...(key ? ['--key', key] : []),
    ...(permalink ? ['--url', permalink] : []),
  ];
}

/** The form field a refusal is about: the flag parse named, or the kind of problem execute found. */
function fieldOf(about: string): string {
  if (/key/.test(about)) return 'key';
  if (/stage/.test(about)) return 'stage';
  if (/team/.test(about)) return 'teams';
  return 'title';
}

/** The new PBI's card in the message's thread; a channel without the bot keeps its message as it is. */
async function answerInThread(
  client: WebClient,
  deps: SlackDeps,
  from: { teamId: string; channel: string; ts: string; permalink: string },
): Promise<void> {
  const where = { store: deps.store, now: deps.now, workspaceId: from.teamId, channelId: from.channel };
  const card = (await loadPbiCards(where, [from.permalink])).get(from.permalink);
  if (!card) return;
  try {
    await client.chat.postMessage({
      channel: from.channel,
      thread_ts: from.ts,
      text: pbiCardText(card),
      blocks: pbiCardBlocks(card),
    });
  } catch (error) {
    deps.log.warn({ err: error, channel: from.channel }, 'the PBI added from a message could not answer in its thread');
  }
}
