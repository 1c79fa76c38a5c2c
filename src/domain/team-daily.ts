import type { CalendarDate } from './calendar';
import { integrationStalls, type Stall } from './digest';
import { teamLoads } from './flow-metrics';
import type { Pbi } from './pbi';
import type { Sle } from './sle';
import { type PastTeamSle, squaresPastTeamSle } from './team-flow';

/** What a team with a channel of its own hears each working day at the digest time. */
export type TeamDaily = {
  team: string;
  /** its squares started and not done */
  inProgress: number;
  /** PBIs in progress whose square for it has not started: its queue */
  queued: number;
  /** its SLE in days, or null while it has too little history for one */
  sleDays: number | null;
  /** its squares past its SLE on PBIs not snoozed, oldest first */
  pastSle: PastTeamSle[];
  /** PBIs stalled at integration with its square not started while other teams are done, longest first */
  stalls: Stall[];
};

/** A team's day: its squares in progress, its queue, those past its SLE and the integration stalls waiting on it. */
export function teamDaily(
  team: string,
  open: readonly Pbi[],
  sle: Sle | undefined,
  today: CalendarDate,
  zone: string,
): TeamDaily {
  const [load] = teamLoads(open, [team]);
  const sles = new Map(sle ? [[team, sle]] : []);
  return {
    team,
    inProgress: load.started,
    queued: load.waiting,
    sleDays: sle && sle.kind !== 'not-enough-history' ? sle.days : null,
    pastSle: squaresPastTeamSle(open, sles, today, zone),
    stalls: integrationStalls(open, today, zone).filter((s) => s.waitingTeams.includes(team)),
  };
}
