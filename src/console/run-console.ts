import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { renderPng } from '../charts/render-png';
import { runLine } from '../commands';
import type { ChannelPosts } from '../commands/channel-posts';
import type { CommandContext } from '../commands/command';
import type { ChartAttachment, FileAttachment } from '../render/reply';
import { localFiles } from './local-files';
import { blocksToText } from './plain-text';

/** Draws a reply's chart into `dir` and says where it is. */
async function writeChart(chart: ChartAttachment, dir: string): Promise<string> {
  const file = path.resolve(dir, chart.fileName);
  await mkdir(dir, { recursive: true });
  await writeFile(file, await renderPng(chart.spec));
  return file;
}

/** Writes a reply's file (an export) into `dir` and says where it is. */
async function writeExport(file: FileAttachment, dir: string): Promise<string> {
  const where = path.resolve(dir, file.fileName);
  await mkdir(dir, { recursive: true });
  await writeFile(where, file.content);
  return where;
}

/** The console's other channels: a post there is printed as a channel post, naming the channel. */
export function consoleChannels(output: Writable): ChannelPosts {
  return {
    async post(channel, reply) {
      const channelId = channel.name ?? channel.id!;
      output.write(`[posted in #${channelId}]\n${blocksToText(reply.blocks)}\n`);
      if (reply.thread) output.write(`[in its thread]\n${blocksToText(reply.thread)}\n`);
      return { channelId };
    },
  };
}

export const LOCAL_WORKSPACE = 'local';
export const LOCAL_USER = 'you';

/**
 * Local mode: one command per line, exactly as typed in Slack, each answer printed as text. Lines are run one after
 * another, so a piped script behaves like a person typing. Ends at end of input or `exit`.
 */
export async function runConsole(
  ctx: Omit<CommandContext, 'workspaceId' | 'userId'> & { chartsDir: string; exportsDir: string; filesDir: string },
  io: { input: Readable; output: Writable; interactive: boolean },
): Promise<void> {
  const lines = createInterface({ input: io.input, terminal: false });
  const prompt = () => io.interactive && io.output.write('nexus> ');
  prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === 'exit' || line === 'quit') break;
    if (line && !line.startsWith('#')) {
      if (!line.startsWith('/')) io.output.write('Commands start with /, e.g. /nexus help\n');
      else {
        const files = localFiles(ctx.filesDir);
        const channels = consoleChannels(io.output);
        const reply = await runLine(line, {
          ...ctx,
          files,
          channels,
          workspaceId: LOCAL_WORKSPACE,
          userId: LOCAL_USER,
        });
        const where = reply.visibility === 'channel' ? `[posted in #${ctx.channelId}]` : '[only you see this]';
        io.output.write(`${where}\n${blocksToText(reply.blocks)}\n`);
        if (reply.thread) io.output.write(`[in its thread]\n${blocksToText(reply.thread)}\n`);
        if (reply.followUp) io.output.write(`[only you see this]\n${blocksToText(reply.followUp.blocks)}\n`);
        if (reply.chart?.requested) io.output.write(`  chart: ${await writeChart(reply.chart, ctx.chartsDir)}\n`);
        if (reply.file) io.output.write(`  file: ${await writeExport(reply.file, ctx.exportsDir)}\n`);
        io.output.write('\n');
      }
    }
    prompt();
  }
  lines.close();
}
