import type { AllMiddlewareArgs, App, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Nexus } from '../../domain/nexus';
import type { Modal } from '../../render/blocks';
import {
  MESSAGE_GONE,
  MESSAGE_NEXUS_VIEW,
  messageNexusForm,
  NEXUS_GONE,
  NO_NEXUS,
} from '../../render/message-pbi-form';
import type { SlackDeps } from '../deps';
import { nexusesSeenBy } from '../home';

/**
 * The message a shortcut was used on, as its forms carry it: where it is, its link, and the Nexus once known. For a
 * shortcut about the whole conversation (`threadRoot`), `ts` and `permalink` are those of its thread's first message.
 */
export type FromMessage = { channel: string; ts: string; permalink: string; nexusChannel: string };
/** How a shortcut differs from Add as PBI's: the thread's link instead of the message's, and its own words. */
export type ShortcutOptions = { threadRoot?: boolean; noNexus?: string; gone?: string; title?: string };
/** A shortcut's form for one Nexus, filled from the message's text. */
export type FormFor = (nexus: Nexus, from: FromMessage, text: string) => Modal;

/** The message's text goes along until the Nexus is chosen (private_metadata holds 3,000 characters). */
const TEXT_CARRIED = 1_500;
type Carried = Omit<FromMessage, 'nexusChannel'> & { shortcut: string; text: string };
type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/**
 * Message shortcuts that act on a Nexus: the channel's, or, elsewhere, the one the person chooses among the Nexuses
 * whose channel they are in (one choice form for all of them); then each shortcut's form, whose submission the
 * shortcut handles itself.
 */
export function messageShortcuts(app: App, deps: SlackDeps) {
  const forms = new Map<string, FormFor>();
  app.view(MESSAGE_NEXUS_VIEW, async ({ ack, view, body }) => {
    const { text, shortcut, ...from } = JSON.parse(view.private_metadata) as Carried;
    const chosen = view.state.values.nexus?.value?.selected_option?.value ?? '';
    const nexus = await deps.store.nexuses.findByChannel(body.team?.id ?? body.user.team_id ?? '', chosen);
    const formFor = forms.get(shortcut);
    if (!nexus || !formFor) {
      await ack({ response_action: 'errors', errors: { nexus: NEXUS_GONE } });
      return;
    }
    await ack({ response_action: 'update', view: formFor(nexus, { ...from, nexusChannel: nexus.channelId }, text) });
  });
  return {
    add(shortcutId: string, formFor: FormFor, options: ShortcutOptions = {}): void {
      forms.set(shortcutId, formFor);
      const { noNexus = NO_NEXUS, gone = MESSAGE_GONE } = options;
      app.shortcut({ callback_id: shortcutId, type: 'message_action' }, async (args: ShortcutArgs) => {
        const { ack, shortcut, client, respond } = args;
        await ack();
        const teamId = shortcut.team?.id ?? shortcut.user.team_id ?? '';
        const channel = shortcut.channel.id;
        const here = await deps.store.nexuses.findByChannel(teamId, channel);
        const nexuses = here ? [here] : await nexusesSeenBy(client, deps, teamId, shortcut.user.id);
        if (!nexuses.length) return void (await respond({ response_type: 'ephemeral', text: noNexus }));
        const root = shortcut.message.thread_ts as string | undefined;
        const ts = options.threadRoot && root ? root : shortcut.message.ts;
        const permalink = await permalinkOf(client, channel, ts);
        if (!permalink) return void (await respond({ response_type: 'ephemeral', text: gone }));
        const text = shortcut.message.text ?? '';
        const from = { channel, ts, permalink };
        const carried: Carried = { ...from, shortcut: shortcutId, text: text.slice(0, TEXT_CARRIED) };
        const view =
          nexuses.length === 1
            ? formFor(nexuses[0], { ...from, nexusChannel: nexuses[0].channelId }, text)
            : messageNexusForm(nexuses, JSON.stringify(carried), options.title);
        await client.views.open({ trigger_id: shortcut.trigger_id, view });
      });
    },
  };
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

/** A form's values as Slack sends them on submission. */
export type FormValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string }; selected_options?: { value: string }[] }>
>;

/** Slack shows a form field's error in a line or two. */
const ERROR_TEXT = 300;

/** The refusal of a command run from a form, beside the field it is about. */
export function fieldError(field: string, refusal: string) {
  return { response_action: 'errors' as const, errors: { [field]: refusal.slice(0, ERROR_TEXT) } };
}

export type MessageShortcuts = ReturnType<typeof messageShortcuts>;
