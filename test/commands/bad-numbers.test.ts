import { COMMANDS } from '../../src/commands';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

/** What zod says by itself ("Too small: expected number to be >0", "Invalid input"): never the words of a reply. */
const ZOD_STOCK =
  /too (small|big)|invalid (input|string|number|type|enum|option|value)|expected (a )?(number|string|int|array|object|nan|boolean)|number must|string must|\brequired\b|\bNaN\b/i;

/** Numbers a person might type wrong: zero, negative, a fraction, an exponent, a sign, too many digits, a comma. */
const NUMBERS = ['0', '-3', '3.5', '1e3', '+2', '99999999999999999999', '1,5', '.5'];
/** Not numbers at all, where only a number fits. */
const NOT_NUMBERS = ['abc', '0x10', '½', 'Infinity'];

type Line = { line: (n: string) => string; says?: string; anyWord?: boolean; except?: string };
/** In a list (`--at 1,5`, `--stages x,doing:1,5`), 1,5 is two items, not a number with a comma. */
const AT = { anyWord: true, except: '1,5' };

/**
 * Each command with a bad number where it takes one (`says`: the specific message), or in its first argument where it
 * takes none. `anyWord`: the place takes only a number, so words that are no number at all are tried there too.
 */
const LINES: Record<string, Line[]> = {
  'pbi add': [{ line: (n) => `/pbi add "x" --stage ${n}` }],
  'pbi move': [{ line: (n) => `/pbi move PBI-1 ${n}` }],
  'pbi team': [{ line: (n) => `/pbi team PBI-1 Alpha ${n}` }],
  'pbi teams': [{ line: (n) => `/pbi teams PBI-1 +${n}` }],
  'pbi show': [{ line: (n) => `/pbi show ${n}` }],
  'pbi block': [{ line: (n) => `/pbi block ${n} waiting` }],
  'pbi unblock': [{ line: (n) => `/pbi unblock ${n}` }],
  'pbi discard': [{ line: (n) => `/pbi discard ${n}` }],
  'pbi swarm': [{ line: (n) => `/pbi swarm ${n}` }],
  'pbi snooze': [
    { line: (n) => `/pbi snooze PBI-1 ${n}`, says: 'Snooze for 1 to 14 days, a whole number', anyWord: true },
  ],
  'pbi link': [{ line: (n) => `/pbi link ${n} https://docs.example.com/d` }],
  'pbi depends': [{ line: (n) => `/pbi depends PBI-1 on ${n}` }, { line: (n) => `/pbi depends ${n} remove PBI-1` }],
  'pbi rank': [{ line: (n) => `/pbi rank PBI-1 before ${n}` }, { line: (n) => `/pbi rank ${n} top` }],
  'pbi class': [
    { line: (n) => `/pbi class PBI-1 ${n}` },
    { line: (n) => `/pbi class PBI-1 fixed-date --date ${n}`, says: 'is not a date', anyWord: true },
  ],
  'flow board': [{ line: (n) => `/flow board ${n}` }],
  'flow backlog': [
    { line: (n) => `/flow backlog --top ${n}`, says: '--top is a whole number from 1 to 200', anyWord: true },
  ],
  'flow export': [{ line: (n) => `/flow export ${n}` }],
  'flow wip': [{ line: (n) => `/flow wip ${n}` }],
  'flow aging': [{ line: (n) => `/flow aging ${n}` }],
  'flow sle': [{ line: (n) => `/flow sle ${n}` }],
  'flow throughput': [{ line: (n) => `/flow throughput ${n}` }],
  'flow chart': [{ line: (n) => `/flow chart ${n}` }],
  'flow digest': [{ line: (n) => `/flow digest ${n}` }],
  'flow efficiency': [{ line: (n) => `/flow efficiency ${n}` }],
  'flow blocked': [{ line: (n) => `/flow blocked ${n}` }],
  'forecast when': [
    { line: (n) => `/forecast ${n}`, says: 'A number of PBIs is a whole number from 1 to 100000' },
    { line: (n) => `/forecast ${n} --team Alpha`, says: "A number of a team's squares is a whole number" },
    { line: (n) => `/forecast 5 --at ${n}`, says: 'Confidences are whole percentages from 1 to 99', ...AT },
  ],
  'forecast by': [
    { line: (n) => `/forecast by ${n}`, says: 'is not a date' },
    { line: (n) => `/forecast by 2099-01-01 --at ${n}`, says: 'Confidences are whole percentages', ...AT },
  ],
  'forecast pbi': [{ line: (n) => `/forecast PBI-1 --at ${n}`, says: 'Confidences are whole percentages', ...AT }],
  'forecast sprint': [{ line: (n) => `/forecast sprint --at ${n}`, says: 'Confidences are whole percentages', ...AT }],
  'forecast backlog': [
    { line: (n) => `/forecast backlog --top ${n}`, says: '--top is a whole number from 1 to 200', anyWord: true },
    { line: (n) => `/forecast backlog --at ${n}`, says: 'Confidences are whole percentages', ...AT },
  ],
  'forecast accuracy': [{ line: (n) => `/forecast accuracy ${n}` }],
  'nexus setup': [
    {
      line: (n) => `/nexus setup --stages x,doing:${n}`,
      says: 'is not a stage: a WIP limit is a whole number from 1 to 10000, and',
      ...AT,
    },
    { line: (n) => `/nexus setup --sle ${n}`, says: 'The SLE percentile is a whole number', anyWord: true },
  ],
  'nexus teams': [{ line: (n) => `/nexus teams remove ${n}` }],
  'nexus team': [{ line: (n) => `/nexus team Alpha channel ${n}` }],
  'nexus stage': [
    { line: (n) => `/nexus stage wip ready ${n}`, says: 'A WIP limit is a whole number', anyWord: true },
    { line: (n) => `/nexus stage add review --wip ${n}`, says: 'A WIP limit is a whole number', anyWord: true },
    { line: (n) => `/nexus stage wait ready ${n}`, says: 'Give the stage and on' },
  ],
  'nexus flow': [{ line: (n) => `/nexus flow start ${n} finish done` }],
  'nexus sle': [
    { line: (n) => `/nexus sle ${n}`, says: 'The percentile is a whole number', anyWord: true },
    { line: (n) => `/nexus sle 85 ${n}`, says: 'The days are a whole number', anyWord: true },
  ],
  'nexus class': [
    { line: (n) => `/nexus class add risk --sle ${n}`, says: "--sle is the class's SLE in days", anyWord: true },
    { line: (n) => `/nexus class add risk --wip ${n}`, says: 'A WIP limit is a whole number', anyWord: true },
  ],
  'nexus zone': [{ line: (n) => `/nexus zone ${n}` }],
  'nexus digest': [{ line: (n) => `/nexus digest ${n}` }],
  'nexus nit': [{ line: (n) => `/nexus nit add ${n}` }],
  'nexus forecast': [
    {
      line: (n) => `/nexus forecast working --sprint ${n}`,
      says: 'The Sprint length is a whole number',
      anyWord: true,
    },
  ],
  'nexus sprint': [
    { line: (n) => `/nexus sprint ${n}`, says: 'is not a date' },
    {
      line: (n) => `/nexus sprint 2027-01-04 --length ${n}`,
      says: 'The Sprint length is a whole number',
      anyWord: true,
    },
  ],
  'nexus review': [{ line: (n) => `/nexus review ${n}` }],
  'nexus tracker': [{ line: (n) => `/nexus tracker ${n}` }],
  'nexus retro': [{ line: (n) => `/nexus retro ${n}`, says: 'This report takes no arguments' }],
  'nexus share': [{ line: (n) => `/nexus share ${n}`, says: 'Nothing else follows it' }],
  'nexus map': [{ line: (n) => `/nexus map generic "Done" ${n}` }],
  'nexus import': [
    { line: (n) => `/nexus import jira --since ${n}` },
    { line: (n) => `/nexus import csv --apply ${n}` },
  ],
};

describeEachDatabase('bad numbers in every command', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta --stages "ready:3,doing:2,done" --start doing --finish done');
    await h.run('/pbi add "Search" --teams Alpha');
  });

  test('the walk names every command', () => {
    expect(Object.keys(LINES).sort()).toEqual(COMMANDS.map((c) => c.path.join(' ')).sort());
  });

  test('each is refused in our words, saying what a number there is, and changes nothing', async () => {
    const state = async () => JSON.stringify([await h.nexus(), await h.store.pbis.listOpen((await h.nexus()).id)]);
    const before = await state();
    const leaks: string[] = [];
    const unspecific: string[] = [];
    for (const lines of Object.values(LINES)) {
      for (const { line, says, anyWord, except } of lines) {
        for (const n of (anyWord ? [...NUMBERS, ...NOT_NUMBERS] : NUMBERS).filter((n) => n !== except)) {
          const typed = line(n);
          const reply = await h.run(typed);
          if (reply.visibility !== 'ephemeral' || ZOD_STOCK.test(reply.plain)) leaks.push(`${typed} → ${reply.plain}`);
          if (says && !reply.plain.includes(says)) unspecific.push(`${typed} → ${reply.plain.split('\n')[0]}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(unspecific).toEqual([]);
    expect(await state()).toEqual(before);
  });
});
