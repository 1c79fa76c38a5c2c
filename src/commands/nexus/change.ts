import type { NexusEvent } from '../../domain/events';
import type { Nexus } from '../../domain/nexus';
import { code, context, section } from '../blocks';
import type { NexusContext } from '../command';
import { ephemeral, inChannel, refusal, type Reply } from '../reply';

/** A change told to the channel, a refusal, or the setting as it is (asked with no arguments), told to the asker. */
export type SettingsOutcome = { nexus: Nexus; said: string } | { refused: string } | { shown: string };

/** Saves the Nexus's new settings with the event recording them; `said` is what the channel is told. */
export async function saveSettings(ctx: NexusContext, after: Nexus, type: NexusEvent['type'], value: unknown, said: string): Promise<SettingsOutcome> {
  const nexus = await ctx.store.nexuses.update(ctx.nexus, after, { type, at: ctx.now(), actor: ctx.userId, value });
  return { nexus, said };
}

export function renderSettings(outcome: SettingsOutcome, usage: string, detail?: (nexus: Nexus) => string): Reply {
  if ('refused' in outcome) return refusal(outcome.refused, usage);
  if ('shown' in outcome) return ephemeral(outcome.shown, [section(outcome.shown), context(`Change it: ${code(usage)}`)]);
  const blocks = [section(outcome.said)];
  if (detail) blocks.push(context(detail(outcome.nexus)));
  return inChannel(outcome.said, blocks);
}
