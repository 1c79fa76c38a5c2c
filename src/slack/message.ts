import type { WebClient } from '@slack/web-api';
import { renderPng } from '../charts/render-png';
import { ANSWER_NOT_SHOWN, ExpectedFailure } from '../domain/expected-failure';
import {
  askedFor,
  type ChartAttachment,
  type FileAttachment,
  type Reply,
  replyPages,
  threadPages,
} from '../render/reply';

/**
 * A reply as Slack's respond() takes it, in as many messages as Slack's 50 blocks each need (a board of many stages
 * is two): posted in the channel, or shown only to the person who asked. A response_url takes five messages.
 */
export function slackMessages(reply: Reply) {
  return replyPages(reply).map((page) => ({
    response_type: reply.visibility === 'channel' ? ('in_channel' as const) : ('ephemeral' as const),
    replace_original: false,
    ...page,
  }));
}

/** A reply where no response_url exists (modal submissions): posted in the channel, or shown to the person alone. */
export async function postReply(client: WebClient, channel: string, user: string, reply: Reply): Promise<void> {
  if (reply.visibility === 'channel') {
    await postInChannel(client, channel, reply);
    return;
  }
  for (const page of replyPages(reply)) await client.chat.postEphemeral({ channel, user, ...page });
}

/**
 * A reply's chart, drawn and uploaded: in a thread (the digest's), or to the channel saying who asked (an ephemeral
 * message can't carry a file).
 */
export async function uploadChart(
  client: WebClient,
  channel: string,
  chart: ChartAttachment,
  where: { threadTs: string } | { askedBy: string },
): Promise<void> {
  const file = await renderPng(chart.spec);
  const placement =
    'threadTs' in where ? { thread_ts: where.threadTs } : { initial_comment: askedFor(where.askedBy, chart) };
  await client.files.uploadV2({
    channel_id: channel,
    file,
    filename: chart.fileName,
    title: chart.title,
    ...placement,
  });
}

/** A reply's file (an export), uploaded to the channel saying who asked: an ephemeral message can't carry a file. */
export async function uploadFile(
  client: WebClient,
  channel: string,
  file: FileAttachment,
  askedBy: string,
): Promise<void> {
  await client.files.uploadV2({
    channel_id: channel,
    content: file.content,
    filename: file.fileName,
    title: file.title,
    initial_comment: askedFor(askedBy, file),
  });
}

/**
 * Posts a channel reply as the bot; the pages beyond Slack's 50 blocks and the reply's `thread` (if any) follow as
 * replies to it. Resolves with the message's ts once the channel message is posted; `afterPosted` hears it at once,
 * so a caller can record it even when a thread reply fails after it.
 */
export async function postInChannel(
  client: WebClient,
  channel: string,
  reply: Reply,
  afterPosted?: (ts: string) => Promise<void> | void,
): Promise<string> {
  const [first, ...more] = replyPages(reply);
  const posted = await client.chat.postMessage({ channel, ...first });
  await afterPosted?.(posted.ts!);
  const thread = [...more, ...(reply.thread ? threadPages(reply.thread) : [])];
  for (const page of thread) await client.chat.postMessage({ channel, thread_ts: posted.ts!, ...page });
  return posted.ts!;
}

/**
 * Sends a command's answer. The command ran and what it changed is saved, so a failure to send is the expected
 * failure ANSWER_NOT_SHOWN (the send's error as its cause): app.error's apology must not say nothing changed.
 */
export async function sendAnswer(send: () => Promise<void>): Promise<void> {
  await send().catch((error: unknown) => Promise.reject(new ExpectedFailure(ANSWER_NOT_SHOWN, null, { cause: error })));
}
