import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { pbiKeysNamed } from '../../domain/message-pbi';
import type { Pbi } from '../../domain/pbi';
import { blockOffer } from '../../render/pbi-buttons';
import type { SlackDeps } from '../deps';
import { slackErrorCode } from '../slack-errors';

type Args = SlackEventMiddlewareArgs<'reaction_added'> & AllMiddlewareArgs;

/** ⛔ and 🚫: "this is blocked". */
export const BLOCK_REACTIONS: ReadonlySet<string> = new Set(['no_entry', 'no_entry_sign']);

/**
 * A ⛔ reaction on a message the bot posted in a Nexus's channel about PBIs (a tracker move, a change) offers the
 * person who reacted, alone, to block them: an ephemeral message whose button opens the Block form (a reaction brings
 * no trigger_id, so no form can open from it directly). Only for people in that channel; any other reaction, message
 * or channel does nothing.
 */
export function reactionAddedListener(deps: SlackDeps) {
  return async ({ event, body, client, context }: Args): Promise<void> => {
    if (!BLOCK_REACTIONS.has(event.reaction) || event.item.type !== 'message') return;
    if (!context.botUserId || event.item_user !== context.botUserId) return;
    const { channel, ts } = event.item;
    const nexus = await deps.store.nexuses.findByChannel(body.team_id, channel);
    if (!nexus || !(await isInChannel(client, event.user, channel))) return;
    const message = await messageOf(client, channel, ts);
    if (!message) return;
    const found = await Promise.all(
      pbiKeysNamed(message.texts, message.values).map((key) => deps.store.pbis.get(nexus.id, key)),
    );
    const pbis = found.filter((p): p is Pbi => p !== null && !p.discardedAt);
    if (!pbis.length) return;
    const blockable = (p: Pbi) => !p.blocked && !p.finishedAt;
    const offer = blockOffer(
      pbis.filter(blockable),
      pbis.filter((p) => !blockable(p)),
    );
    await client.chat.postEphemeral({ channel, user: event.user, ...offer });
  };
}

async function isInChannel(client: WebClient, user: string, channel: string): Promise<boolean> {
  const { channels = [] } = await client.users.conversations({
    user,
    types: 'public_channel,private_channel',
    limit: 1000,
  });
  return channels.some((c) => c.id === channel);
}

type Texts = { texts: string[]; values: string[] };

/** The message's mrkdwn and its buttons' values (reactions.get returns the message); null when it is gone. */
async function messageOf(client: WebClient, channel: string, ts: string): Promise<Texts | null> {
  try {
    const { message } = await client.reactions.get({ channel, timestamp: ts });
    if (!message) return null;
    const found: Texts = { texts: [message.text ?? ''], values: [] };
    for (const block of (message.blocks ?? []) as Record<string, any>[]) collect(block, found);
    return found;
  } catch (error) {
    if (slackErrorCode(error) === 'message_not_found') return null;
    throw error;
  }
}

/** Walks a block's texts (section text and fields, context elements) and buttons' values. */
function collect(node: unknown, found: Texts): void {
  if (Array.isArray(node)) return node.forEach((n) => collect(n, found));
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (o.type === 'mrkdwn' && typeof o.text === 'string') found.texts.push(o.text);
  if (o.type === 'button' && typeof o.value === 'string') found.values.push(o.value);
  for (const [k, v] of Object.entries(o)) if (k !== 'type' && typeof v === 'object') collect(v, found);
}
