import { sprintBeingPlanned, sprintLength } from '../../domain/sprint';
import { code } from '../../render/blocks';
import { renderForecast } from '../../render/forecast';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { today } from '../flow-view';
import { type ForecastOutcome, keep, type SprintRow } from './answer';
import { type Basis, checkSince, isRough, loadBasis, type NoHistory, parseConfidences, tooThin } from './basis';
import { howManyBetween } from './by';
import { parseDate } from './dates';
import { sprintChance } from './sprint-chance';

const usage = '/forecast sprint [--at 60,90] [--since <YYYY-MM-DD>]';

export const forecastSprint = defineCommand<{ confidences: number[]; since: string | null }, ForecastOutcome>({
  path: ['forecast', 'sprint'],
  usage,
  summary:
    'how many PBIs the Nexus, and how many squares each team, can finish in the Sprint being planned (Nexus Sprint ' +
    'Planning): with `/nexus sprint`, this Sprint up to its first working day, then the next',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const parsed = parseFlags(words, ['at', 'since']);
    if (isInvalid(parsed)) return parsed;
    if (parsed.positional.length) return invalid(`Unexpected ${code(parsed.positional[0])}.`);
    const confidences = parseConfidences(parsed.flags.at);
    if (isInvalid(confidences)) return confidences;
    const since = parsed.flags.since === undefined ? null : parseDate(parsed.flags.since);
    if (since !== null && 'invalid' in since) return since;
    return { confidences, since: since?.date ?? null };
  },
  async execute({ confidences, since }, ctx) {
    const early = checkSince(since, today(ctx));
    if (early) return early;
    const basis = await loadBasis(ctx, null, since);
    if ('problem' in basis) return basis;
    const thin = tooThin([basis]);
    if (thin) return thin;
    // the Sprint being planned (`/nexus sprint`), or without a cadence the next Sprint length of days from tomorrow
    const planned = sprintBeingPlanned(ctx.nexus.forecast, basis.today, ctx.nexus.digest.days);
    const { sprint } = planned;
    // a Sprint under way is forecast from today: its days gone are done, not drawn
    const from = sprint.first < basis.today ? basis.today : sprint.first;
    const howMany = (on: Basis) => howManyBetween(on, from, sprint.last, confidences);
    const row = (team: string | null, on: Basis | NoHistory): SprintRow =>
      'problem' in on || tooThin([on])
        ? { team, answer: null, rough: false }
        : { team, answer: howMany(on).answer, rough: isRough([on]) };
    const rows = [row(null, basis)];
    for (const team of ctx.nexus.teams) rows.push(row(team, await loadBasis(ctx, team, since)));
    // the Nexus's answer is the one charted, and its seed the one the answer names
    const { seed, answer, spread } = howMany(basis);
    const { first: start, last: end, number } = sprint;
    // during a Sprint of the cadence: the chance that its whole Sprint Backlog is integrated by its last day
    const chance = await sprintChance(ctx);
    const teams = rows.slice(1).map((r) => ({ team: r.team!, answer: r.answer }));
    const underWay =
      chance && 'chance' in chance
        ? { first: chance.sprint.first, last: chance.sprint.last, chance: chance.chance }
        : null;
    // kept for the Nexus Sprint Review, which sets it against what the Sprint integrated, and for judging
    await keep(ctx, { kind: 'sprint', number, first: start, last: end, teams, underWay }, answer);
    return {
      question: 'sprint',
      thisSprint: planned.underWay,
      start,
      end,
      number,
      sprintDays: sprintLength(sprint),
      basis,
      seed,
      rows,
      answer,
      spread,
      chance,
    };
  },
  render: (outcome) => renderForecast(outcome, usage),
});
