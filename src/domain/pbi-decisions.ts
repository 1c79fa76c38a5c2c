import type { DateTime } from 'luxon';
import { isInBacklog, type RankPlace, rankFor } from './backlog';
import { localDate } from './calendar';
import { cycleThrough, type DependencyGraph } from './dependencies';
import type { PbiEvent, SquareState } from './events';
import { MAX_LINKS, MAX_OPEN_PBIS } from './limits';
import { findTeam, type Nexus, namingAll } from './nexus';
import { isInProgress, type Pbi, type Square } from './pbi';
import { classNames, FIXED_DATE, findClass, type PbiClassProblem } from './service-class';
import { findStage, isFinishedStage, sameName } from './workflow';

/** Why a change to a PBI can't be made. Every one is the user's to fix, so each carries what they need to know. */
export type PbiProblem =
  | { problem: 'unknown-stage'; stage: string; stages: string[] }
  /** `others`: the other names typed that are no team either */
  | { problem: 'unknown-team'; team: string; others?: string[]; teams: string[] }
  /** `removing`: asked to take the team off the PBI (`needed`: the teams it does need), not to mark its square */
  | { problem: 'team-not-needed'; key: string; team: string; removing?: { needed: string[] } }
  | { problem: 'team-already-needed'; key: string; team: string }
  | { problem: 'already-there'; key: string; stage: string }
  | { problem: 'already-in-state'; key: string; team: string; state: SquareState }
  | { problem: 'squares-not-done'; key: string; stage: string; open: Square[]; adding?: true }
  | { problem: 'discarded'; key: string }
  | { problem: 'finished'; key: string }
  /** a finished PBI waits on nothing and is served by no class any more: its plans are over */
  | { problem: 'finished-plans'; key: string; change: 'dependency' | 'class' }
  | { problem: 'already-blocked'; key: string; reason: string }
  | { problem: 'not-blocked'; key: string }
  | { problem: 'no-change'; key: string }
  | { problem: 'not-in-progress'; key: string }
  | { problem: 'too-many-open'; open: number }
  /** ranked before or after itself */
  | { problem: 'rank-self'; key: string }
  /** finished or discarded: out of the Product Backlog's order */
  | { problem: 'not-in-backlog'; key: string; finished: boolean }
  /** a PBI named that the Nexus has no PBI of (the one a change is for is `unknown-pbi` too) */
  | { problem: 'unknown-pbi'; key: string }
  | { problem: 'depends-on-itself'; key: string }
  | { problem: 'depends-on-discarded'; key: string; on: string }
  /** `cycle`: the keys from the PBI round to it again, e.g. PBI-3 → PBI-5 → PBI-3 */
  | { problem: 'dependency-cycle'; key: string; cycle: string[] }
  | { problem: 'not-a-dependency'; key: string; on: string; dependsOn: string[] }
  | { problem: 'already-depends'; key: string; on: string }
  /** it has the class (and due date) asked for already; `today`, to say the date */
  | { problem: 'already-in-class'; key: string; serviceClass: string; dueDate: string | null; today: string }
  | { problem: 'already-linked'; key: string; url: string }
  /** `links`: the URLs it has, to choose from */
  | { problem: 'not-linked'; key: string; url: string; links: string[] }
  | { problem: 'too-many-links'; key: string; max: number }
  /** the same person moved it since, by a command they sent after this one (`to`: where this one asked for) */
  | { problem: 'superseded-move'; key: string; stage: string; to: string }
  | PbiClassProblem;

/** When a person's slash command reached the bot, and whose it was: what a later move of theirs is judged against. */
export type Asked = { at: DateTime; by: string };

/**
 * A move a person asked before their last move of the PBI, coming in after it, is not applied: it is the late first
 * attempt of a command typed again when no answer came, and applying it would move the PBI back from where the person
 * has since moved it. Only moves: the stage asked last is the one meant; other changes of the same PBI are independent.
 * `asked`: this command's (null: not known, as in the console); `last`: that of the PBI's last move by a command.
 */
export function supersededMove(
  decided: PbiEvent,
  asked: Asked | null,
  last: Asked | null,
  pbi: Pbi,
): PbiProblem | null {
  if (decided.type !== 'pbi.moved' || !asked || !last) return null;
  if (last.by !== asked.by || last.at <= asked.at) return null;
  return { problem: 'superseded-move', key: pbi.key, stage: pbi.stage, to: decided.to };
}

type Who = { at: DateTime; actor: string };
type Decision = PbiEvent | PbiProblem;

function resolveStage(nexus: Nexus, stage: string): string | PbiProblem {
  const found = findStage(nexus.workflow, stage);
  return found ? found.name : { problem: 'unknown-stage', stage, stages: nexus.workflow.stages.map((s) => s.name) };
}

function resolveTeams(nexus: Nexus, names: readonly string[]): string[] | PbiProblem {
  const unknown = namingAll(
    'unknown-team',
    names.filter((n) => !findTeam(nexus, n)),
  );
  if (unknown) return { ...unknown, teams: nexus.teams };
  return [...new Set(names.map((n) => findTeam(nexus, n)!))];
}

const notStarted = (team: string): Square => ({ team, state: 'not-started', startedAt: null, doneAt: null });

export function decideAdd(
  nexus: Nexus,
  input: { key: string; title: string; url: string | null; stage: string | null; teams: string[] },
  who: Who,
): Decision {
  const stage = resolveStage(nexus, input.stage ?? nexus.workflow.stages[0].name);
  if (typeof stage !== 'string') return stage;
  const teams = resolveTeams(nexus, input.teams);
  if (!Array.isArray(teams)) return teams;
  // the same rule as a move: a new PBI's squares are all not started, so it can't start out integrated
  if (isFinishedStage(nexus.workflow, stage) && teams.length) {
    return { problem: 'squares-not-done', key: input.key, stage, open: teams.map(notStarted), adding: true };
  }
  return { type: 'pbi.added', key: input.key, title: input.title, url: input.url, stage, teams, ...who };
}

/** A new PBI needs room: a Nexus holding MAX_OPEN_PBIS open PBIs takes no more from `/pbi add`. */
export function roomForPbi(openPbis: number): PbiProblem | null {
  return openPbis >= MAX_OPEN_PBIS ? { problem: 'too-many-open', open: openPbis } : null;
}

/** The PBI is integrated only when every team's square is done, so the finished part is closed until then. */
export function decideMove(nexus: Nexus, pbi: Pbi, stageName: string, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  const stage = resolveStage(nexus, stageName);
  if (typeof stage !== 'string') return stage;
  if (sameName(stage, pbi.stage)) return { problem: 'already-there', key: pbi.key, stage };
  const open = pbi.squares.filter((s) => s.state !== 'done');
  if (isFinishedStage(nexus.workflow, stage) && !isFinishedStage(nexus.workflow, pbi.stage) && open.length) {
    return { problem: 'squares-not-done', key: pbi.key, stage, open };
  }
  return { type: 'pbi.moved', key: pbi.key, from: pbi.stage, to: stage, ...who };
}

/**
 * A finished PBI (in the finish stage or past it) was integrated: its squares are final, whichever path finished it. A
 * move finishes it only with every square done; a tracker (or a change of where flow finishes) can finish it with
 * squares open, and those stay as they were: a square marked done afterwards would say a team finished its part after
 * the PBI was integrated, and count in the team's throughput on the day someone clicked. Changing a square or its teams
 * needs the PBI moved back (reopened) first.
 */
function finished(nexus: Nexus, pbi: Pbi): PbiProblem | null {
  return isFinishedStage(nexus.workflow, pbi.stage) ? { problem: 'finished', key: pbi.key } : null;
}

export const SQUARE_ACTIONS = { start: 'started', done: 'done', reset: 'not-started' } as const satisfies Record<
  string,
  SquareState
>;
export type SquareAction = keyof typeof SQUARE_ACTIONS;

export function decideSquare(nexus: Nexus, pbi: Pbi, teamName: string, action: SquareAction, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  const team = findTeam(nexus, teamName);
  if (!team) return { problem: 'unknown-team', team: teamName, teams: nexus.teams };
  const square = pbi.squares.find((s) => s.team === team);
  if (!square) return { problem: 'team-not-needed', key: pbi.key, team };
  const closed = finished(nexus, pbi);
  if (closed) return closed;
  const to = SQUARE_ACTIONS[action];
  if (square.state === to) return { problem: 'already-in-state', key: pbi.key, team, state: to };
  return { type: 'square.changed', key: pbi.key, team, from: square.state, to, ...who };
}

export function decideTeams(
  nexus: Nexus,
  pbi: Pbi,
  add: readonly string[],
  remove: readonly string[],
  who: Who,
): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  const added = resolveTeams(nexus, add);
  if (!Array.isArray(added)) return added;
  const removed = resolveTeams(nexus, remove);
  if (!Array.isArray(removed)) return removed;
  const needed = pbi.squares.map((s) => s.team);
  const twice = added.find((t) => needed.includes(t));
  if (twice) return { problem: 'team-already-needed', key: pbi.key, team: twice };
  const missing = removed.find((t) => !needed.includes(t));
  if (missing) return { problem: 'team-not-needed', key: pbi.key, team: missing, removing: { needed } };
  if (!added.length && !removed.length) return { problem: 'no-change', key: pbi.key };
  const closed = finished(nexus, pbi);
  if (closed) return closed;
  return { type: 'pbi.teams-changed', key: pbi.key, added, removed, ...who };
}

export function decideBlock(pbi: Pbi, reason: string, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (pbi.blocked) return { problem: 'already-blocked', key: pbi.key, reason: pbi.blocked.reason };
  return { type: 'pbi.blocked', key: pbi.key, reason, ...who };
}

export function decideUnblock(pbi: Pbi, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (!pbi.blocked) return { problem: 'not-blocked', key: pbi.key };
  return { type: 'pbi.unblocked', key: pbi.key, ...who };
}

export function decideDiscard(pbi: Pbi, reason: string | null, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  return { type: 'pbi.discarded', key: pbi.key, reason, ...who };
}

/** Someone swarms on an item in progress (said once per person). */
export function decideSwarm(pbi: Pbi, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (!isInProgress(pbi)) return { problem: 'not-in-progress', key: pbi.key };
  if (pbi.swarming.includes(who.actor)) return { problem: 'no-change', key: pbi.key };
  return { type: 'pbi.swarming', key: pbi.key, ...who };
}

/** Days a snooze lasts unless told otherwise; the digest's button uses it. */
export const SNOOZE_DAYS = 2;

/** Leaves an item out of aging nudges up to and including `until` (a date in the Nexus's zone). */
export function decideSnooze(pbi: Pbi, until: string, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (!isInProgress(pbi)) return { problem: 'not-in-progress', key: pbi.key };
  if (pbi.snoozedUntil !== null && pbi.snoozedUntil >= until) return { problem: 'no-change', key: pbi.key };
  return { type: 'pbi.snoozed', key: pbi.key, until, ...who };
}

/** Out of the Product Backlog: a finished or discarded PBI has no place in its order. */
export function notInBacklog(pbi: Pbi): PbiProblem {
  return { problem: 'not-in-backlog', key: pbi.key, finished: pbi.finishedAt !== null };
}

/** Puts the PBI at `place` in the Product Backlog, among the open PBIs `open`. */
export function decideRank(pbi: Pbi, place: RankPlace, open: readonly Pbi[], who: Who): Decision {
  if (!isInBacklog(pbi)) return notInBacklog(pbi);
  const rank = rankFor(pbi, place, open);
  if (rank === 'same') return { problem: 'no-change', key: pbi.key };
  if (rank === 'self') return { problem: 'rank-self', key: pbi.key };
  // the PBI named left the backlog since `open` was read
  if (rank === 'absent') return { problem: 'no-change', key: pbi.key };
  return { type: 'pbi.ranked', key: pbi.key, rank, place, ...who };
}

/**
 * `pbi` can't be integrated before `on` (null: no PBI has the key `onKey`). Refused on itself, on a discarded PBI, and
 * when `on` already depends on `pbi` through `graph` (the Nexus's dependencies now): the cycle is named.
 */
export function decideDependency(pbi: Pbi, on: Pbi | null, onKey: string, graph: DependencyGraph, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (pbi.finishedAt) return { problem: 'finished-plans', key: pbi.key, change: 'dependency' };
  if (sameName(onKey, pbi.key)) return { problem: 'depends-on-itself', key: pbi.key };
  if (!on) return { problem: 'unknown-pbi', key: onKey };
  if (on.discardedAt) return { problem: 'depends-on-discarded', key: pbi.key, on: on.key };
  if (pbi.dependsOn.some((k) => sameName(k, on.key))) return { problem: 'already-depends', key: pbi.key, on: on.key };
  const cycle = cycleThrough(graph, pbi.key, on.key);
  if (cycle) return { problem: 'dependency-cycle', key: pbi.key, cycle };
  return { type: 'pbi.dependency-added', key: pbi.key, on: on.key, ...who };
}

/** `pbi` no longer waits for `onKey` (`known`: a PBI of the Nexus has that key; else it is named as unknown). */
export function decideDependencyRemoved(pbi: Pbi, onKey: string, who: Who, known = true): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  const on = pbi.dependsOn.find((k) => sameName(k, onKey));
  if (!on && !known) return { problem: 'unknown-pbi', key: onKey };
  if (!on) return { problem: 'not-a-dependency', key: pbi.key, on: onKey, dependsOn: pbi.dependsOn };
  return { type: 'pbi.dependency-removed', key: pbi.key, on, ...who };
}

/**
 * Gives a PBI a class of service. `fixed-date` needs the date it is due by (YYYY-MM-DD, checked as typed); no other
 * class takes one. Judged on the Nexus's classes as they are when the change takes its turn, so a class removed
 * meanwhile is unknown.
 */
export function decideClass(nexus: Nexus, pbi: Pbi, name: string, dueDate: string | null, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (pbi.finishedAt) return { problem: 'finished-plans', key: pbi.key, change: 'class' };
  const found = findClass(nexus.classes, name);
  if (!found) return { problem: 'unknown-class', serviceClass: name, classes: classNames(nexus.classes) };
  const fixed = found.name === FIXED_DATE;
  if (fixed && dueDate === null) return { problem: 'class-needs-date', key: pbi.key };
  if (!fixed && dueDate !== null) return { problem: 'date-without-fixed-date', key: pbi.key, serviceClass: found.name };
  const today = localDate(who.at, nexus.timeZone);
  if (pbi.serviceClass === found.name && pbi.dueDate === dueDate)
    return { problem: 'already-in-class', key: pbi.key, serviceClass: found.name, dueDate, today };
  // a date already past can't be met: the digest would call it late forever; a late PBI needs the date now agreed
  if (dueDate !== null && dueDate < today) return { problem: 'due-date-past', key: pbi.key, dueDate, today };
  return { type: 'pbi.class-changed', key: pbi.key, serviceClass: found.name, dueDate, ...who };
}

/** Adds a link to where the PBI was talked about; the same URL twice is refused, so its history holds it once. */
export function decideLink(pbi: Pbi, url: string, title: string, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (pbi.links.some((l) => l.url === url)) return { problem: 'already-linked', key: pbi.key, url };
  if (pbi.links.length >= MAX_LINKS) return { problem: 'too-many-links', key: pbi.key, max: MAX_LINKS };
  return { type: 'pbi.linked', key: pbi.key, url, title, ...who };
}

/** Takes a link away again (typed by mistake, or the wrong conversation). */
export function decideUnlink(pbi: Pbi, url: string, who: Who): Decision {
  if (pbi.discardedAt) return { problem: 'discarded', key: pbi.key };
  if (!pbi.links.some((l) => l.url === url))
    return { problem: 'not-linked', key: pbi.key, url, links: pbi.links.map((l) => l.url) };
  return { type: 'pbi.unlinked', key: pbi.key, url, ...who };
}
