import type { DateTime } from 'luxon';
import type { PbiEvent } from './events';
import { shortenedTitle } from './limits';
import { findTeam, type Nexus } from './nexus';
import { evolve, type Pbi, replay } from './pbi';
import type { TrackerKind } from './tracker-kind';
import type { TrackerOrderValue } from './tracker-order';
import { findStage, sameName, type Workflow } from './workflow';

// the kinds live apart so that pbi.ts can tell a tracker's events without importing this file, which imports it
export { isTrackerKind, TRACKER_KINDS, type TrackerKind } from './tracker-kind';

/**
 * A tracker status as the tracker names it. `category` is the tracker's own grouping where it has one (Jira status
 * category, Linear state type, open/closed on GitHub and GitLab), in the tracker's words.
 */
export type TrackerStatus = { id: string | null; name: string; category: string | null };

/** The category of a status that is only a label: a label no one mapped is any other label, not a status to report. */
export const LABEL = 'label';
/** The category of an item deleted in its tracker: it leaves the flow (discarded), whatever the mapping says. */
export const DELETED = 'deleted';

/**
 * One change of one item, as any tracker reports it: a status change, or (`to` null) a change of its links or its
 * place in the tracker's order alone. Times are the tracker's, never the time of receipt.
 */
export type TrackerChange = {
  item: { key: string; title: string; url: string | null; createdAt: DateTime };
  from: TrackerStatus | null;
  /** the status it moved into; null when the status did not change (the change brings links or an order) */
  to: TrackerStatus | null;
  at: DateTime;
  /** labels, components, team keys or area paths the tracker gives the item: the team mapping reads them */
  teamHints: string[];
  /** the item's links to other items as the tracker has them now; absent when the tracker did not send them */
  links?: TrackerLink[];
  /** the item's place in the tracker's own order now (Jira's rank, Linear's sortOrder); absent when not sent */
  order?: TrackerOrderValue;
  /** whether the item is flagged as impeded now (Jira's Flagged field); absent when the change does not say */
  flagged?: boolean;
};

/** The reason a PBI is blocked with when its tracker flags the item (Jira's Flagged: an impediment). */
export const FLAGGED_REASON = 'flagged in the tracker';

/**
 * The block or unblock a tracker's flag decides: flagged blocks a PBI not blocked, unflagged unblocks one the flag
 * blocked. A block someone gave by hand (another reason) stays until someone unblocks it: the tracker's flag was not
 * what they meant. Nothing for a discarded PBI, or when the flag says what the PBI is already.
 */
export function decideFlag(pbi: Pbi, flagged: boolean, who: { at: DateTime; actor: string }): PbiEvent | null {
  if (pbi.discardedAt) return null;
  if (flagged && !pbi.blocked) return { type: 'pbi.blocked', key: pbi.key, reason: FLAGGED_REASON, ...who };
  if (!flagged && pbi.blocked?.reason === FLAGGED_REASON) return { type: 'pbi.unblocked', key: pbi.key, ...who };
  return null;
}

/** A link from the item to another, in the tracker's words: "is blocked by" ED-3 (Jira), "blocks" ED-9. */
export type TrackerLink = { relation: string; key: string };

/** `links` only when the tracker sent them: none sent is not "no links". */
export function withLinks(links: TrackerLink[] | undefined): Pick<TrackerChange, 'links'> {
  return links === undefined ? {} : { links };
}

/** Relations by which the item can't be done before the other (Jira's Blocks and Dependent link types, Azure's). */
const DEPENDS_ON = ['is blocked by', 'blocked by', 'depends on', 'System.LinkTypes.Dependency-Reverse'].map((r) =>
  squashLink(r),
);
/** Relations by which the other item can't be done before this one. */
const NEEDED_BY = [
  'blocks',
  'blocking',
  'is depended by',
  'is depended on by',
  'System.LinkTypes.Dependency-Forward',
].map((r) => squashLink(r));

function squashLink(relation: string): string {
  return relation.toLowerCase().replace(/[\s_.-]+/g, '');
}

/**
 * The dependencies a tracker's links say: `on`, the items this one can't be integrated before; `neededBy`, the items
 * that can't be integrated before this one. Other links (relates to, duplicates…) say nothing about the flow.
 */
export function trackerDependencies(links: readonly TrackerLink[]): { on: string[]; neededBy: string[] } {
  const having = (relations: string[]) => [
    ...new Set(links.filter((l) => relations.includes(squashLink(l.relation))).map((l) => l.key)),
  ];
  return { on: having(DEPENDS_ON), neededBy: having(NEEDED_BY) };
}

/** What a connection's NIT mapped: status (id, name or category) → stage, and team hint → Nexus team. */
export type TrackerMapping = { statuses: Record<string, string>; teams: Record<string, string> };

/** The trackers' categories in the flow's words: where an unmapped status falls when no stage has its name. */
const CATEGORY_PLACE: Record<string, 'first' | 'start' | 'finish'> = {
  new: 'first', // Jira "To Do"
  indeterminate: 'start', // Jira "In Progress"
  done: 'finish',
  backlog: 'first', // Linear state types
  unstarted: 'first',
  triage: 'first',
  started: 'start',
  completed: 'finish',
  opened: 'start', // GitHub and GitLab: reopened
  closed: 'finish',
};

/** Names compare ignoring case, spaces, hyphens and underscores: "In Progress" is the stage in-progress. */
const squash = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * The stage a status maps to: the NIT's mapping by id, then by name (case and spaces ignored), then by category;
 * then a stage of the same name; then the category's usual place in the flow. Null: unmapped, the NIT must say.
 */
export function stageForStatus(mapping: TrackerMapping, workflow: Workflow, status: TrackerStatus): string | null {
  const entries = Object.entries(mapping.statuses);
  const mapped =
    (status.id !== null ? entries.find(([key]) => key === status.id) : undefined) ??
    entries.find(([key]) => squash(key) === squash(status.name)) ??
    (status.category !== null ? entries.find(([key]) => squash(key) === squash(status.category!)) : undefined);
  if (mapped) return findStage(workflow, mapped[1])?.name ?? null;
  const named = workflow.stages.find((s) => squash(s.name) === squash(status.name));
  if (named) return named.name;
  const place = status.category !== null ? CATEGORY_PLACE[squash(status.category)] : undefined;
  if (place === 'first') return workflow.stages[0].name;
  if (place === 'start') return workflow.startStage;
  if (place === 'finish') return workflow.finishStage;
  return null;
}

/** The Nexus teams the tracker's hints name, through the mapping or by the team's own name. */
export function teamsForHints(
  mapping: TrackerMapping,
  nexus: Pick<Nexus, 'teams'>,
  hints: readonly string[],
): string[] {
  const byHint = new Map(Object.entries(mapping.teams).map(([hint, team]) => [squash(hint), team]));
  const teams = hints
    .map((hint) => findTeam(nexus, byHint.get(squash(hint)) ?? hint))
    .filter((t): t is string => t !== undefined);
  return [...new Set(teams)];
}

/**
 * The change as it can have happened: not after it reached us. A tracker's clock ahead of ours, or a wrong date, would
 * otherwise put a PBI's latest change in the future: commands typed meanwhile would be folded before it (the table and
 * the history disagreeing) and its age could be negative. So a change dated in the future counts from when it arrived.
 */
export function notAfter(change: TrackerChange, receivedAt: DateTime): TrackerChange {
  const clamp = (at: DateTime) => (at > receivedAt ? receivedAt : at);
  return { ...change, at: clamp(change.at), item: { ...change.item, createdAt: clamp(change.item.createdAt) } };
}

/** An event older than the item's latest: it goes into history in its place, and the item is replayed. */
export function isLate(pbi: Pbi, change: Pick<TrackerChange, 'at'>): boolean {
  return change.at < pbi.lastEventAt;
}

/**
 * A change the item's history already holds: the same tracker moved it into the same stage at the same instant. Two
 * doors report one transition (its webhook, then an import of its changelog; or two imports), and it must count once.
 * `history` must hold every event of the item at that instant (see `lateKeys`).
 */
export function isRepeat(
  history: readonly PbiEvent[],
  change: { at: DateTime; stage: string; actor: string },
): boolean {
  const at = change.at.toMillis();
  return history.some(
    (e) => e.type === 'pbi.moved' && e.actor === change.actor && e.at.toMillis() === at && sameName(e.to, change.stage),
  );
}

/** When a change of a known item takes its place: never before the item was created. */
export function placedAt(pbi: Pick<Pbi, 'createdAt'>, change: Pick<TrackerChange, 'at'>): DateTime {
  return change.at < pbi.createdAt ? pbi.createdAt : change.at;
}

export type TrackerMove = { key: string; title: string; url: string | null; from: string | null; to: string };
/** A status no one mapped yet, with how many deliveries wait for it. */
export type Unmapped = { kind: TrackerKind; status: string; waiting: number };
/** What the channel is to hear of the trackers: moves, and statuses without a stage (for the NIT). */
export type TrackerNews = { moves: (TrackerMove & { kind: TrackerKind })[]; unmapped: Unmapped[] };
export type Applied = { events: PbiEvent[]; pbi: Pbi; move: TrackerMove | null };

/**
 * Applies one mapped change. Every change is recorded, also one that leaves the stage as it is: it says where the item
 * was at that time, which a late change must not overrule. An item first seen enters the first stage at its creation
 * in the tracker, then moves, so the result does not depend on which delivery came first. A late change is placed in
 * `history` by its time and the item replayed: it never moves the item backwards. `move` is null when the stage stays.
 */
export function applyTrackerChange(
  workflow: Workflow,
  current: { pbi: Pbi; history: readonly PbiEvent[] | null } | null,
  change: TrackerChange,
  to: { stage: string; teams: string[]; actor: string },
): Applied {
  const { key, url, createdAt } = change.item;
  const title = shortenedTitle(change.item.title);
  if (!current) {
    const first = workflow.stages[0].name;
    const added: PbiEvent = {
      type: 'pbi.added',
      key,
      title,
      url,
      stage: first,
      teams: to.teams,
      at: createdAt < change.at ? createdAt : change.at,
      actor: to.actor,
    };
    const moved: PbiEvent = { type: 'pbi.moved', key, from: first, to: to.stage, at: change.at, actor: to.actor };
    return {
      events: [added, moved],
      pbi: replay([added, moved], workflow)!,
      move: { key, title, url, from: null, to: to.stage },
    };
  }
  const { pbi } = current;
  const { at, lateHistory } = placed(current, change);
  const from = lateHistory
    ? (replay(
        lateHistory.filter((e) => e.at <= at),
        workflow,
      )?.stage ?? pbi.stage)
    : pbi.stage;
  const moved: PbiEvent = { type: 'pbi.moved', key: pbi.key, from, to: to.stage, at, actor: to.actor };
  // the latest change carries the item's title and address as they are now; a late one, as they were
  const events = lateHistory ? [moved] : [...renaming(pbi, { ...change.item, title }, at, to.actor), moved];
  const after = fold(workflow, pbi, lateHistory, events);
  return {
    events,
    pbi: after,
    move: sameName(from, to.stage) ? null : { key: pbi.key, title: after.title, url: after.url, from, to: to.stage },
  };
}

/**
 * An item deleted in its tracker is discarded here: it leaves WIP and the aging nudges. Null when there is nothing to
 * do: an item never seen, already discarded, or finished (its flow data stays, whatever cleaning up the tracker does).
 */
export function applyTrackerDeletion(
  workflow: Workflow,
  current: { pbi: Pbi; history: readonly PbiEvent[] | null } | null,
  change: TrackerChange,
  actor: string,
): Applied | null {
  if (!current || current.pbi.discardedAt || current.pbi.finishedAt) return null;
  const { pbi } = current;
  const { at, lateHistory } = placed(current, change);
  const discarded: PbiEvent = { type: 'pbi.discarded', key: pbi.key, reason: 'deleted in the tracker', at, actor };
  return {
    events: [discarded],
    pbi: fold(workflow, pbi, lateHistory, [discarded]),
    move: { key: pbi.key, title: pbi.title, url: pbi.url, from: pbi.stage, to: DELETED },
  };
}

/**
 * When a change of a known item took place (never before the item was created); `lateHistory` is the item's history
 * when the change is older than its latest, null otherwise.
 */
function placed(
  { pbi, history }: { pbi: Pbi; history: readonly PbiEvent[] | null },
  change: TrackerChange,
): { at: DateTime; lateHistory: readonly PbiEvent[] | null } {
  const at = placedAt(pbi, change);
  if (!isLate(pbi, { at })) return { at, lateHistory: null };
  if (!history) throw new Error(`the history of ${pbi.key} is needed for a change older than its latest`);
  return { at, lateHistory: history };
}

/** The item after the events: late ones are replayed with its history, in their place; the latest just follow on. */
function fold(workflow: Workflow, pbi: Pbi, lateHistory: readonly PbiEvent[] | null, events: PbiEvent[]): Pbi {
  return lateHistory
    ? replay([...lateHistory, ...events], workflow)!
    : events.reduce((p, e) => evolve(p, e, workflow), pbi);
}

/** A rename when the tracker's title or address differs; a tracker that sends no address keeps the one known. */
function renaming(pbi: Pbi, item: TrackerChange['item'], at: DateTime, actor: string): PbiEvent[] {
  const url = item.url ?? pbi.url;
  if (!item.title.trim() || (item.title === pbi.title && url === pbi.url)) return [];
  return [{ type: 'pbi.renamed', key: pbi.key, title: item.title, url, at, actor }];
}

/** A tracker label that meant a team. */
export type TeamMapping = { kind: TrackerKind; label: string; team: string };

/**
 * The team mapping without the labels that mean one of `teams` (teams leaving the Nexus), and those labels: a label
 * kept would point at a team that is gone, listed as if it worked and taken up again by a new team of that name.
 */
export function withoutTeams(
  teamMap: Readonly<Record<string, string>>,
  teams: readonly string[],
): { teams: Record<string, string>; dropped: { label: string; team: string }[] } {
  const gone = new Set(teams.map((t) => t.toLowerCase()));
  const entries = Object.entries(teamMap);
  return {
    teams: Object.fromEntries(entries.filter(([, team]) => !gone.has(team.toLowerCase()))),
    dropped: entries.filter(([, team]) => gone.has(team.toLowerCase())).map(([label, team]) => ({ label, team })),
  };
}

/** A tracker status that meant a stage. */
export type StatusMapping = { kind: TrackerKind; status: string; stage: string };

/**
 * The status mapping without the statuses that mean one of `stages` (stages leaving the workflow), and those statuses:
 * a status kept would be listed as working, its moves held for a stage that is gone, and taken up again by a new stage
 * of that name. Unmapped, it is read as any status no one mapped (by a stage's name or the tracker's category).
 */
export function withoutStages(
  statusMap: Readonly<Record<string, string>>,
  stages: readonly string[],
): { statuses: Record<string, string>; dropped: { status: string; stage: string }[] } {
  const isGone = (stage: string) => stages.some((s) => sameName(s, stage));
  const entries = Object.entries(statusMap);
  return {
    statuses: Object.fromEntries(entries.filter(([, stage]) => !isGone(stage))),
    dropped: entries.filter(([, stage]) => isGone(stage)).map(([status, stage]) => ({ status, stage })),
  };
}

/** Tracker mappings a settings change took away with the teams and stages they meant. */
export type DroppedMappings = { labels: TeamMapping[]; statuses: StatusMapping[] };
