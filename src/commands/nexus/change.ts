import type { NexusEvent } from '../../domain/events';
import type { Nexus } from '../../domain/nexus';
import { context, section } from '../blocks';
import type { NexusContext } from '../command';
import { inChannel, refusal, type Reply } from '../reply';

export type SettingsOutcome = { nexus: Nexus; said: string } | { refused: string };

/** Saves the Nexus's new settings with the event recording them; `said` is what the channel is told. */
export async function saveSettings(ctx: NexusContext, after: Nexus, type: NexusEvent['type'], value: unknown, said: string): Promise<SettingsOutcome> {
  const nexus = await ctx.store.nexuses.update(ctx.nexus, after, { type, at: ctx.now(), actor: ctx.userId, value });
  return { nexus, said };
}

export function renderSettings(outcome: SettingsOutcome, usage: string, detail?: (nexus: Nexus) => string): Reply {
  if ('refused' in outcome) return refusal(outcome.refused, usage);
  const blocks = [section(outcome.said)];
  if (detail) blocks.push(context(detail(outcome.nexus)));
  return inChannel(outcome.said, blocks);
}
