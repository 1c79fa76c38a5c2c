import { addDays } from '../../domain/calendar';
import { bold, code, escape } from '../../render/blocks';
import { renderForecast } from '../../render/forecast';
import { count, formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { today } from '../flow-view';
import { answeredOn, type ForecastOutcome } from './answer';
import { type Basis, checkSince, isRough, loadBasis, parseConfidences, tooThin } from './basis';
import { howManyBy } from './by';
import { parseDate } from './dates';

const usage = '/forecast sprint [--at 60,90] [--since <YYYY-MM-DD>]';

export const forecastSprint = defineCommand<{ confidences: number[]; since: string | null }, ForecastOutcome>({
  path: ['forecast', 'sprint'],
  usage,
  summary:
    'how many PBIs the Nexus, and how many squares each team, can finish in the next Sprint (Nexus Sprint Planning)',
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
    const { sprintDays } = ctx.nexus.forecast;
    const early = checkSince(since, today(ctx));
    if (early) return early;
    const basis = await loadBasis(ctx, null, since);
    if ('problem' in basis) return basis;
    const thin = tooThin([basis]);
    if (thin) return thin;
    const end = addDays(basis.today, sprintDays);
    const row = (on: Basis) => {
      if (tooThin([on])) return '_not enough history_';
      const answers = howManyBy(on, end, confidences).answer;
      if (isRough([on]))
        return `roughly ${answers[answers.length - 1].items}–${answers[0].items} (${answers[answers.length - 1].confidence}%–${answers[0].confidence}%, thin history)`;
      return answers.map((a) => `${a.confidence}%: ${bold(String(a.items))}`).join(' · ');
    };
    const nexus = howManyBy(basis, end, confidences);
    const lines = [`${bold('Nexus')} (PBIs integrated)  ${row(basis)}`];
    for (const team of ctx.nexus.teams) {
      const teamBasis = await loadBasis(ctx, team, since);
      lines.push(
        `${bold(escape(team))} (squares done)  ${'problem' in teamBasis ? '_not enough history_' : row(teamBasis)}`,
      );
    }
    const title = `Next Sprint: ${formatDate(addDays(basis.today, 1), basis.today)} – ${formatDate(end, basis.today)} (${count(sprintDays, 'day')})`;
    return {
      title,
      lines,
      ...answeredOn(basis, nexus.seed),
      histogram: { ...nexus.histogram, xTitle: 'PBIs integrated in the Sprint' },
      note: 'Each number: at least that many, with that confidence. Plan to the 85% line; the 50% line is a coin toss.',
    };
  },
  render: (outcome) => renderForecast(outcome, usage),
});
