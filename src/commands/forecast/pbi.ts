import { localDate, addDays } from '../../domain/calendar';
import { percentile, windowEnding } from '../../domain/flow-metrics';
import { dayAtConfidence, pbiDoneWithin, type TeamPart } from '../../domain/forecast/pbi-forecast';
import { dateOfDay, daysUntil } from '../../domain/forecast/sampling';
import type { Pbi } from '../../domain/pbi';
import { cycleTimesInWindow } from '../../domain/sle';
import { code } from '../blocks';
import { defineCommand, invalid, type NexusContext } from '../command';
import { loadFlowView, startOfDay } from '../flow-view';
import { parseFlags } from '../flags';
import { byStart } from '../render-pbi';
import { spreadOf } from '../../charts/forecast-histogram';
import { keep, percent, renderForecast, type Answered, type ForecastOutcome, type ForecastProblem } from './answer';
import { daysFromToday, formatDate, loadBasis, parseConfidences, seededFor, type Basis } from './basis';

const usage = '/forecast <key> [--at 60,90]';
type Input = { key: string; confidences: number[] };

export const forecastPbi = defineCommand<Input, ForecastOutcome>({
  path: ['forecast', 'pbi'],
  usage,
  summary: 'when will this PBI be done? (each team\'s remaining part and queue, then integration)',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const parsed = parseFlags(words, ['at']);
    if (!parsed.ok) return invalid(parsed.message);
    if (parsed.positional.length !== 1) return invalid('Name one PBI, like `/forecast PBI-42`.');
    const confidences = parseConfidences(parsed.flags.at);
    return typeof confidences === 'string' ? invalid(confidences) : { key: parsed.positional[0], confidences };
  },
  async execute({ key, confidences }, ctx) {
    const pbi = await ctx.store.pbis.get(ctx.nexus.id, key);
    if (!pbi) return { problem: 'refused', message: `There is no PBI ${code(key)} in this Nexus. \`/flow board\` lists them.` };
    if (pbi.finishedAt) return { problem: 'refused', message: `${pbi.key} is already done: it finished on ${formatDate(localDate(pbi.finishedAt, ctx.nexus.timeZone))}.` };
    if (pbi.discardedAt) return { problem: 'refused', message: `${pbi.key} was discarded; there is nothing to forecast.` };
    const nexusBasis = await loadBasis(ctx, null);
    if ('problem' in nexusBasis) return nexusBasis;
    const forecast = pbi.squares.length ? await byTeams(ctx, pbi, nexusBasis, confidences) : await byCycleTimes(ctx, pbi, nexusBasis, confidences);
    if ('problem' in forecast) return forecast;
    await keep(ctx, { kind: 'pbi', key: pbi.key }, forecast.answer);
    const lines = forecast.answer.map(({ confidence, date }) =>
      `${percent(confidence)}: ${date === undefined ? 'not within ten years at this pace' : date === nexusBasis.today ? 'today' : `on or before ${formatDate(date, nexusBasis.today)}`}`);
    return { title: `When will ${pbi.key} be done?`, lines, basis: nexusBasis, seed: forecast.seed, note: forecast.note, histogram: forecast.histogram };
  },
  render: (outcome) => renderForecast(outcome, usage),
});

type PbiAnswer = { answer: { confidence: number; date?: string }[]; seed: string; note: string; histogram: Answered['histogram'] };

/** Each team not done forecasts its part (its queue ahead included); the product of their chances, then integration. */
async function byTeams(ctx: NexusContext, pbi: Pbi, basis: Basis, confidences: number[]): Promise<PbiAnswer | ForecastProblem> {
  const open = await ctx.store.pbis.listOpen(ctx.nexus.id);
  const parts: TeamPart[] = [];
  const bases: Basis[] = [];
  const said: string[] = [];
  for (const square of pbi.squares.filter((s) => s.state !== 'done')) {
    const teamBasis = await loadBasis(ctx, square.team);
    if ('problem' in teamBasis) return teamBasis;
    bases.push(teamBasis);
    const queue = open.filter((p) => p.squares.some((s) => s.team === square.team && s.state !== 'done')).sort(byStart);
    const ahead = Math.max(0, queue.findIndex((p) => p.key === pbi.key));
    parts.push({ team: square.team, items: ahead + 1, throughput: teamBasis.sample.throughput });
    said.push(`${square.team}: ${ahead ? `${ahead} square${ahead === 1 ? '' : 's'} ahead, then this one` : 'this square is next'}`);
  }
  const lags = await integrationDays(ctx, basis);
  const { seed, rng } = seededFor({ kind: 'pbi', key: pbi.key }, bases, `${parts.map((p) => p.items).join(',')}|${lags.join(',')}`);
  const doneWithin = pbiDoneWithin(parts, lags, basis.trials, rng);
  const days = confidences.map((confidence) => ({ confidence, day: dayAtConfidence(doneWithin, confidence) }));
  const answer = days.map(({ confidence, day }) => ({ confidence, date: Number.isFinite(day) ? (day === 0 ? basis.today : dateOfDay(basis.today, day, basis.days)) : undefined }));
  const spread = [...doneWithin].map((p, d) => ({ value: d, share: p - (doneWithin[d - 1] ?? 0) })).filter((s) => s.share > 0);
  const histogram = {
    xTitle: daysFromToday(basis),
    spread,
    lines: days.filter((d) => Number.isFinite(d.day)).map(({ confidence, day }, i) => ({ confidence, value: day, label: `${confidence}% · ${formatDate(answer[i].date!)}` })),
  };
  const teams = said.length ? `Teams still working: ${said.join('; ')}.` : 'Every team is done; only the integration is left.';
  return { answer, seed, histogram, note: `${teams} Integration took ${lags.length ? `${percentile(lags, 0.5)} days (median of ${lags.length})` : 'no time in the history'} after the last team.` };
}

/** No team breakdown: the cycle times of finished PBIs that lasted at least as long as this one has so far. */
async function byCycleTimes(ctx: NexusContext, pbi: Pbi, basis: Basis, confidences: number[]): Promise<PbiAnswer | ForecastProblem> {
  const view = await loadFlowView(ctx);
  const age = view.ageOf(pbi)?.age ?? 0;
  const cycleTimes = cycleTimesInWindow(view.finished, view.today, ctx.nexus.timeZone, ctx.nexus.sle.historyDays).filter((t) => t >= age);
  if (!cycleTimes.length) return { problem: 'refused', message: `${pbi.key} is older than every PBI finished in the window (${age} days): the history can't say. Swarm on it.` };
  const remaining = confidences.map((confidence) => ({ confidence, value: percentile(cycleTimes, confidence / 100)! - age }));
  const answer = remaining.map(({ confidence, value }) => ({ confidence, date: addDays(basis.today, value) }));
  const spread = spreadOf(Float64Array.from(cycleTimes, (t) => t - age));
  const lines = remaining.map(({ confidence, value }, i) => ({ confidence, value, label: `${confidence}% · ${formatDate(answer[i].date)}` }));
  const { seed } = seededFor({ kind: 'pbi', key: pbi.key }, [basis], cycleTimes.join(','));
  return { answer, seed, histogram: { xTitle: 'days from today', spread, lines }, note: `${pbi.key} names no teams: from the cycle times of the ${cycleTimes.length} finished PBIs that lasted at least its ${age} days.` };
}

/** Days from the last team square done to the PBI finishing, for PBIs finished in the window. */
async function integrationDays(ctx: NexusContext, basis: Basis): Promise<number[]> {
  const { nexus } = ctx;
  const { from } = windowEnding(addDays(basis.today, -1), nexus.sle.historyDays);
  const touched = await ctx.store.pbis.listForFlow(nexus.id, startOfDay(nexus, from));
  return touched.flatMap((p) => {
    if (!p.finishedAt || !p.squares.length || p.squares.some((s) => !s.doneAt)) return [];
    const lastDone = p.squares.map((s) => s.doneAt!).reduce((a, b) => (b > a ? b : a));
    return [daysUntil(localDate(lastDone, nexus.timeZone), localDate(p.finishedAt, nexus.timeZone), basis.days)];
  });
}
