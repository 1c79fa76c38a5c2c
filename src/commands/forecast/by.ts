import { spreadOf } from '../../charts/forecast-histogram';
import { addDays, type CalendarDate } from '../../domain/calendar';
import { itemsAtConfidence, simulateHowMany } from '../../domain/forecast/monte-carlo';
import { daysUntil } from '../../domain/forecast/sampling';
import { findTeam } from '../../domain/nexus';
import { renderForecast } from '../../render/forecast';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { today } from '../flow-view';
import { type ForecastOutcome, keep } from './answer';
import {
  type Basis,
  checkAfterToday,
  checkSince,
  isRough,
  loadBasis,
  parseConfidences,
  seededFor,
  tooThin,
} from './basis';
import { parseDate } from './dates';

const usage = '/forecast by <YYYY-MM-DD> [--team <team>] [--at 60,90] [--since <YYYY-MM-DD>]';
type Input = { date: string; team: string | null; confidences: number[]; since: string | null };

export const forecastBy = defineCommand<Input, ForecastOutcome>({
  path: ['forecast', 'by'],
  usage,
  summary: 'how many items will be done by that date?',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const parsed = parseFlags(words, ['team', 'at', 'since']);
    if (isInvalid(parsed)) return parsed;
    if (parsed.positional.length !== 1) return invalid('Give one date, like `/forecast by 2027-01-15`.');
    const date = parseDate(parsed.positional[0]);
    if ('invalid' in date) return date;
    const confidences = parseConfidences(parsed.flags.at);
    if (isInvalid(confidences)) return confidences;
    const since = parsed.flags.since === undefined ? null : parseDate(parsed.flags.since);
    if (since !== null && 'invalid' in since) return since;
    return { date: date.date, team: parsed.flags.team ?? null, confidences, since: since?.date ?? null };
  },
  async execute({ date, team, confidences, since }, ctx) {
    const found = team === null ? null : findTeam(ctx.nexus, team);
    if (team !== null && !found) return { problem: 'unknown-team', team, teams: ctx.nexus.teams };
    const early = checkSince(since, today(ctx));
    if (early) return early;
    const basis = await loadBasis(ctx, found ?? null, since);
    if ('problem' in basis) return basis;
    const thin = tooThin([basis]);
    if (thin) return thin;
    const passed = checkAfterToday(date, basis.today);
    if (passed) return passed;
    const { answer, days, spread, seed } = howManyBy(basis, date, confidences);
    await keep(ctx, { kind: 'by', date, team: found ?? null }, answer);
    const rough = isRough([basis]);
    return { question: 'how-many', date, days, team: found ?? null, basis, seed, rough, answer, spread };
  },
  render: (outcome) => renderForecast(outcome, usage),
});

/** Items done from tomorrow up to and including `date`, at each confidence, and how the trials spread. */
export function howManyBy(basis: Basis, date: string, confidences: readonly number[]) {
  return howManyBetween(basis, addDays(basis.today, 1), date, confidences);
}

/**
 * Items done on the days from `first` to `last` (after today), at each confidence: the days drawn are those counted
 * between them, as the draws of the days before `first` don't change what is done on these. Asked from tomorrow, it is
 * `howManyBy`'s question and seed.
 */
export function howManyBetween(basis: Basis, first: CalendarDate, last: CalendarDate, confidences: readonly number[]) {
  const days = daysUntil(addDays(first, -1), last, basis.days);
  const later = first > addDays(basis.today, 1) ? `from ${first}` : '';
  const { seed, rng } = seededFor({ kind: 'how-many', until: last }, [basis], later);
  const totals = simulateHowMany(basis.sample.throughput, days, basis.trials, rng);
  const answer = confidences.map((confidence) => ({ confidence, items: itemsAtConfidence(totals, confidence) }));
  return { answer, days, seed, spread: spreadOf(totals) };
}
