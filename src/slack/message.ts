import type { WebClient } from '@slack/web-api';
import { renderPng } from '../charts/render-png';
import { escape } from '../commands/blocks';
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
 * A reply's chart, drawn and uploaded: in a thread (the digest's), or to the channel saying who asked (an ephemeral
 * message can't carry a file).
 */
export async function uploadChart(client: WebClient, channel: string, chart: ChartAttachment, where: { threadTs: string } | { askedBy: string }): Promise<void> {
  const file = await renderPng(chart.spec);
  const placement = 'threadTs' in where ? { thread_ts: where.threadTs } : { initial_comment: `<@${where.askedBy}> asked: ${escape(chart.title)}` };
  await client.files.uploadV2({ channel_id: channel, file, filename: chart.fileName, title: chart.title, ...placement });
}

/** Posts a channel reply as the bot and its `thread` (if any) as a reply to it; resolves with the message's ts. */
export async function postInChannel(client: WebClient, channel: string, reply: Reply): Promise<string> {
  const posted = await client.chat.postMessage({ channel, text: reply.text, blocks: reply.blocks });
  if (reply.thread) await client.chat.postMessage({ channel, thread_ts: posted.ts!, text: 'Details', blocks: reply.thread });
  return posted.ts!;
}
