import { spreadOf } from '../../charts/forecast-histogram';
import { daysAtConfidence, shareDoneWithin, simulateWhen } from '../../domain/forecast/monte-carlo';
import { dateOfDay, daysUntil } from '../../domain/forecast/sampling';
import { findTeam } from '../../domain/nexus';
import { code, escape } from '../../render/blocks';
import { renderForecast } from '../../render/forecast';
import { count, formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { today } from '../flow-view';
import { wholeNumber } from '../numbers';
import { answeredOn, type ForecastOutcome, formatChance, keep, percent, roughRange } from './answer';
import {
  checkAfterToday,
  checkSince,
  daysFromToday,
  isRough,
  loadBasis,
  parseConfidences,
  seededFor,
  tooThin,
} from './basis';
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
    // "Alpha has done 4 more squares", never "4 more of Alpha's squares" or "1 more PBIs"
    const done = found ? `${count(items, 'more square')} done by ${found}` : `${count(items, 'more PBI')} done`;
    const title = found
      ? `When will ${found} have done ${count(items, 'more square')}?`
      : `When will ${count(items, 'more PBI')} be done?`;
    const lines = isRough([basis])
      ? [
          roughRange(
            answer.map(({ confidence, date }) => ({
              confidence,
              text: date ? formatDate(date, basis.today) : 'not within ten years',
            })),
          ),
        ]
      : answer.map(
          ({ confidence, date }) =>
            `${percent(confidence)}: ${date ? `on or before ${formatDate(date, basis.today)}` : 'not within ten years at this pace'}`,
        );
    const note =
      by === null
        ? undefined
        : `${formatChance(shareDoneWithin(days, daysUntil(basis.today, by, basis.days)))} chance of ${escape(done)} by ${formatDate(by, basis.today)}.`;
    const histogram = {
      xTitle: daysFromToday(basis),
      spread: spreadOf(days),
      lines: answer
        .filter((a) => a.date)
        .map(({ confidence, day, date }) => ({
          confidence,
          value: day,
          label: `${confidence}% · ${formatDate(date!, basis.today)}`,
        })),
    };
    return { title, lines, ...answeredOn(basis, seed), note, histogram };
  },
  render: (outcome) => renderForecast(outcome, usage),
});
