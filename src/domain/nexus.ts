import type { Weekday } from './calendar';
import { MAX_TEAM_NAME, MAX_TEAMS } from './limits';
import type { SleSetting } from './sle';
import type { Workflow } from './workflow';

export type DigestSchedule = { time: string; days: Weekday[]; enabled: boolean };

/**
 * How forecasts count days: every calendar day, or only the working days (the digest's days), and how long a Sprint
 * is in calendar days (for `/forecast sprint`).
 */
export type ForecastSetting = { days: 'calendar' | 'working'; sprintDays: number };

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
  /** Slack user ids of the Nexus Integration Team, who may change the Nexus's settings */
  nit: string[];
  createdBy: string;
};

/** Team names are single words; they compare without case. */
export const TEAM_NAME = new RegExp(`^[\\p{L}\\p{N}][\\p{L}\\p{N}_.-]{0,${MAX_TEAM_NAME - 1}}$`, 'u');

export function findTeam(nexus: Pick<Nexus, 'teams'>, name: string): string | undefined {
  return nexus.teams.find((t) => t.toLowerCase() === name.trim().toLowerCase());
}

export type TeamsProblem =
  | { problem: 'unknown-team' | 'duplicate-team' | 'invalid-team-name' | 'team-in-use'; team: string; keys?: string[] }
  | { problem: 'too-many-teams'; count: number };

export function addTeams(teams: readonly string[], names: readonly string[]): string[] | TeamsProblem {
  const next = [...teams];
  for (const name of names) {
    if (!TEAM_NAME.test(name)) return { problem: 'invalid-team-name', team: name };
    const existing = findTeam({ teams: next }, name);
    if (existing) return { problem: 'duplicate-team', team: existing };
    next.push(name);
  }
  return next.length > MAX_TEAMS && next.length > teams.length
    ? { problem: 'too-many-teams', count: next.length }
    : next;
}

/**
 * The teams without `names`. Teams still needed on open PBIs can't be removed (the PBIs would lose their squares
 * silently): the store refuses that in the same turn as it saves, as only it sees every PBI as it is then.
 */
export function removeTeams(teams: readonly string[], names: readonly string[]): string[] | TeamsProblem {
  let next = [...teams];
  for (const name of names) {
    const team = findTeam({ teams: next }, name);
    if (!team) return { problem: 'unknown-team', team: name };
    next = next.filter((t) => t !== team);
  }
  return next;
}

export function isTeamsProblem<T>(value: T | TeamsProblem): value is TeamsProblem {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

export const DIGEST_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
