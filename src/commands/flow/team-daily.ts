import { teamDaily } from '../../domain/team-daily';
import type { Reply } from '../../render/reply';
import { renderTeamDaily } from '../../render/team-channel';
import type { NexusContext } from '../command';
import { loadFlowView } from '../flow-view';
import { loadTeamSles } from '../team-flow';

/** A team's daily line for its own channel, from the Nexus as it is now (see `teamDaily`). */
export async function teamDailyReply(ctx: NexusContext, team: string): Promise<Reply> {
  const view = await loadFlowView(ctx);
  const sles = await loadTeamSles(ctx, view.today);
  const daily = teamDaily(team, view.open, sles.get(team), view.today, ctx.nexus.timeZone);
  return renderTeamDaily(daily, ctx.nexus, view.today);
}
