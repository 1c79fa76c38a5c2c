import type { WebClient } from '@slack/web-api';
import { renderPng } from '../charts/render-png';
import type { ChartAttachment, Reply } from '../commands/reply';

/** A reply as Slack's respond() takes it: posted in the channel, or shown only to the person who asked. */
export function slackMessage(reply: Reply) {
  return {
    response_type: reply.visibility === 'channel' ? ('in_channel' as const) : ('ephemeral' as const),
    replace_original: false,
    text: reply.text,
    blocks: reply.blocks,
  };
}

/** A reply where no response_url exists (modal submissions): posted in the channel, or shown to the person alone. */
export async function postReply(client: WebClient, channel: string, user: string, reply: Reply): Promise<void> {
  if (reply.visibility === 'channel') await client.chat.postMessage({ channel, text: reply.text, blocks: reply.blocks });
  else await client.chat.postEphemeral({ channel, user, text: reply.text, blocks: reply.blocks });
}

/**
 * A reply's chart, drawn and uploaded to the channel (an ephemeral message can't carry a file), saying who asked.
 * The answer itself has already gone out, so a failed upload is logged, not shown as a failed command.
 */
export async function postChart(client: WebClient, channel: string, user: string, chart: ChartAttachment): Promise<void> {
  const file = await renderPng(chart.spec);
  await client.files.uploadV2({ channel_id: channel, file, filename: chart.fileName, title: chart.title, initial_comment: `<@${user}> asked: ${chart.title}` });
}

/**
 * A channel message with details in its thread (the digest). respond() can't start a thread, so the bot posts it
 * itself; where it isn't in the channel, the whole digest goes out through respond() as one message.
 */
export async function postWithThread(client: WebClient, channel: string, reply: Reply, respond: (message: ReturnType<typeof slackMessage>) => Promise<unknown>): Promise<void> {
  try {
    await postInChannel(client, channel, reply);
  } catch {
    await respond(slackMessage({ ...reply, blocks: [...reply.blocks, ...(reply.thread ?? [])] }));
  }
}

/** Posts a channel reply as the bot, its `thread` (if any) as a reply to it. */
export async function postInChannel(client: WebClient, channel: string, reply: Reply): Promise<void> {
  const posted = await client.chat.postMessage({ channel, text: reply.text, blocks: reply.blocks });
  if (reply.thread) await client.chat.postMessage({ channel, thread_ts: posted.ts!, text: 'Details', blocks: reply.thread });
}
