import type { DateTime } from 'luxon';
import { byOccurrence, type PbiEvent, type SquareState } from './events';
import { rankAdded } from './rank';
import { STANDARD } from './service-class';
import { isTrackerKind } from './tracker-kind';
import type { TrackerOrder } from './tracker-order';
import { isFinishedStage, isStartedStage, type Workflow } from './workflow';

/** A link to where a PBI was talked about (`/pbi link`): its decision trail, newest last. */
export type PbiLink = { url: string; title: string; at: DateTime; actor: string };

/** One team's part of a PBI. */
export type Square = { team: string; state: SquareState; startedAt: DateTime | null; doneAt: DateTime | null };

/** A Product Backlog Item as its history makes it now. */
export type Pbi = {
  key: string;
  title: string;
  url: string | null;
  stage: string;
  squares: Square[];
  blocked: { reason: string; at: DateTime } | null;
  discardedAt: DateTime | null;
  /** first entry into the start stage or later; kept when the item moves backwards */
  startedAt: DateTime | null;
  /** entry into the finished part; cleared when the item is reopened */
  finishedAt: DateTime | null;
  stageEnteredAt: DateTime;
  createdAt: DateTime;
  lastEventAt: DateTime;
  /** who said they are swarming on it */
  swarming: string[];
  /** aging nudges leave it out up to and including this date (YYYY-MM-DD, the Nexus's zone) */
  snoozedUntil: string | null;
  /** its place in the Product Backlog: ranks compare as strings (backlog.ts) */
  rank: string;
  /** when someone last ranked it with `/pbi rank` (a tracker's order does not overrule it: tracker-order.ts) */
  rankedAt: DateTime | null;
  /** its place in its tracker's own order, as the tracker last gave it; null when no tracker gave one */
  trackerOrder: TrackerOrder | null;
  /** keys of the PBIs it can't be integrated before, in the order they were added */
  dependsOn: string[];
  /**
   * those of `dependsOn` that its tracker's links brought (added by a tracker): the tracker has the last word on them,
   * so a link removed there takes them away; one typed with `/pbi depends` stays until `/pbi depends … remove`
   */
  linkedOn: string[];
  /** its class of service as the Nexus spells it (service-class.ts): `standard` until given another */
  serviceClass: string;
  /** the date (YYYY-MM-DD) a fixed-date PBI is due by; null for every other class */
  dueDate: string | null;
  /** links to where it was talked about, in the order they were added */
  links: PbiLink[];
};

const keyCollator = new Intl.Collator('en', { numeric: true });

/** Keys in the order people count them: PBI-2 before PBI-10. */
export function compareKeys(a: string, b: string): number {
  return keyCollator.compare(a, b);
}

/**
 * The one order of work by age, oldest first: earliest start, then longest in its stage, then key; items not started
 * come last. Boards, aging lists, the digest and queues all sort with it, so equally old PBIs come in the same order
 * everywhere (an earlier start is never a lower age: age counts from the start's local date).
 */
export function oldestFirst(a: Pbi, b: Pbi): number {
  const start = (p: Pbi) => p.startedAt?.toMillis() ?? Number.MAX_SAFE_INTEGER;
  return start(a) - start(b) || a.stageEnteredAt.toMillis() - b.stageEnteredAt.toMillis() || compareKeys(a.key, b.key);
}

/** Left out of the digest's aging nudges: snoozed up to and including a day not before `today`. */
export function isSnoozed(pbi: Pbi, today: string): boolean {
  return pbi.snoozedUntil !== null && pbi.snoozedUntil >= today;
}

export function isInProgress(pbi: Pbi): boolean {
  return pbi.startedAt !== null && pbi.finishedAt === null && pbi.discardedAt === null;
}

/** The two instants flow metrics of finished items need. */
export type FlowDates = Pick<Pbi, 'startedAt' | 'finishedAt'>;

export function isFinished(pbi: FlowDates): boolean {
  return pbi.finishedAt !== null && pbi.startedAt !== null;
}

/** Applies one event. `pbi` is undefined only for `pbi.added`. */
export function evolve(pbi: Pbi | undefined, event: PbiEvent, workflow: Workflow): Pbi {
  if (event.type === 'pbi.added') return added(event, workflow);
  if (!pbi) throw new Error(`${event.type} for ${event.key} before it was added`);
  const next = { ...pbi, lastEventAt: event.at };
  switch (event.type) {
    case 'pbi.moved':
      // a move into the stage it is already in (trackers repeat themselves) keeps the time it entered
      return next.stage === event.to ? next : enterStage(next, event.to, event.at, workflow);
    case 'square.changed':
      return {
        ...next,
        squares: next.squares.map((s) => (s.team === event.team ? changeSquare(s, event.to, event.at) : s)),
      };
    case 'pbi.teams-changed': {
      const kept = next.squares.filter((s) => !event.removed.includes(s.team));
      const fresh = event.added.map((team): Square => ({ team, state: 'not-started', startedAt: null, doneAt: null }));
      return { ...next, squares: [...kept, ...fresh] };
    }
    case 'pbi.renamed':
      return { ...next, title: event.title, url: event.url };
    case 'pbi.blocked':
      return { ...next, blocked: { reason: event.reason, at: event.at } };
    case 'pbi.unblocked':
      return { ...next, blocked: null };
    case 'pbi.discarded':
      return { ...next, discardedAt: event.at };
    case 'pbi.swarming':
      return {
        ...next,
        swarming: next.swarming.includes(event.actor) ? next.swarming : [...next.swarming, event.actor],
      };
    case 'pbi.snoozed':
      return { ...next, snoozedUntil: event.until };
    case 'pbi.ranked':
      return { ...next, rank: event.rank, rankedAt: event.at };
    case 'pbi.tracker-ordered':
      return {
        ...next,
        rank: event.rank ?? next.rank,
        trackerOrder: { tracker: event.tracker, value: event.order, at: event.at },
      };
    case 'pbi.dependency-added': {
      const linked = isTrackerKind(event.actor) && !next.linkedOn.includes(event.on);
      const withLink = linked ? { ...next, linkedOn: [...next.linkedOn, event.on] } : next;
      return next.dependsOn.includes(event.on) ? withLink : { ...withLink, dependsOn: [...next.dependsOn, event.on] };
    }
    case 'pbi.dependency-removed':
      return {
        ...next,
        dependsOn: next.dependsOn.filter((k) => k !== event.on),
        linkedOn: next.linkedOn.filter((k) => k !== event.on),
      };
    case 'pbi.class-changed':
      return { ...next, serviceClass: event.serviceClass, dueDate: event.dueDate };
    case 'pbi.linked': {
      const link = { url: event.url, title: event.title, at: event.at, actor: event.actor };
      return { ...next, links: [...next.links.filter((l) => l.url !== event.url), link] };
    }
    case 'pbi.unlinked':
      return { ...next, links: next.links.filter((l) => l.url !== event.url) };
    default: {
      // a type a newer version of the bot wrote (replicas of two versions during a deploy): kept in history, skipped
      const unknown: never = event; // still a compile error when a known type is left out above
      void unknown;
      return pbi;
    }
  }
}

/**
 * The event as recorded: never before the PBI's latest change. History is read in order of occurrence, and the clocks
 * of replicas (or a tracker's) differ by moments: an event dated before the latest would be folded in another place
 * than the one it was applied in.
 */
export function inOrder<E extends PbiEvent>(event: E, pbi: Pbi): E {
  return event.at < pbi.lastEventAt ? { ...event, at: pbi.lastEventAt } : event;
}

/** A PBI's entry into a stage (its addition or a move). `T` is its instant: a DateTime, or epoch milliseconds. */
export type StageEntry<T = DateTime> = { stage: string; at: T };
type StagePlace<T> = { stage: string; stageEnteredAt: T; startedAt: T | null; finishedAt: T | null };

/**
 * The start and finish a PBI's stage entries, in order of occurrence, give under `workflow`: exactly what `replay`
 * gives, as only entering a stage depends on the workflow. A workflow change re-derives these alone (over plain
 * milliseconds for the thousands of PBIs of a large Nexus), without loading whole histories.
 */
export function flowDatesOf<T>(
  entries: readonly StageEntry<T>[],
  workflow: Workflow,
): { startedAt: T | null; finishedAt: T | null } {
  let place = null as StagePlace<T> | null;
  for (const { stage, at } of entries) {
    if (place?.stage === stage) continue; // as a move into the stage it is already in
    place = enterStage(place ?? { stage, stageEnteredAt: at, startedAt: null, finishedAt: null }, stage, at, workflow);
  }
  return { startedAt: place?.startedAt ?? null, finishedAt: place?.finishedAt ?? null };
}

/** Folds a PBI's whole history, in order of occurrence. */
export function replay(events: readonly PbiEvent[], workflow: Workflow): Pbi | undefined {
  return byOccurrence(events).reduce<Pbi | undefined>((pbi, e) => evolve(pbi, e, workflow), undefined);
}

function added(event: Extract<PbiEvent, { type: 'pbi.added' }>, workflow: Workflow): Pbi {
  const pbi: Pbi = {
    key: event.key,
    title: event.title,
    url: event.url,
    stage: event.stage,
    squares: event.teams.map((team) => ({ team, state: 'not-started', startedAt: null, doneAt: null })),
    blocked: null,
    discardedAt: null,
    startedAt: null,
    finishedAt: null,
    stageEnteredAt: event.at,
    createdAt: event.at,
    lastEventAt: event.at,
    swarming: [],
    snoozedUntil: null,
    rank: rankAdded(event.at, event.key),
    rankedAt: null,
    trackerOrder: null,
    dependsOn: [],
    linkedOn: [],
    serviceClass: STANDARD,
    dueDate: null,
    links: [],
  };
  return enterStage(pbi, event.stage, event.at, workflow);
}

function enterStage<T, P extends StagePlace<T>>(pbi: P, stage: string, at: T, workflow: Workflow): P {
  const started = isStartedStage(workflow, stage);
  const finished = isFinishedStage(workflow, stage);
  return {
    ...pbi,
    stage,
    stageEnteredAt: at,
    startedAt: pbi.startedAt ?? (started ? at : null),
    finishedAt: finished ? (pbi.finishedAt ?? at) : null,
  };
}

function changeSquare(square: Square, to: SquareState, at: DateTime): Square {
  if (to === 'not-started') return { ...square, state: to, startedAt: null, doneAt: null };
  if (to === 'started') return { ...square, state: to, startedAt: square.startedAt ?? at, doneAt: null };
  return { ...square, state: to, startedAt: square.startedAt ?? at, doneAt: at };
}
