import type { Histogram } from '../charts/forecast-histogram';
import type {
  Answered,
  ByCycleTimes,
  ByTeams,
  DateAt,
  HowManyAnswer,
  ItemsAt,
  PbiAnswer,
  SprintAnswer,
  SprintRow,
  WhenAnswer,
} from '../commands/forecast/answer';
import type { Basis, BasisWarning } from '../commands/forecast/basis';
import type { SprintChance } from '../commands/forecast/sprint-chance';
import type { CalendarDate } from '../domain/calendar';
import { FIRM_DAYS_WITH_THROUGHPUT, type ForecastDays } from '../domain/forecast/sampling';
import { bold, escape } from './blocks';
import { count, formatDate } from './words';

/** A forecast in words: its title, a line per confidence (or team), a note, what it rests on, its warnings. */
export type Worded = {
  title: string;
  lines: string[];
  note?: string;
  restsOn: string;
  warnings: string[];
  histogram: Omit<Histogram, 'title'>;
};

export function wordAnswer(a: Answered): Worded {
  switch (a.question) {
    case 'when':
      return wordWhen(a);
    case 'how-many':
      return wordHowMany(a);
    case 'sprint':
      return wordSprint(a);
    case 'pbi':
      return wordPbi(a);
  }
}

function wordWhen(a: WhenAnswer): Worded {
  const { items, team, basis } = a;
  const today = basis.today;
  // "Alpha has done 4 more squares", never "4 more of Alpha's squares" or "1 more PBIs"
  const done = team ? `${count(items, 'more square')} done by ${team}` : `${count(items, 'more PBI')} done`;
  const title = team
    ? `When will ${team} have done ${count(items, 'more square')}?`
    : `When will ${count(items, 'more PBI')} be done?`;
  const lines = a.rough
    ? [
        roughRange(
          a.answer.map(({ confidence, date }) => ({
            confidence,
            text: date ? formatDate(date, today) : 'not within ten years',
          })),
        ),
      ]
    : a.answer.map(({ confidence, date }) => `${percent(confidence)}: ${onOrBefore(date, today)}`);
  const note = a.by
    ? `${formatChance(a.by.share)} chance of ${escape(done)} by ${formatDate(a.by.date, today)}.`
    : undefined;
  return {
    title,
    lines,
    note,
    ...fromSample(basis, a.seed),
    histogram: { xTitle: daysFromToday(basis.days), spread: a.spread, lines: dateLines(a.answer, today) },
  };
}

function wordHowMany(a: HowManyAnswer): Worded {
  const { team, basis, answer } = a;
  // a team's squares or the Nexus's PBIs, counted as "13 squares", never "13 of Alpha's squares"
  const unit = team ? 'square' : 'PBI';
  const most = answer[0].items;
  const lines = a.rough
    ? [
        roughRange(
          [...answer].reverse().map(({ confidence, items }) => ({ confidence, text: String(items) })),
          ` ${most === 1 ? unit : `${unit}s`}`,
        ),
      ]
    : answer.map(({ confidence, items }) => `${percent(confidence)}: ${count(items, unit)} or more`);
  const until = `by ${formatDate(a.date, basis.today)}? (${count(a.days, 'day')})`;
  return {
    title: team ? `How many squares will ${team} have done ${until}` : `How many PBIs ${until}`,
    lines,
    ...fromSample(basis, a.seed),
    histogram: { xTitle: team ? `squares done by ${team}` : 'PBIs done', spread: a.spread, lines: itemLines(answer) },
  };
}

function wordSprint(a: SprintAnswer): Worded {
  const today = a.basis.today;
  const lines = a.rows.map(({ team, ...row }) => {
    const who = team === null ? `${bold('Nexus')} (PBIs integrated)` : `${bold(escape(team))} (squares done)`;
    return `${who}  ${sprintRow(row)}`;
  });
  if (a.chance) lines.push(describeSprintChance(a.chance, today));
  return {
    title: `${a.thisSprint ? 'This' : 'Next'} Sprint${a.number === null ? '' : ` (Sprint ${a.number})`}: ${formatDate(a.start, today)} – ${formatDate(a.end, today)} (${count(a.sprintDays, 'day')})`,
    lines,
    ...fromSample(a.basis, a.seed),
    histogram: { xTitle: 'PBIs integrated in the Sprint', spread: a.spread, lines: itemLines(a.answer) },
    note: 'Each number: at least that many, with that confidence. Plan to the 85% line; the 50% line is a coin toss.',
  };
}

/** "50%: *14* · 70%: *12*", one rough range, or no answer for a thin history. */
function sprintRow({ answer, rough }: Omit<SprintRow, 'team'>): string {
  if (!answer) return '_not enough history_';
  if (rough) {
    const [most, least] = [answer[0], answer[answer.length - 1]];
    return `roughly ${least.items}–${most.items} (${least.confidence}%–${most.confidence}%, thin history)`;
  }
  return answer.map((a) => `${a.confidence}%: ${bold(String(a.items))}`).join(' · ');
}

function wordPbi(a: PbiAnswer): Worded {
  const { today } = a;
  const when = (date: string | undefined) =>
    date === undefined ? 'not within ten years' : date === today ? 'today' : formatDate(date, today);
  const lines = a.rough
    ? [roughRange(a.answer.map(({ confidence, date }) => ({ confidence, text: when(date) })))]
    : a.answer.map(
        ({ confidence, date }) => `${percent(confidence)}: ${date === today ? 'today' : onOrBefore(date, today)}`,
      );
  const from = a.from.kind === 'teams' ? byTeams(a, a.from) : byCycleTimes(a, a.from);
  const chance = a.by
    ? `${formatChance(a.by.share)} chance of ${escape(a.key)} done by ${formatDate(a.by.date, today)}.`
    : undefined;
  const xTitle = a.from.kind === 'teams' ? daysFromToday(a.from.days) : 'days from today';
  return {
    title: `When will ${a.key} be done?`,
    lines,
    ...from,
    note: [chance, from.note].filter(Boolean).join('\n') || undefined,
    histogram: { xTitle, spread: a.spread, lines: dateLines(a.answer, today) },
  };
}

/** Each team's queue, then how long integration took; what it rests on: the teams' samples and the integrations. */
function byTeams(a: PbiAnswer, t: ByTeams): Pick<Worded, 'note' | 'restsOn' | 'warnings'> {
  const { waited, integrated, lags } = t;
  const said = t.queues.map(
    ({ team, ahead }) =>
      `${escape(team)}: ${ahead ? `${count(ahead, 'square')} ahead, then this one` : 'this square is next'}`,
  );
  const teams = said.length
    ? `Teams still working: ${said.join('; ')}.`
    : `Every team is done (${count(waited, 'day')} ago); only the integration is left.`;
  const waits = t.waitsOn.length
    ? `It isn't integrated before ${t.waitsOn.map(escape).join(', ')}, which it depends on: the dates count that in.`
    : '';
  const integration = integrated
    ? `Integration took ${count(integrated.median, 'day')} (median of ${integrated.count}) after the last team${waited ? `; ${lags} of those took at least the ${count(waited, 'day')} this one has waited` : ''}.`
    : '';
  const warnings = t.bases.flatMap(basisWarnings);
  if (!lags)
    warnings.push(
      '⚠ No PBI was integrated in the window yet, so these dates leave out the integration step after the last team: they are early.',
    );
  const integrations = integrated
    ? `the integration step of the ${count(integrated.count, 'PBI')} integrated in the window`
    : 'no integration step (none in the window)';
  return {
    note: [teams, integration, waits].filter(Boolean).join(' '),
    restsOn: `Rests on ${[...t.bases.map(teamSample), integrations].join('; ')}; ${t.trials.toLocaleString('en')} trials, seed ${a.seed}.`,
    warnings,
  };
}

/** "Alpha's squares done: 20 days, Mon 2 Mar – Sat 21 Mar (20 with any)". */
function teamSample(basis: Basis): string {
  const { sample, days } = basis;
  const kind = days.kind === 'working' ? 'working day' : 'day';
  return `${escape(basis.who)}'s squares done: ${count(sample.throughput.length, kind)}, ${formatDate(sample.from, basis.today)} – ${formatDate(sample.to, basis.today)} (${sample.daysWithThroughput} with any)`;
}

function byCycleTimes(a: PbiAnswer, c: ByCycleTimes): Pick<Worded, 'note' | 'restsOn' | 'warnings'> {
  const { today } = a;
  return {
    restsOn: `Rests on the cycle times of the ${count(c.finished, 'PBI')} finished ${formatDate(c.since, today)} – ${formatDate(today, today)} that lasted at least its ${count(c.age, 'day')}; read from them directly, no trials.`,
    warnings: c.few ? [`⚠ Only ${count(c.finished, 'finished PBI')} lasted that long: a rough guide.`] : [],
    note: `${escape(a.key)} names no teams: from the cycle times of the finished PBIs that lasted at least its age.`,
  };
}

/** What a forecast from one throughput sample rests on and warns about. */
function fromSample(basis: Basis, seed: string): Pick<Worded, 'restsOn' | 'warnings'> {
  const { sample, days } = basis;
  const kind = days.kind === 'working' ? ` working days (${days.days.join(', ')})` : ' days';
  const what = basis.team ? `${escape(basis.team)}'s squares done` : 'PBIs finished';
  return {
    restsOn: `Rests on ${sample.throughput.length}${kind} of ${what}, ${formatDate(sample.from, basis.today)} – ${formatDate(sample.to, basis.today)} (${sample.daysWithThroughput} with any), ${basis.trials.toLocaleString('en')} trials, seed ${seed}.`,
    warnings: basisWarnings(basis),
  };
}

/** A sample's warnings, naming whose throughput: "Throughput dropped…", "Alpha's throughput is unstable…". */
function basisWarnings(basis: Basis): string[] {
  const who = basis.team === null ? 'the Nexus' : escape(basis.team);
  const whose = who === 'the Nexus' ? 'Throughput' : `${who}'s throughput`;
  return basis.warnings.map((w) => warning(w, who, whose));
}

function warning(w: BasisWarning, who: string, whose: string): string {
  switch (w.warning) {
    case 'rough':
      return (
        `⚠ Only ${count(w.daysWithThroughput, 'day')} with anything finished: too few for an answer at each confidence, so this is a rough range, ` +
        `not a date or number to plan on. Confidence lines start when ${who} has ${FIRM_DAYS_WITH_THROUGHPUT} days with throughput.`
      );
    case 'shift': {
      // "Throughput dropped: the last 4 weeks finished 0.8 a day against 2.0 before …", with the `--since` to try
      const { shift } = w;
      const pace =
        shift.direction === 'drop'
          ? 'the old, faster pace: they are too hopeful'
          : 'the old, slower pace: they are too cautious';
      return (
        `⚠ ${whose} ${shift.direction === 'drop' ? 'dropped' : 'rose'}: the last ${shift.recentDays / w.weekLength} weeks finished ` +
        `${shift.recentRate.toFixed(1)} a day against ${shift.earlierRate.toFixed(1)} before (a change this large comes by chance less than 1 time in 100). ` +
        `These answers draw from the whole window, so they expect ${pace}. \`--since ${w.since}\` forecasts from the history since it changed.`
      );
    }
    case 'unstable':
      return (
        `⚠ ${whose} is unstable: ${w.outside} of ${w.weeks} weeks fall outside the natural process limits ` +
        `(${w.lower.toFixed(1)}–${w.upper.toFixed(1)} a week; the latest ${w.latestWeeksAgo === 0 ? 'is the last week' : `${w.latestWeeksAgo} weeks ago`}). The history is a poor guide; read these numbers with care.`
      );
  }
}

const daysFromToday = (days: ForecastDays): string => `${days.kind === 'working' ? 'working days' : 'days'} from today`;

/** The chart's line at each confidence's date: "85% · Thu 14 Jan" (none for "not within ten years"). */
const dateLines = (answer: readonly DateAt[], today: CalendarDate): Histogram['lines'] =>
  answer
    .filter((a) => a.date !== undefined)
    .map(({ confidence, day, date }) => ({
      confidence,
      value: day,
      label: `${confidence}% · ${formatDate(date!, today)}`,
    }));

/** The chart's line at each confidence's count: "85% · 13+". */
const itemLines = (answer: readonly ItemsAt[]): Histogram['lines'] =>
  answer.map(({ confidence, items }) => ({ confidence, value: items, label: `${confidence}% · ${items}+` }));

const percent = (confidence: number): string => bold(`${confidence}%`);

/** A line's answer: "on or before Thu 14 Jan", or none within ten years. */
const onOrBefore = (date: CalendarDate | undefined, today: CalendarDate): string =>
  date ? `on or before ${formatDate(date, today)}` : 'not within ten years at this pace';

/**
 * Thin history: one range from the answer at the lowest confidence asked to the one at the highest, instead of a line
 * at each confidence that would sound surer than the sample is ("Roughly between Sat 7 Mar and Thu 12 Mar (50%–95%)").
 */
function roughRange(answers: readonly { confidence: number; text: string }[], unit = ''): string {
  const [low, high] = [answers[0], answers[answers.length - 1]];
  const confidences = low === high ? `${low.confidence}%` : `${low.confidence}%–${high.confidence}%`;
  if (low.text === high.text) return `${bold('Roughly')} ${low.text}${unit} (${confidences}), from thin history.`;
  return `${bold('Roughly between')} ${low.text} and ${high.text}${unit} (${confidences}), from thin history.`;
}

/**
 * A share of trials as a chance. A sample never proves certainty: every trial done by the date says "very likely",
 * not "100%" (the history may not hold), and none done says "very unlikely", not "0%"; so the wording stops at 1–99%.
 */
export function formatChance(share: number): string {
  const rounded = Math.round(share * 100);
  if (rounded >= 100) return '>99%';
  if (rounded <= 0) return '<1%';
  return `${rounded}%`;
}

/**
 * "🎯 The Sprint's chance: 42% that every PBI of the Sprint Backlog (8 PBIs) is integrated by Sun 20 Dec — least
 * likely: PBI-3 (55%), PBI-7 (70%)." Or why it can't be told.
 */
export function describeSprintChance(c: SprintChance, today: CalendarDate): string {
  const by = `${formatDate(c.sprint.last, today)}, the last day of Sprint ${c.sprint.number}`;
  if ('noDate' in c)
    return `🎯 The Sprint's chance can't be told: ${escape(c.noDate.key)} of the Sprint Backlog has no forecast yet (\`/forecast backlog\` says why).`;
  const doubtful = c.doubtful.map((d) => `${escape(d.key)} (${formatChance(d.chance)})`).join(', ');
  return `🎯 The Sprint's chance: ${formatChance(c.chance)} that every PBI of the Sprint Backlog (${count(c.pbis, 'PBI')}) is integrated by ${by}${doubtful ? ` — least likely: ${doubtful}` : ''}.`;
}
