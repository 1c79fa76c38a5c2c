import { type CalendarDate, localDate, type Weekday } from '../../domain/calendar';
import type { NexusEvent } from '../../domain/events';
import type { DigestSchedule, ForecastSetting, Nexus, TeamsProblem } from '../../domain/nexus';
import { nextSprintReportsDay } from '../../domain/report-slot';
import type { ClassProblem, ServiceClass } from '../../domain/service-class';
import type { SleSetting } from '../../domain/sle';
import type { Sprints } from '../../domain/sprint';
import type { DroppedMappings, TrackerKind } from '../../domain/tracker';
import type { WorkflowProblem } from '../../domain/workflow';
import type { SettingsInUse } from '../../store/nexus-repository';
import type { ChannelPostProblem } from '../channel-posts';
import type { NexusContext } from '../command';

/**
 * Why a /nexus command changed nothing, as facts: `explain` in render/problems words it, and `isMistake` there decides
 * whether the command's form goes with it (none of these is a mistake in what was typed: each answers about the Nexus
 * as it is).
 */
export type NexusProblem =
  | { problem: 'same-zone'; zone: string }
  /** `/nexus stage wait` asking for what the stage is already */
  | { problem: 'same-wait'; stage: string; wait: boolean }
  /** a zone typed after the digest's time: the zone is a setting of its own (`/nexus zone`) */
  | { problem: 'zone-in-digest'; zone: string; timeZone: string; time: string | undefined }
  | { problem: 'already-in-nit' | 'not-in-nit'; users: string[] }
  | { problem: 'nit-left-empty' }
  /** `/nexus sprint --review on` with no cadence to find the Sprints' last working days by */
  | { problem: 'reports-without-cadence' }
  /** `disconnecting` when the person asked to disconnect it, so there is nothing to tell them to do */
  | { problem: 'tracker-not-connected'; kind: TrackerKind; disconnecting?: true }
  /** `/nexus team <team> channel` naming the Nexus's own channel, the team's channel already, or `off` with none */
  | { problem: 'team-channel-is-nexus' | 'no-team-channel'; team: string }
  | { problem: 'same-team-channel'; team: string; channelId: string }
  | ChannelPostProblem;

/** Why a settings change was not made: the command's own reason, the workflow's or the teams', or the store's. */
export type SettingsProblem = NexusProblem | WorkflowProblem | TeamsProblem | ClassProblem | SettingsInUse;

/**
 * What a settings change did, as facts: the channel's sentence about it is worded by `renderSettings` in
 * render/settings.ts. Names are as the Nexus holds them after the change, not as they were typed.
 */
export type SettingsChanged =
  /** `users` as mentioned (some may have been in it already), `nit` the team as it now is */
  | { setting: 'nit'; action: 'add' | 'remove'; users: string[]; nit: string[] }
  /** `changed` the teams added or removed, `teams` the Nexus's teams now */
  | { setting: 'teams'; action: 'add' | 'remove'; changed: string[]; teams: string[] }
  | { setting: 'stage'; action: 'add' | 'wip'; stage: string; wipLimit: number | null }
  | { setting: 'stage'; action: 'remove'; stage: string }
  /** marked as a wait (queue) stage, or unmarked */
  | { setting: 'stage'; action: 'wait'; stage: string; wait: boolean }
  | { setting: 'flow'; start: string; finish: string }
  | { setting: 'sle'; sle: SleSetting }
  | { setting: 'digest'; digest: DigestSchedule; timeZone: string }
  | { setting: 'zone'; from: string; to: string }
  /** `workingDays`: the digest's days, which "working days only" counts */
  | { setting: 'forecast'; forecast: ForecastSetting; workingDays: Weekday[] }
  /** `set`: a class the Nexus had given this SLE and WIP limit (none: null) */
  | { setting: 'class'; action: 'add' | 'set' | 'remove'; serviceClass: ServiceClass }
  /** a team's own channel (null: taken away), and the digest time its daily line goes out at (null: digest off) */
  | { setting: 'team-channel'; team: string; channelId: string | null; digestTime: string | null }
  /**
   * the cadence set (`forecast.sprintStart` null: forgotten; `cadenceKept`: only the Sprint reports changed), the
   * Sprints around the day it was set, and the day the Sprint reports are next posted (null: none posts by itself)
   */
  | {
      setting: 'sprint';
      forecast: ForecastSetting;
      sprints: Sprints;
      today: CalendarDate;
      cadenceKept: boolean;
      reportsOn: CalendarDate | null;
    };

/** A setting shown as it is, asked for with no arguments. */
export type SettingShown = 'teams' | 'zone' | 'digest' | 'sle' | 'forecast' | 'classes' | 'sprint';

/**
 * A change told to the channel, with who made it (and the tracker labels and statuses it unmapped, when it removed
 * their teams or stages); a problem; or a setting of the Nexus shown as it is, to the asker.
 */
export type SettingsOutcome =
  | { nexus: Nexus; changed: SettingsChanged; by: string; unmapped: DroppedMappings }
  | SettingsProblem
  | { shown: SettingShown; nexus: Nexus; today: CalendarDate; reportsOn: CalendarDate | null };

/** New settings, what they record and what changed; or why not. */
export type SettingsDecision =
  | { after: Nexus; value: unknown; changed: SettingsChanged }
  | NexusProblem
  | WorkflowProblem
  | TeamsProblem
  | ClassProblem;

/**
 * Saves the Nexus's new settings with the event recording them. `decide` works on the Nexus as it is when the change
 * takes its turn (another change may have come first), so it runs inside the store's write, not on `ctx.nexus`.
 */
export async function saveSettings(
  ctx: NexusContext,
  type: NexusEvent['type'],
  decide: (nexus: Nexus) => SettingsDecision,
): Promise<SettingsOutcome> {
  // what the decision that was saved changed: the store may run `decide` more than once, the last run is written
  let changed = null as SettingsChanged | null;
  const outcome = await ctx.store.nexuses.change(ctx.nexus.id, (nexus) => {
    const decided = decide(nexus);
    if ('problem' in decided) return decided;
    changed = decided.changed;
    return { after: decided.after, event: { type, at: ctx.now(), actor: ctx.userId, value: decided.value } };
  });
  if (!('saved' in outcome)) return outcome;
  if (!changed) throw new Error('a settings change was saved without a decision to make it');
  return { nexus: outcome.saved, changed, by: ctx.userId, unmapped: outcome.unmapped };
}

/**
 * A setting of the Nexus as it is, for a settings command typed alone, with the day the Sprint reports are next posted
 * (null: none posts by itself).
 */
export const showSetting = (shown: SettingShown, ctx: NexusContext): Promise<SettingsOutcome> =>
  Promise.resolve({
    shown,
    nexus: ctx.nexus,
    today: localDate(ctx.now(), ctx.nexus.timeZone),
    reportsOn: nextSprintReportsDay(ctx.nexus, ctx.now()),
  });
