import type { NexusEvent } from '../../domain/events';
import type { Nexus } from '../../domain/nexus';
import type { DroppedMappings } from '../../domain/tracker';
import { code, context, escape, section } from '../../render/blocks';
import { explain, isMistake } from '../../render/problems';
import { ephemeral, inChannel, type Reply, refusal } from '../../render/reply';
import { TRACKER_NAMES } from '../../render/tracker-news';
import type { NexusContext } from '../command';

/**
 * A change told to the channel (with the tracker labels and statuses it unmapped, when it removed their teams or
 * stages), a refusal, or the setting as it is (asked with no arguments), told to the asker.
 */
export type SettingsOutcome = { nexus: Nexus; said: string; unmapped: DroppedMappings } | Refused | { shown: string };

/** A settings change not made, and why; `mistake` when what was typed was wrong, so the usage goes with it. */
export type Refused = { refused: string; mistake?: true };

/** A problem as a settings refusal. */
export const refusedFor = (problem: Parameters<typeof explain>[0]): Refused => ({
  refused: explain(problem),
  ...(isMistake(problem) ? { mistake: true as const } : {}),
});

/** New settings, what they record and what the channel is told; or why not. */
export type SettingsDecision = { after: Nexus; value: unknown; said: string } | Refused;

/**
 * Saves the Nexus's new settings with the event recording them. `decide` works on the Nexus as it is when the change
 * takes its turn (another change may have come first), so it runs inside the store's write, not on `ctx.nexus`.
 */
export async function saveSettings(
  ctx: NexusContext,
  type: NexusEvent['type'],
  decide: (nexus: Nexus) => SettingsDecision,
): Promise<SettingsOutcome> {
  let said = '';
  const outcome = await ctx.store.nexuses.change(ctx.nexus.id, (nexus) => {
    const decided = decide(nexus);
    if ('refused' in decided) return decided;
    said = decided.said;
    return { after: decided.after, event: { type, at: ctx.now(), actor: ctx.userId, value: decided.value } };
  });
  if ('saved' in outcome) return { nexus: outcome.saved, said, unmapped: outcome.unmapped };
  return 'refused' in outcome ? outcome : refusedFor(outcome);
}

export function renderSettings(outcome: SettingsOutcome, usage: string, detail?: (nexus: Nexus) => string): Reply {
  if ('refused' in outcome) return refusal(outcome.refused, outcome.mistake ? usage : undefined);
  if ('shown' in outcome)
    return ephemeral(outcome.shown, [section(outcome.shown), context(`Change it: ${code(usage)}`)]);
  const said = [outcome.said, ...unmappedNotes(outcome.unmapped)].join(' ');
  const blocks = [section(said)];
  if (detail) blocks.push(context(detail(outcome.nexus)));
  return inChannel(said, blocks);
}

/** The channel also hears which tracker labels and statuses the change unmapped, as they meant what it removed. */
function unmappedNotes({ labels, statuses }: DroppedMappings): string[] {
  const notes: string[] = [];
  if (labels.length) {
    const listed = labels.map((m) => `${TRACKER_NAMES[m.kind]} "${escape(m.label)}" (${escape(m.team)})`);
    notes.push(
      `Tracker labels that meant a removed team now mean no team: ${listed.join(', ')}; \`/nexus map <tracker> team "<label>" <team>\` maps one again.`,
    );
  }
  if (statuses.length) {
    const listed = statuses.map((m) => `${TRACKER_NAMES[m.kind]} "${escape(m.status)}" (${escape(m.stage)})`);
    notes.push(
      `Tracker statuses that meant a removed stage are unmapped: ${listed.join(', ')}; they now map as any status no one mapped (to a stage of their name or by their category, else held for the NIT), and \`/nexus map <tracker> "<status>" <stage>\` maps one again.`,
    );
  }
  return notes;
}
