import { spreadOf } from '../../charts/forecast-histogram';
import { daysAtConfidence, shareDoneWithin, simulateWhen } from '../../domain/forecast/monte-carlo';
import { dateOfDay, daysUntil } from '../../domain/forecast/sampling';
import { findTeam } from '../../domain/nexus';
import { code } from '../../render/blocks';
import { renderForecast } from '../../render/forecast';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { today } from '../flow-view';
import { wholeNumber } from '../numbers';
import { type ForecastOutcome, keep } from './answer';
import { checkAfterToday, checkSince, isRough, loadBasis, parseConfidences, seededFor, tooThin } from './basis';
import { parseDate } from './dates';

/** The most items one forecast asks about. */
const MAX_ITEMS = 100_000;

const usage = '/forecast <N> [--team <team>] [--at 60,90] [--by <YYYY-MM-DD>] [--since <YYYY-MM-DD>]';
type Input = { items: number; team: string | null; confidences: number[]; by: string | null; since: string | null };

export const forecastWhen = defineCommand<Input, ForecastOutcome>({
  path: ['forecast', 'when'],
  usage,
  summary: "when will N more items be done? (the Nexus's PBIs, or a team's squares); `--by` adds the chance of a date",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const parsed = parseFlags(words, ['team', 'at', 'by', 'since']);
    if (isInvalid(parsed)) return parsed;
    const [n, ...rest] = parsed.positional;
    const items = wholeNumber(n, 1, MAX_ITEMS);
    if (items === null) {
      const what = parsed.flags.team === undefined ? 'PBIs' : "a team's squares";
      return invalid(
        `A number of ${what} is a whole number from 1 to ${MAX_ITEMS}, like \`/forecast 30\`: ${code((n ?? '').slice(0, 30))} is not one.`,
      );
    }
    if (rest.length) return invalid(`Unexpected ${code(rest[0])}.`);
    const confidences = parseConfidences(parsed.flags.at);
    if (isInvalid(confidences)) return confidences;
    const by = parsed.flags.by === undefined ? null : parseDate(parsed.flags.by);
    if (by !== null && 'invalid' in by) return by;
    const since = parsed.flags.since === undefined ? null : parseDate(parsed.flags.since);
    if (since !== null && 'invalid' in since) return since;
    return { items, team: parsed.flags.team ?? null, confidences, by: by?.date ?? null, since: since?.date ?? null };
  },
  async execute({ items, team, confidences, by, since }, ctx) {
    const found = team === null ? null : findTeam(ctx.nexus, team);
    if (team !== null && !found) return { problem: 'unknown-team', team, teams: ctx.nexus.teams };
    const early = checkSince(since, today(ctx));
    if (early) return early;
    const basis = await loadBasis(ctx, found ?? null, since);
    if ('problem' in basis) return basis;
    const thin = tooThin([basis]);
    if (thin) return thin;
    const passed = by === null ? null : checkAfterToday(by, basis.today);
    if (passed) return passed;
    const { seed, rng } = seededFor({ kind: 'when', items }, [basis]);
    const days = simulateWhen(basis.sample.throughput, items, basis.trials, rng);
    const answer = confidences.map((confidence) => {
      const d = daysAtConfidence(days, confidence);
      return { confidence, day: d, date: Number.isFinite(d) ? dateOfDay(basis.today, d, basis.days) : undefined };
    });
    await keep(
      ctx,
      { kind: 'when', items, team: found ?? null },
      answer.map(({ confidence, date }) => ({ confidence, date })),
    );
    return {
      question: 'when',
      items,
      team: found ?? null,
      basis,
      seed,
      rough: isRough([basis]),
      answer,
      by: by === null ? null : { date: by, share: shareDoneWithin(days, daysUntil(basis.today, by, basis.days)) },
      spread: spreadOf(days),
    };
  },
  render: (outcome) => renderForecast(outcome, usage),
});
