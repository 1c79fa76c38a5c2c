import { isSnoozed } from '../../domain/pbi';
import type { ServiceClass } from '../../domain/service-class';
import { agingItems } from '../../domain/sle';
import { teamAgingSquares } from '../../domain/team-flow';
import { type Block, code, context, escape, header, lineSections } from '../../render/blocks';
import { pbiLine, snoozeMark } from '../../render/pbi';
import { refuse } from '../../render/problems';
import { ephemeral, type Reply } from '../../render/reply';
import { describeSle, describeTeamSle } from '../../render/sle';
import { count, inStage } from '../../render/words';
import { defineCommand, invalid, isInvalid } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { knownTeam, loadTeamFlow, type TeamFlow, takeTeam, type UnknownTeam } from '../team-flow';
import { noInput } from './no-input';

const usage = '/flow aging [--team <team>]';
type Outcome = FlowView | { view: FlowView; team: TeamFlow } | UnknownTeam;

export const flowAging = defineCommand<{ team: string | null }, Outcome>({
  path: ['flow', 'aging'],
  usage,
  summary: "items in progress, oldest first, against the SLE; `--team`: a team's squares in progress against its SLE",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const taken = takeTeam(words);
    if (isInvalid(taken)) return taken;
    // an item's age is counted to today: a finished Sprint's own work is read by its cycle times instead
    if (taken.rest.some((w) => w.toLowerCase() === '--sprint'))
      return invalid(
        '`/flow aging` is the work in progress today, aged to today; for the last Sprint: `/flow sle --sprint` or `/flow chart scatter --sprint` (its cycle times), `/flow chart cfd --sprint`.',
      );
    const rest = noInput(taken.rest);
    return isInvalid(rest) ? rest : { team: taken.team };
  },
  async execute({ team: name }, ctx) {
    if (name === null) return loadFlowView(ctx);
    const team = knownTeam(ctx, name);
    if (typeof team !== 'string') return team;
    const [view, flow] = await Promise.all([loadFlowView(ctx), loadTeamFlow(ctx, team)]);
    return { view, team: flow };
  },
  render(outcome) {
    if ('problem' in outcome) return refuse(outcome, usage);
    if ('team' in outcome) return teamAging(outcome.view, outcome.team);
    const view = outcome;
    const items = agingItems(view.open, view.sleOf, view.today, view.nexus.timeZone);
    const aging = items.filter((i) => i.status === 'aging').length;
    const atRisk = items.filter((i) => i.status === 'at-risk').length;
    const snoozed = items.filter(({ pbi }) => isSnoozed(pbi, view.today)).length;
    const summary =
      `${items.length} in progress: ${aging} past the SLE, ${atRisk} at risk (past the 70th percentile)` +
      (snoozed ? `, ${snoozed} snoozed` : '');
    // snoozed items stay listed, marked as the digest marks them, so nobody wonders why the digest skips them
    const lines = items.map(
      ({ pbi, age, status }) =>
        `• ${pbiLine(pbi, { age, status }, view.waitingOn(pbi), view.today)} · ${inStage(pbi.stage)}${snoozeMark(pbi, view.today)}`,
    );
    return ephemeral(`${escape(view.nexus.name)} aging: ${summary}`, [
      header(`${view.nexus.name} · aging work`),
      context(summary),
      ...(lines.length ? lineSections(lines) : [context('_Nothing in progress._')]),
      context(describeSle(view.sle)),
      ...classSles(view.nexus.classes),
    ]);
  },
});

/** A team's squares in progress, oldest start first, each with its age against the team's SLE. */
function teamAging(view: FlowView, flow: TeamFlow): Reply {
  const { nexus } = view;
  const squares = teamAgingSquares(view.open, flow.team, flow.sle, view.today, nexus.timeZone);
  const aging = squares.filter((s) => s.status === 'aging').length;
  const atRisk = squares.filter((s) => s.status === 'at-risk').length;
  const team = escape(flow.team);
  const summary = `${count(squares.length, 'square')} of ${team} in progress: ${aging} past its SLE, ${atRisk} at risk`;
  const lines = squares.map(
    ({ pbi, age, status }) =>
      `• ${pbiLine(pbi, { age, status }, view.waitingOn(pbi), view.today)} · ${inStage(pbi.stage)}`,
  );
  return ephemeral(`${escape(nexus.name)} aging of ${team}: ${summary}`, [
    header(`${nexus.name} · aging work · ${flow.team}`),
    context(summary),
    ...(lines.length ? lineSections(lines) : [context(`_${team} has no square in progress._`)]),
    context(`${describeTeamSle(flow.team, flow.sle)}. A square's age counts from the day ${team} started it.`),
  ]);
}

/** The classes with an SLE of their own, which their PBIs age against instead of the Nexus's. */
function classSles(classes: readonly ServiceClass[]): Block[] {
  const own = classes.filter((c) => c.sleDays !== null);
  if (!own.length) return [];
  const listed = own.map((c) => `${code(c.name)} ${count(c.sleDays!, 'day')}`).join(', ');
  return [context(`Classes of service with their own SLE, which their PBIs age against: ${listed}.`)];
}
