import type { CalendarDate, Weekday } from './calendar';
import { MAX_TEAM_NAME, MAX_TEAMS } from './limits';
import type { ServiceClass } from './service-class';
import type { SleSetting } from './sle';
import type { Workflow } from './workflow';

export type DigestSchedule = { time: string; days: Weekday[]; enabled: boolean };

/**
 * How forecasts count days: every calendar day, or only the working days (the digest's days); how long a Sprint is in
 * calendar days, and the first day of the Sprint cadence (`/nexus sprint`; null: none set, see sprint.ts).
 */
export type ForecastSetting = { days: 'calendar' | 'working'; sprintDays: number; sprintStart: CalendarDate | null };

/** The reports that prepare the Nexus Sprint Review (`/nexus review`) and Retrospective (`/nexus retro`). */
export const SPRINT_REPORTS = ['review', 'retro'] as const;
export type SprintReport = (typeof SPRINT_REPORTS)[number];
/**
 * Which Sprint reports post by themselves on the Sprint's last working day at the digest time (`/nexus sprint
 * --review on`); a Sprint cadence set before they existed posts neither.
 */
export type SprintReports = Record<SprintReport, boolean>;

/** The Sprint reports the Nexus has turned on, in the order they are posted. */
export const sprintReportsOn = ({ sprintReports }: Pick<Nexus, 'sprintReports'>): SprintReport[] =>
  SPRINT_REPORTS.filter((report) => sprintReports[report]);

/** A Nexus: Scrum Teams sharing one Product Backlog, bound to one channel. */
export type Nexus = {
  id: string;
  workspaceId: string;
  channelId: string;
  name: string;
  teams: string[];
  workflow: Workflow;
  sle: SleSetting;
  timeZone: string;
  digest: DigestSchedule;
  forecast: ForecastSetting;
  sprintReports: SprintReports;
  /** its own classes of service, and the built-in ones it gave an SLE or WIP limit (service-class.ts) */
  classes: ServiceClass[];
  /** Slack user ids of the Nexus Integration Team, who may change the Nexus's settings */
  nit: string[];
  /** teams whose own flow is posted in a channel of their own (`/nexus team <team> channel`), as the Nexus names them */
  teamChannels: TeamChannel[];
  createdBy: string;
};

/** A team's own channel: its squares past its SLE and a daily line go there, not into the Nexus digest's thread. */
export type TeamChannel = { team: string; channelId: string };

/** The team's channel, or null when its flow stays in the Nexus channel. */
export function teamChannelOf(nexus: Pick<Nexus, 'teamChannels'>, team: string): string | null {
  return nexus.teamChannels.find((c) => sameTeam(c.team, team))?.channelId ?? null;
}

/** The team channels with `team`'s set to `channelId` (null: taken away), in the order the teams were given one. */
export function withTeamChannel(
  channels: readonly TeamChannel[],
  team: string,
  channelId: string | null,
): TeamChannel[] {
  const others = channels.filter((c) => !sameTeam(c.team, team));
  return channelId === null ? others : [...others, { team, channelId }];
}

/**
 * A team's name: letters, digits, spaces and `-_.`, starting and ending with a letter, digit or one of `-_.`, at most
 * MAX_TEAM_NAME characters ("Team Phoenix", "Mobile-Apps"). Names compare without case, and a run of spaces is one
 * space (`teamName`). A comma separates names in a list, `+`/`-` in front add or take away, so neither is in a name.
 */
export const TEAM_NAME = new RegExp(
  `^[\\p{L}\\p{N}](?:[\\p{L}\\p{N} _.-]{0,${MAX_TEAM_NAME - 2}}[\\p{L}\\p{N}_.-])?$`,
  'u',
);

/** A team's name as typed, trimmed and with each run of spaces made one (so `Team  A` is the team `Team A`). */
export function teamName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

const sameTeam = (a: string, b: string) => teamName(a).toLowerCase() === teamName(b).toLowerCase();

export function findTeam(nexus: Pick<Nexus, 'teams'>, name: string): string | undefined {
  return nexus.teams.find((t) => sameTeam(t, name));
}

/** `team`: the first name at fault; `others`: every other one, so a refusal names them all. */
export type TeamsProblem =
  | {
      problem: 'unknown-team' | 'duplicate-team' | 'invalid-team-name';
      team: string;
      others?: string[];
      teams?: string[];
    }
  | { problem: 'team-in-use'; team: string; keys?: string[] }
  | { problem: 'too-many-teams'; count: number };

/** The names at fault, as a problem naming every one (the first as `team`), or null when there are none. */
export function namingAll<P extends string>(problem: P, names: readonly string[]) {
  const distinct = names.filter((n, i) => names.findIndex((m) => sameTeam(m, n)) === i);
  return distinct.length ? { problem, team: distinct[0], others: distinct.slice(1) } : null;
}

export function addTeams(teams: readonly string[], names: readonly string[]): string[] | TeamsProblem {
  const given = names.map(teamName);
  const invalid = namingAll(
    'invalid-team-name',
    given.filter((n) => !TEAM_NAME.test(n)),
  );
  if (invalid) return invalid;
  // a duplicate named as the Nexus spells it (or as first typed, when the list names it twice)
  const twice = given
    .map((n, i) => findTeam({ teams: [...teams] }, n) ?? given.find((m, j) => j < i && sameTeam(m, n)))
    .filter((n): n is string => n !== undefined);
  const duplicate = namingAll('duplicate-team', twice);
  if (duplicate) return duplicate;
  const next = [...teams, ...given];
  return next.length > MAX_TEAMS && next.length > teams.length
    ? { problem: 'too-many-teams', count: next.length }
    : next;
}

/**
 * The teams without `names`. Teams still needed on open PBIs can't be removed (the PBIs would lose their squares
 * silently): the store refuses that in the same turn as it saves, as only it sees every PBI as it is then.
 */
export function removeTeams(teams: readonly string[], names: readonly string[]): string[] | TeamsProblem {
  const unknown = namingAll(
    'unknown-team',
    names.filter((n) => !findTeam({ teams: [...teams] }, n)),
  );
  if (unknown) return unknown;
  return teams.filter((t) => !names.some((n) => sameTeam(t, n)));
}

export function isTeamsProblem<T>(value: T | TeamsProblem): value is TeamsProblem {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

export const DIGEST_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
