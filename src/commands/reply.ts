import { context, section, type Block } from './blocks';

/** What a command answers: shown only to the person who typed it, or posted for the whole Nexus channel to see. */
export type Reply = { visibility: 'ephemeral' | 'channel'; text: string; blocks: Block[] };

export function ephemeral(text: string, blocks: Block[] = [section(text)]): Reply {
  return { visibility: 'ephemeral', text, blocks };
}

export function inChannel(text: string, blocks: Block[] = [section(text)]): Reply {
  return { visibility: 'channel', text, blocks };
}

/** A short answer to a command that could not be done: what was wrong, then the right form. Nothing changed. */
export function refusal(message: string, usage?: string): Reply {
  const blocks = [section(message)];
  if (usage) blocks.push(context(`Usage: \`${usage}\``));
  return { visibility: 'ephemeral', text: usage ? `${message}\nUsage: ${usage}` : message, blocks };
}
