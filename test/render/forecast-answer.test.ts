import type { WhenAnswer } from '../../src/commands/forecast/answer';
import type { Basis } from '../../src/commands/forecast/basis';
import type { Block } from '../../src/render/blocks';
import { renderForecast } from '../../src/render/forecast';

const USAGE = '/forecast <N> [--team <team>] [--at 60,90] [--by <YYYY-MM-DD>] [--since <YYYY-MM-DD>]';

/** Alpha's 49 days on Mon 20 Apr 2026: one square a day for five weeks, then three a day. */
const ALPHA: Basis = {
  who: 'Alpha',
  team: 'Alpha',
  today: '2026-04-20',
  days: { kind: 'calendar' },
  sample: { throughput: Array(49).fill(1), from: '2026-03-02', to: '2026-04-19', daysWithThroughput: 49 },
  trials: 10_000,
  warnings: [
    {
      warning: 'shift',
      shift: {
        direction: 'rise',
        recentDays: 21,
        recentTotal: 63,
        recentRate: 3,
        earlierRate: 1,
        chance: 0,
        changedAt: 35,
      },
      since: '2026-04-06',
      weekLength: 7,
    },
    { warning: 'unstable', outside: 2, weeks: 7, lower: 3.7, upper: 22.3, latestWeeksAgo: 0 },
  ],
};

/** Every text of the reply's blocks, as Slack gets it: the header, each section, each context line. */
const texts = (blocks: readonly Block[]): string[] =>
  blocks.flatMap((b) =>
    b.type === 'context'
      ? b.elements.map((e) => e.text)
      : b.type === 'header' || b.type === 'section'
        ? [b.text?.text ?? '']
        : [],
  );

const when = (basis: Basis, over: Partial<WhenAnswer> = {}): WhenAnswer => ({
  question: 'when',
  items: 10,
  team: basis.team,
  basis,
  seed: 'f02d96f3',
  rough: false,
  answer: [
    { confidence: 50, day: 6, date: '2026-04-26' },
    { confidence: 85, day: 7, date: '2026-04-27' },
    { confidence: 95, day: Infinity },
  ],
  by: null,
  spread: [{ value: 6, share: 1 }],
  ...over,
});

/**
 * The answer comes as numbers and dates, and render words it: these are the words the commands built in execute
 * before (the warnings as /forecast answered them on throughput that rose, dropped, or was thin).
 */
test('a when-forecast in words: its lines, what it rests on, the warnings of a shifted and unstable history', () => {
  const reply = renderForecast(when(ALPHA), USAGE);
  expect(reply.text).toBe(
    'When will Alpha have done 10 more squares?\n*50%*: on or before Sun 26 Apr\n*85%*: on or before Mon 27 Apr\n' +
      '*95%*: not within ten years at this pace',
  );
  expect(texts(reply.blocks).slice(-3)).toEqual([
    "Rests on 49 days of Alpha's squares done, Mon 2 Mar – Sun 19 Apr (49 with any), 10,000 trials, seed f02d96f3.",
    "⚠ Alpha's throughput rose: the last 3 weeks finished 3.0 a day against 1.0 before (a change this large comes by chance less than 1 time in 100). These answers draw from the whole window, so they expect the old, slower pace: they are too cautious. `--since 2026-04-06` forecasts from the history since it changed.",
    "⚠ Alpha's throughput is unstable: 2 of 7 weeks fall outside the natural process limits (3.7–22.3 a week; the latest is the last week). The history is a poor guide; read these numbers with care.",
  ]);
  expect(reply.chart?.fileName).toBe('forecast-f02d96f3.png');
  expect(reply.chart?.spec.data).toContainEqual(
    expect.objectContaining({
      name: 'lines',
      values: [
        expect.objectContaining({ confidence: 50, value: 6, label: '50% · Sun 26 Apr' }),
        expect.objectContaining({ confidence: 85, value: 7, label: '85% · Mon 27 Apr' }),
      ],
    }),
  );
});

test("the Nexus's warnings say Throughput, and a thin history answers one rough range", () => {
  const nexus: Basis = {
    ...ALPHA,
    who: 'the Nexus',
    team: null,
    warnings: [
      { warning: 'rough', daysWithThroughput: 6 },
      {
        warning: 'shift',
        shift: {
          direction: 'drop',
          recentDays: 21,
          recentTotal: 10,
          recentRate: 0.5,
          earlierRate: 2.4,
          chance: 0,
          changedAt: 0,
        },
        since: '2026-04-21',
        weekLength: 7,
      },
      { warning: 'unstable', outside: 1, weeks: 10, lower: 0, upper: 24.2, latestWeeksAgo: 3 },
    ],
  };
  const reply = renderForecast(when(nexus, { rough: true, by: { date: '2026-05-01', share: 0.004 } }), USAGE);
  expect(texts(reply.blocks).slice(1)).toEqual([
    '*Roughly between* Sun 26 Apr and not within ten years (50%–95%), from thin history.',
    '<1% chance of 10 more PBIs done by Fri 1 May.',
    'Rests on 49 days of PBIs finished, Mon 2 Mar – Sun 19 Apr (49 with any), 10,000 trials, seed f02d96f3.',
    '⚠ Only 6 days with anything finished: too few for an answer at each confidence, so this is a rough range, not a date or number to plan on. Confidence lines start when the Nexus has 10 days with throughput.',
    '⚠ Throughput dropped: the last 3 weeks finished 0.5 a day against 2.4 before (a change this large comes by chance less than 1 time in 100). These answers draw from the whole window, so they expect the old, faster pace: they are too hopeful. `--since 2026-04-21` forecasts from the history since it changed.',
    '⚠ Throughput is unstable: 1 of 10 weeks fall outside the natural process limits (0.0–24.2 a week; the latest 3 weeks ago). The history is a poor guide; read these numbers with care.',
  ]);
});
