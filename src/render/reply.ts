import type { VegaSpec } from '../charts/render-png';
import { type Block, code, context, escape, fallbackText, pages, section } from './blocks';

/**
 * A chart that goes with a reply, as a Vega specification: Slack always uploads it as an image; the console draws it
 * to a PNG file when the command asked for it (`--chart`).
 */
export type ChartAttachment = { title: string; fileName: string; spec: VegaSpec; requested: boolean };

/** A file that goes with a reply (an export): Slack uploads it to the channel, the console writes it to a folder. */
export type FileAttachment = { title: string; fileName: string; content: string };

/**
 * What a command answers: shown only to the person who typed it, or posted for the whole Nexus channel to see;
 * `thread` holds details posted as a reply to a channel message (the digest); `followUp` is a second answer to the
 * person alone (a nudge).
 */
export type Reply = {
  visibility: 'ephemeral' | 'channel';
  text: string;
  blocks: Block[];
  chart?: ChartAttachment;
  file?: FileAttachment;
  thread?: Block[];
  followUp?: Reply;
};

export function ephemeral(text: string, blocks: Block[] = [section(text)]): Reply {
  return { visibility: 'ephemeral', text, blocks };
}

export function inChannel(text: string, blocks: Block[] = [section(text)]): Reply {
  return { visibility: 'channel', text, blocks };
}

/**
 * A short answer to a command that could not be done; nothing changed. `usage`, the right form, only for a mistake in
 * what was typed (words that don't fit the form, a name that isn't there): an answer about the Nexus's state ("not
 * enough history", "already blocked") carries none, as if it were one (see `isMistake` in problems).
 */
export function refusal(message: string, usage?: string): Reply {
  const blocks = [section(message)];
  if (usage) blocks.push(context(`Usage: ${code(usage)}`));
  return { visibility: 'ephemeral', text: usage ? `${message}\nUsage: ${usage}` : message, blocks };
}

/**
 * A reply's blocks in as many messages as Slack's 50 blocks each need (a board of many stages is two): the first
 * carries the reply's text, the rest say they continue it.
 */
export function replyPages(reply: Pick<Reply, 'text' | 'blocks'>): { text: string; blocks: Block[] }[] {
  const split = pages(reply.blocks);
  if (!split.length) return [{ text: fallbackText(reply.text), blocks: [] }];
  return split.map((blocks, i) => ({
    text: i === 0 ? fallbackText(reply.text) : `(continued ${i + 1}/${split.length})`,
    blocks,
  }));
}

/** A reply's `thread`, in pages for replies to its channel message. */
export const threadPages = (thread: Block[]) => replyPages({ text: 'Details', blocks: thread });

/**
 * A channel message's thread that could not be posted (the channel message was): its details, told to the person
 * who asked instead.
 */
export function threadNotPosted(thread: readonly Block[]): Reply {
  const details = ephemeral('The message is posted; its details could not go in the thread, so here they are:');
  return { ...details, blocks: [...details.blocks, ...thread] };
}

/** What a chart (or an export) uploaded to the channel says with it: who asked (an ephemeral answer can't carry a file). */
export const askedFor = (user: string, chart: { title: string }): string => `<@${user}> asked: ${escape(chart.title)}`;
