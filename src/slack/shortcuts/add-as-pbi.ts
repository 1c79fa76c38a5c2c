import type { AllMiddlewareArgs, App, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { runCommand } from '../../commands';
import { loadPbiCards } from '../../commands/pbi/card';
import { pbiFromMessage } from '../../domain/message-pbi';
import type { Nexus } from '../../domain/nexus';
import {
  MESSAGE_GONE,
  MESSAGE_NEXUS_VIEW,
  MESSAGE_PBI_VIEW,
  messageNexusForm,
  messagePbiForm,
  NEXUS_GONE,
  NO_NEXUS,
} from '../../render/message-pbi-form';
import { pbiCardBlocks, pbiCardText } from '../../render/pbi-card';
import { commandContext, type SlackDeps } from '../deps';
import { nexusesSeenBy } from '../home';
import { postReply } from '../message';

/** The message shortcut's callback id, as the manifest names it. */
export const ADD_AS_PBI = 'add_as_pbi';
/** What a form carries about the message it was opened on; the text only until the Nexus is known (3,000 at most). */
type FromMessage = { channel: string; ts: string; permalink: string; nexusChannel?: string; text?: string };
const TEXT_CARRIED = 1_500;
/** Slack shows a form field's error in a line or two. */
const ERROR_TEXT = 300;

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/**
 * "Add as PBI" on a message: a form filled from the message (title from its first line, the teams it names) for the
 * Nexus of the channel, or, elsewhere, one of the Nexuses the person is in. The PBI keeps the message's link, and the
 * bot answers in the message's thread with the PBI's card.
 */
export function registerAddAsPbi(app: App, deps: SlackDeps): void {
  app.shortcut({ callback_id: ADD_AS_PBI, type: 'message_action' }, async (args: ShortcutArgs) => {
    const { ack, shortcut, client, respond } = args;
    await ack();
    const teamId = shortcut.team?.id ?? shortcut.user.team_id ?? '';
    const channel = shortcut.channel.id;
    const here = await deps.store.nexuses.findByChannel(teamId, channel);
    const nexuses = here ? [here] : await nexusesSeenBy(client, deps, teamId, shortcut.user.id);
    if (!nexuses.length) {
      await respond({ response_type: 'ephemeral', text: NO_NEXUS });
      return;
    }
    const permalink = await permalinkOf(client, channel, shortcut.message.ts);
    if (!permalink) {
      await respond({ response_type: 'ephemeral', text: MESSAGE_GONE });
      return;
    }
    const from: FromMessage = { channel, ts: shortcut.message.ts, permalink };
    const text = shortcut.message.text ?? '';
    const view =
      nexuses.length === 1
        ? formFor(nexuses[0], from, text)
        : messageNexusForm(nexuses, JSON.stringify({ ...from, text: text.slice(0, TEXT_CARRIED) }));
    await client.views.open({ trigger_id: shortcut.trigger_id, view });
  });

  app.view(MESSAGE_NEXUS_VIEW, async ({ ack, view, body }) => {
    const { text = '', ...from } = JSON.parse(view.private_metadata) as FromMessage;
    const chosen = view.state.values.nexus?.value?.selected_option?.value ?? '';
    const nexus = await deps.store.nexuses.findByChannel(body.team?.id ?? body.user.team_id ?? '', chosen);
    if (!nexus) {
      await ack({ response_action: 'errors', errors: { nexus: NEXUS_GONE } });
      return;
    }
    await ack({ response_action: 'update', view: formFor(nexus, from, text) });
  });

  app.view(MESSAGE_PBI_VIEW, async ({ ack, view, body, client }) => {
    const from = JSON.parse(view.private_metadata) as Required<Omit<FromMessage, 'text'>>;
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const ctx = commandContext(deps, { teamId, channelId: from.nexusChannel, userId: body.user.id });
    const ran = await runCommand('pbi', addWords(view.state.values as FormValues, from.permalink), ctx);
    const outcome = ran.outcome as { ok?: true; problem?: string } | undefined;
    if (!outcome?.ok) {
      const field = fieldOf(ran.invalid?.field ?? outcome?.problem ?? '');
      await ack({ response_action: 'errors', errors: { [field]: ran.reply.text.slice(0, ERROR_TEXT) } });
      return;
    }
    await ack();
    await postReply(client, from.nexusChannel, body.user.id, ran.reply);
    await answerInThread(client, deps, { teamId, ...from });
  });
}

/** The message's link, or null when Slack no longer shows it to the bot. */
async function permalinkOf(client: WebClient, channel: string, ts: string): Promise<string | null> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'message_not_found' || code === 'channel_not_found') return null;
    throw error;
  }
}

function formFor(nexus: Nexus, from: FromMessage, text: string) {
  const carried: FromMessage = { channel: from.channel, ts: from.ts, permalink: from.permalink };
  return messagePbiForm(
    nexus,
    pbiFromMessage(text, nexus.teams),
    JSON.stringify({ ...carried, nexusChannel: nexus.channelId }),
  );
}

type FormValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string }; selected_options?: { value: string }[] }>
>;

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
