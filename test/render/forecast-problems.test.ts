import type { ForecastProblem } from '../../src/commands/forecast/answer';
import { refuseForecast } from '../../src/render/forecast';

const USAGE = '/forecast <key> [--at 60,90] [--since <YYYY-MM-DD>]';
const TODAY = '2026-12-01';

/**
 * Every forecast not given, as the person reads it (the texts the commands answered when they worded these in
 * execute), and whether the usage goes with it: only for a mistake in what was typed.
 */
const TABLE: [ForecastProblem, string, 'usage' | 'no usage'][] = [
  [
    { problem: 'no-history', who: 'the Nexus' },
    'Not enough history: the Nexus has finished nothing in the window, so any date would be a guess. Forecasts start once items finish.',
    'no usage',
  ],
  [
    { problem: 'thin-history', who: 'A&B', days: 1 },
    'Not enough history: A&amp;B finished something on only 1 day in the window. Forecasts need at least 5 such days: fewer say almost nothing about the pace, and any date would sound surer than it is.',
    'no usage',
  ],
  [
    { problem: 'unknown-team', team: 'Zeta', teams: ['Alpha', 'Beta'] },
    'There is no team `Zeta`. Teams: `Alpha`, `Beta`.',
    'usage',
  ],
  [{ problem: 'unknown-team', team: 'Zeta', teams: [] }, 'There is no team `Zeta`. Teams: none yet.', 'usage'],
  [
    { problem: 'unknown-pbi', key: 'NOPE-1' },
    'There is no PBI `NOPE-1` in this Nexus. `/flow board` lists them.',
    'usage',
  ],
  [
    { problem: 'since-not-before-today', since: '2030-01-01', today: TODAY },
    '`--since 2030-01-01` leaves no history to forecast from: give a day before today, Tue 1 Dec.',
    'usage',
  ],
  [
    { problem: 'date-not-after-today', date: '2026-01-01', today: TODAY },
    '`2026-01-01` is not after today, Tue 1 Dec.',
    'usage',
  ],
  [
    { problem: 'pbi-already-done', key: 'PBI-27', finishedOn: '2026-10-26', today: TODAY },
    'PBI-27 is already done: it finished on Mon 26 Oct.',
    'no usage',
  ],
  [{ problem: 'pbi-discarded', key: 'GONE-1' }, 'GONE-1 was discarded; there is nothing to forecast.', 'no usage'],
  [
    { problem: 'integration-unknown', key: 'BOTH-1', waited: 3, longest: null },
    "Every team is done with BOTH-1, and no PBI was integrated in the window: the history can't say how long integration takes.",
    'no usage',
  ],
  [
    { problem: 'integration-unknown', key: 'BOTH-1', waited: 9, longest: 0 },
    "Every team finished BOTH-1 9 days ago, longer than any integration in the window took (at most 0 days): the history can't say when. Integrate it.",
    'no usage',
  ],
  [
    {
      problem: 'pbi-not-started',
      key: 'SOLO-2',
      sle: { kind: 'computed', percentile: 85, days: 1, sampleSize: 11, atRiskDays: null },
    },
    "SOLO-2 hasn't started: cycle times tell how long it takes once started (85% within 1 day, the SLE), not when it will start. Forecast it once it starts, or give it teams: `/pbi teams SOLO-2 +&lt;team&gt;`.",
    'no usage',
  ],
  [
    { problem: 'pbi-not-started', key: 'SOLO-1', sle: { kind: 'not-enough-history', percentile: 85, sampleSize: 3 } },
    "Not enough history: SOLO-1 hasn't started and names no teams, and only 3 PBIs finished in the window, too few (10 needed) to say even how long one takes once started. Forecast it once it starts, or give it teams: `/pbi teams SOLO-1 +&lt;team&gt;`.",
    'no usage',
  ],
  [
    { problem: 'few-cycle-times', finished: 3 },
    'Not enough history: only 3 PBIs finished in the window. A PBI with no teams is forecast from the cycle times of finished PBIs, and that needs at least 5: fewer say almost nothing, and any date would sound surer than it is.',
    'no usage',
  ],
  [
    { problem: 'pbi-older-than-history', key: 'SOLO-1', age: 12 },
    "SOLO-1 is older than every PBI finished in the window (12 days): the history can't say. Swarm on it.",
    'no usage',
  ],
  [
    { problem: 'busy' },
    "Another accuracy replay is running in this bot right now (one at a time, so everyone else's commands stay quick). Ask again in a minute.",
    'no usage',
  ],
];

test.each(TABLE)('a forecast not given: %j', (problem, words, usage) => {
  const reply = refuseForecast(problem, USAGE);
  expect(reply.visibility).toBe('ephemeral');
  expect(reply.text).toBe(usage === 'usage' ? `${words}\nUsage: ${USAGE}` : words);
  expect(reply.blocks).toHaveLength(usage === 'usage' ? 2 : 1);
});
