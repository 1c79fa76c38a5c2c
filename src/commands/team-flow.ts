import type { CalendarDate } from '../domain/calendar';
import { windowEnding } from '../domain/flow-metrics';
import { findTeam } from '../domain/nexus';
import type { Pbi } from '../domain/pbi';
import type { Sle } from '../domain/sle';
import { teamCycleTimes, teamSle } from '../domain/team-flow';
import { code } from '../render/blocks';
import { type Invalid, invalid, type NexusContext } from './command';
import { startOfDay, today } from './flow-view';

export type Window = { from: CalendarDate; to: CalendarDate };

/** What a team's flow reports start from: its PBIs of the SLE window, its SLE and the cycle times it rests on. */
export type TeamFlow = {
  team: string;
  today: CalendarDate;
  /** PBIs open now and every PBI touched since the window began (squares done on finished PBIs count) */
  pbis: readonly Pbi[];
  /** the SLE's history window, ending today */
  window: Window;
  /** the team's cycle times of squares done in the window */
  times: number[];
  sle: Sle;
};

export type UnknownTeam = { problem: 'unknown-team'; team: string; teams: string[] };

/**
 * `--team <team>` among a command's words: a team's name may have spaces, quoted or not, so the words after the flag
 * up to the next flag are its name. `rest` is every other word.
 */
export function takeTeam(words: readonly string[]): { team: string | null; rest: string[] } | Invalid {
  const at = words.map((w, i) => (/^--team(=|$)/i.test(w) ? i : -1)).filter((i) => i >= 0);
  if (!at.length) return { team: null, rest: [...words] };
  if (at.length > 1) return invalid('`--team` is given twice.');
  const [i] = at;
  const inline = words[i].slice('--team='.length);
  let end = i + 1;
  while (end < words.length && !words[end].startsWith('--')) end++;
  const name = [inline, ...words.slice(i + 1, end)].filter(Boolean).join(' ');
  if (!name) return invalid(`${code('--team')} needs a team's name.`);
  return { team: name, rest: [...words.slice(0, i), ...words.slice(end)] };
}

/** The team as the Nexus spells it, or why not. */
export function knownTeam(ctx: NexusContext, team: string): string | UnknownTeam {
  return findTeam(ctx.nexus, team) ?? { problem: 'unknown-team', team, teams: ctx.nexus.teams };
}

/** The team's flow over the SLE's history window (and back to `from`, when a report looks further back). */
export async function loadTeamFlow(ctx: NexusContext, team: string, from?: CalendarDate): Promise<TeamFlow> {
  const { nexus } = ctx;
  const day = today(ctx);
  const window = windowEnding(day, nexus.sle.historyDays);
  const since = from !== undefined && from < window.from ? from : window.from;
  const pbis = await ctx.store.pbis.listForFlow(nexus.id, startOfDay(nexus, since));
  const times = teamCycleTimes(pbis, [team], window, nexus.timeZone).get(team)!;
  return { team, today: day, pbis, window, times, sle: teamSle(nexus.sle, times) };
}

/** Every team's SLE over the history window ending today: what the digest judges squares by. */
export async function loadTeamSles(ctx: NexusContext, day: CalendarDate): Promise<Map<string, Sle>> {
  const { nexus } = ctx;
  const window = windowEnding(day, nexus.sle.historyDays);
  const pbis = await ctx.store.pbis.listForFlow(nexus.id, startOfDay(nexus, window.from));
  const times = teamCycleTimes(pbis, nexus.teams, window, nexus.timeZone);
  return new Map([...times].map(([team, t]) => [team, teamSle(nexus.sle, t)]));
}
