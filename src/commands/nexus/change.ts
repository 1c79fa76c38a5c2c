import type { NexusEvent } from '../../domain/events';
import type { Nexus, TeamsProblem } from '../../domain/nexus';
import type { DroppedMappings, TrackerKind } from '../../domain/tracker';
import type { WorkflowProblem } from '../../domain/workflow';
import { code, context, escape, section } from '../../render/blocks';
import { isProblem, refuse } from '../../render/problems';
import { ephemeral, inChannel, type Reply } from '../../render/reply';
import { TRACKER_NAMES } from '../../render/tracker-news';
import type { SettingsInUse } from '../../store/nexus-repository';
import type { NexusContext } from '../command';

/**
 * Why a /nexus command changed nothing, as facts: `explain` in render/problems words it, and `isMistake` there decides
 * whether the command's form goes with it (none of these is a mistake in what was typed: each answers about the Nexus
 * as it is).
 */
export type NexusProblem =
  | { problem: 'same-zone'; zone: string }
  /** a zone typed after the digest's time: the zone is a setting of its own (`/nexus zone`) */
  | { problem: 'zone-in-digest'; zone: string; timeZone: string; time: string | undefined }
  | { problem: 'already-in-nit' | 'not-in-nit'; users: string[] }
  | { problem: 'nit-left-empty' }
  /** `disconnecting` when the person asked to disconnect it, so there is nothing to tell them to do */
  | { problem: 'tracker-not-connected'; kind: TrackerKind; disconnecting?: true };

/** Why a settings change was not made: the command's own reason, the workflow's or the teams', or the store's. */
export type SettingsProblem = NexusProblem | WorkflowProblem | TeamsProblem | SettingsInUse;

/**
 * A change told to the channel (with the tracker labels and statuses it unmapped, when it removed their teams or
 * stages), a problem, or the setting as it is (asked with no arguments), told to the asker.
 */
export type SettingsOutcome =
  | { nexus: Nexus; said: string; unmapped: DroppedMappings }
  | SettingsProblem
  | { shown: string };

/** New settings, what they record and what the channel is told; or why not. */
export type SettingsDecision =
  | { after: Nexus; value: unknown; said: string }
  | NexusProblem
  | WorkflowProblem
  | TeamsProblem;

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
    if ('problem' in decided) return decided;
    said = decided.said;
    return { after: decided.after, event: { type, at: ctx.now(), actor: ctx.userId, value: decided.value } };
  });
  if ('saved' in outcome) return { nexus: outcome.saved, said, unmapped: outcome.unmapped };
  return outcome;
}

export function renderSettings(outcome: SettingsOutcome, usage: string, detail?: (nexus: Nexus) => string): Reply {
  if (isProblem(outcome)) return refuse(outcome, usage);
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
