import type { DateTime } from 'luxon';
import type { RankPlace } from './backlog';

export const SQUARE_STATES = ['not-started', 'started', 'done'] as const;
export type SquareState = (typeof SQUARE_STATES)[number];

type EventBase = { key: string; at: DateTime; actor: string };

/** Everything that ever happens to a PBI. The history of these is the source of every metric. */
export type PbiEvent = EventBase &
  (
    | { type: 'pbi.added'; title: string; url: string | null; stage: string; teams: string[] }
    /** put at another place in the Product Backlog's order (see backlog.ts) */
    | { type: 'pbi.ranked'; rank: string; place: RankPlace }
    /**
     * its tracker gave it the place `order` in its own order (tracker-order.ts): recorded, and when `rank` is not null
     * it was put there among the PBIs of that tracker
     */
    | { type: 'pbi.tracker-ordered'; tracker: string; order: string | number; rank: string | null }
    | { type: 'pbi.moved'; from: string; to: string }
    | { type: 'square.changed'; team: string; from: SquareState; to: SquareState }
    | { type: 'pbi.teams-changed'; added: string[]; removed: string[] }
    /** its tracker gave it another title or address */
    | { type: 'pbi.renamed'; title: string; url: string | null }
    | { type: 'pbi.blocked'; reason: string }
    | { type: 'pbi.unblocked' }
    | { type: 'pbi.discarded'; reason: string | null }
    /** someone said they are swarming on it (from the digest) */
    | { type: 'pbi.swarming' }
    /** left out of aging nudges up to and including `until`, a date in the Nexus's zone */
    | { type: 'pbi.snoozed'; until: string }
    /** it can't be integrated before `on` is (see dependencies.ts) */
    | { type: 'pbi.dependency-added'; on: string }
    | { type: 'pbi.dependency-removed'; on: string }
    /** given a class of service (service-class.ts); `dueDate` (YYYY-MM-DD) for fixed-date work, else null */
    | { type: 'pbi.class-changed'; serviceClass: string; dueDate: string | null }
    /** a link to where it was talked about (a Slack thread, a document), with a short note saying what it is */
    | { type: 'pbi.linked'; url: string; title: string }
    | { type: 'pbi.unlinked'; url: string }
  );

/** The Nexus's own settings changes, kept in the same history for the audit trail. */
export type NexusEvent = {
  type:
    | 'nexus.created'
    | 'nexus.teams-changed'
    | 'nexus.workflow-changed'
    | 'nexus.sle-changed'
    | 'nexus.digest-changed'
    | 'nexus.zone-changed'
    | 'nexus.nit-changed'
    | 'nexus.forecast-changed'
    /** the Sprint cadence: value { firstDay, length } */
    | 'nexus.sprint-changed'
    | 'nexus.classes-changed'
    /** a team's own channel set or taken away: value, the Nexus's team channels [{ team, channelId }] */
    | 'nexus.team-channels-changed';
  at: DateTime;
  actor: string;
  /** the setting's new value, whole, so history alone can rebuild it */
  value: unknown;
};

/** Events in order of occurrence; the order they were recorded breaks ties. */
export function byOccurrence<E extends { at: DateTime }>(events: readonly E[]): E[] {
  return events
    .map((event, i) => ({ event, i }))
    .sort((a, b) => a.event.at.toMillis() - b.event.at.toMillis() || a.i - b.i)
    .map(({ event }) => event);
}
