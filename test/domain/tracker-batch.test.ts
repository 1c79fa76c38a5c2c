import { backlogOrder } from '../../src/domain/backlog';
import type { PbiEvent } from '../../src/domain/events';
import type { Nexus } from '../../src/domain/nexus';
import type { Pbi } from '../../src/domain/pbi';
import {
  DELETED,
  FLAGGED_REASON,
  LABEL,
  type TrackerKind,
  type TrackerLink,
  type TrackerStatus,
  trackerDependencies,
} from '../../src/domain/tracker';
import {
  type ConnectedTracker,
  decideTrackerBatch,
  dependentKeys,
  lateKeys,
  type TrackerBatchInput,
  type TrackerDelivery,
} from '../../src/domain/tracker-batch';
import { at, pbiFrom, WORKFLOW } from './builders';

const nexus: Nexus = {
  id: 'n1',
  workspaceId: 'T',
  channelId: 'C',
  name: 'N',
  teams: ['Alpha', 'Beta'],
  workflow: WORKFLOW,
  sle: { percentile: 85, days: null, historyDays: 90 },
  timeZone: 'Europe/Berlin',
  digest: { time: '09:30', days: ['mon'], enabled: true },
  forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
  sprintReports: { review: false, retro: false },
  teamChannels: [],
  classes: [],
  nit: ['U1'],
  createdBy: 'U1',
};

const jira: ConnectedTracker = {
  kind: 'jira',
  mapping: { statuses: { 'Code Review': 'review' }, teams: { payments: 'Alpha' } },
  reportedStatuses: ['QA'],
};

type Given = {
  id?: number;
  kind?: TrackerKind;
  key?: string;
  to: string | TrackerStatus | null;
  at: string;
  received?: string;
  hints?: string[];
  title?: string;
  links?: TrackerLink[];
  order?: string | number;
  flagged?: boolean;
  imported?: boolean;
};

let nextId = 1;
function delivery(g: Given): TrackerDelivery {
  const to = typeof g.to === 'string' ? { id: null, name: g.to, category: null } : g.to;
  const order = g.order === undefined ? {} : { order: g.order };
  return {
    id: BigInt(g.id ?? nextId++),
    kind: g.kind ?? 'jira',
    change: {
      item: {
        key: g.key ?? 'ED-1',
        title: g.title ?? `Title of ${g.key ?? 'ED-1'}`,
        url: null,
        createdAt: at('2026-03-01 08:00'),
      },
      from: null,
      to,
      at: at(g.at),
      teamHints: g.hints ?? [],
      ...(g.links ? { links: g.links } : {}),
      ...order,
      ...(g.flagged === undefined ? {} : { flagged: g.flagged }),
    },
    receivedAt: at(g.received ?? '2026-03-31 00:00'),
    ...(g.imported ? { imported: true } : {}),
  };
}

function decide(given: Given[], more: Partial<TrackerBatchInput> = {}) {
  return decideTrackerBatch({
    nexus,
    connections: [jira],
    deliveries: given.map(delivery),
    current: [],
    histories: new Map(),
    ...more,
  });
}

/** A PBI known to the Nexus, in `doing` since 3 March, added and moved by Jira. */
const known = (key = 'ED-1'): Pbi => pbiFrom(key, '2026-03-01 08:00', [['2026-03-03 10:00', 'move', 'doing']]);
const historyOf = (key = 'ED-1'): PbiEvent[] => [
  {
    type: 'pbi.added',
    key,
    title: `Title of ${key}`,
    url: null,
    stage: 'ready',
    teams: [],
    at: at('2026-03-01 08:00'),
    actor: 'U1',
  },
  { type: 'pbi.moved', key, from: 'ready', to: 'doing', at: at('2026-03-03 10:00'), actor: 'U1' },
];

const status = (name: string, category: string | null = null): TrackerStatus => ({ id: null, name, category });

describe('what becomes of each delivery of a batch', () => {
  // state: applied, ignored or held (unmapped); told: the statuses the NIT hears of now; moved: the stage announced
  test.each<{
    what: string;
    kind?: TrackerKind;
    to: string | TrackerStatus;
    current?: Pbi[];
    state: 'applied' | 'ignored' | 'unmapped';
    told: string[];
    moved: string | null;
  }>([
    { what: 'a status mapped by the NIT applies', to: 'Code Review', state: 'applied', told: [], moved: 'review' },
    { what: 'a status named like a stage applies', to: 'Doing', state: 'applied', told: [], moved: 'doing' },
    {
      what: 'a category finds its place in the flow',
      to: status('Shipped', 'done'),
      state: 'applied',
      told: [],
      moved: 'done',
    },
    {
      what: 'a change to the stage the PBI is in applies and announces nothing',
      to: 'Doing',
      current: [known()],
      state: 'applied',
      told: [],
      moved: null,
    },
    {
      what: 'a status without a stage is held and told',
      to: 'Triage',
      state: 'unmapped',
      told: ['Triage'],
      moved: null,
    },
    { what: 'a status already told is held, not told again', to: 'QA', state: 'unmapped', told: [], moved: null },
    { what: 'a label no one mapped is ignored', to: status('bug', LABEL), state: 'ignored', told: [], moved: null },
    {
      what: 'a tracker no longer connected: its status is held, with no NIT to tell',
      kind: 'github',
      to: 'Doing',
      state: 'unmapped',
      told: [],
      moved: null,
    },
    {
      what: 'a deletion of a known PBI discards it',
      to: status('deleted', DELETED),
      current: [known()],
      state: 'applied',
      told: [],
      moved: DELETED,
    },
    {
      what: 'a deletion of a PBI never seen is ignored',
      to: status('deleted', DELETED),
      state: 'ignored',
      told: [],
      moved: null,
    },
    {
      what: 'a deletion from a tracker no longer connected is ignored',
      kind: 'github',
      to: status('deleted', DELETED),
      current: [known()],
      state: 'ignored',
      told: [],
      moved: null,
    },
  ])('$what', ({ kind, to, current, state, told, moved }) => {
    const batch = decide([{ id: 7, kind, to, at: '2026-03-05 10:00' }], { current: current ?? [] });
    expect(batch.states).toEqual({ applied: [], ignored: [], unmapped: [], [state]: [7n] });
    expect(batch.news?.unmapped.map((u) => u.status) ?? []).toEqual(told);
    expect(batch.reported).toEqual(told.length ? [{ kind: 'jira', statuses: ['QA', ...told] }] : []);
    expect(batch.news?.moves.map((m) => m.to) ?? []).toEqual(moved ? [moved] : []);
    if (!moved) expect(batch.news?.moves ?? []).toEqual([]);
    expect(batch.writes).toHaveLength(state === 'applied' ? 1 : 0);
    expect(batch.events.length > 0).toBe(state === 'applied');
  });

  test('a new item is added in the first stage, moves, and is announced with its tracker', () => {
    const batch = decide([{ to: 'Code Review', at: '2026-03-05 10:00', hints: ['payments', 'beta', 'bug'] }]);
    expect(batch.events.map((e) => [e.type, e.actor])).toEqual([
      ['pbi.added', 'jira'],
      ['pbi.moved', 'jira'],
    ]);
    expect(batch.writes).toHaveLength(1);
    expect(batch.writes[0].before).toBeNull();
    expect(batch.writes[0].after).toMatchObject({ key: 'ED-1', stage: 'review' });
    expect(batch.writes[0].after.squares.map((s) => s.team)).toEqual(['Alpha', 'Beta']);
    expect(batch.news).toEqual({
      moves: [{ key: 'ED-1', title: 'Title of ED-1', url: null, from: null, to: 'review', kind: 'jira' }],
      unmapped: [],
    });
  });

  test('held statuses are counted per tracker and status, and told once per connection', () => {
    const batch = decide([
      { key: 'ED-1', to: 'Triage', at: '2026-03-05 10:00' },
      { key: 'ED-2', to: 'Triage', at: '2026-03-05 11:00' },
      { key: 'ED-3', to: 'Parked', at: '2026-03-05 12:00' },
      { key: 'ED-4', to: 'QA', at: '2026-03-05 13:00' },
    ]);
    expect(batch.news!.unmapped).toEqual([
      { kind: 'jira', status: 'Triage', waiting: 2 },
      { kind: 'jira', status: 'Parked', waiting: 1 },
    ]);
    expect(batch.reported).toEqual([{ kind: 'jira', statuses: ['QA', 'Triage', 'Parked'] }]);
    expect(batch.states.unmapped).toHaveLength(4);
  });
});

describe('a batch applies in order of occurrence', () => {
  test('whatever order the deliveries came in; equal times in order of receipt', () => {
    const batch = decide([
      { id: 3, to: 'Done', at: '2026-03-06 10:00' },
      { id: 2, to: 'Review', at: '2026-03-05 10:00' },
      { id: 1, to: 'Doing', at: '2026-03-05 10:00' },
    ]);
    expect(batch.states.applied).toEqual([1n, 2n, 3n]);
    expect(batch.news!.moves.map((m) => [m.from, m.to])).toEqual([
      [null, 'doing'],
      ['doing', 'review'],
      ['review', 'done'],
    ]);
    expect(batch.writes).toHaveLength(1);
    expect(batch.writes[0].after.finishedAt!.toISO()).toBe(at('2026-03-06 10:00').toISO());
  });

  test('a change dated after it reached us counts from when it arrived', () => {
    const batch = decide([{ to: 'Doing', at: '2026-04-10 10:00', received: '2026-03-05 09:00' }]);
    expect(batch.writes[0].after.startedAt!.toISO()).toBe(at('2026-03-05 09:00').toISO());
  });

  test('keys are the same ignoring case: a known PBI keeps its spelling, a new one takes the first of the batch', () => {
    const batch = decide(
      [
        { key: 'ed-1', to: 'Review', at: '2026-03-05 10:00' },
        { key: 'ed-2', to: 'Doing', at: '2026-03-05 09:00' },
        { key: 'ED-2', to: 'Review', at: '2026-03-05 11:00' },
      ],
      { current: [known('ED-1')] },
    );
    expect(batch.writes.map((w) => [w.before?.key ?? null, w.after.key, w.after.stage])).toEqual([
      ['ED-1', 'ED-1', 'review'],
      [null, 'ed-2', 'review'],
    ]);
    expect(new Set(batch.events.map((e) => e.key))).toEqual(new Set(['ED-1', 'ed-2']));
  });

  test('a change older than a PBI’s latest needs its history, and goes in its place without moving it back', () => {
    const late: Given[] = [{ key: 'ed-1', to: 'Review', at: '2026-03-02 10:00' }];
    const on = { current: [known('ED-1'), known('ED-9')] };
    expect(lateKeys(late.map(delivery), on.current)).toEqual(['ED-1']);
    expect(lateKeys([delivery({ to: 'Review', at: '2026-03-04 10:00' })], on.current)).toEqual([]);
    expect(() => decide(late, on)).toThrow(/history/);
    const batch = decide(late, { ...on, histories: new Map([['ED-1', historyOf('ED-1')]]) });
    expect(batch.events).toMatchObject([{ type: 'pbi.moved', key: 'ED-1', from: 'ready', to: 'review' }]);
    expect(batch.writes).toHaveLength(1);
    expect(batch.writes[0].after).toMatchObject({ key: 'ED-1', stage: 'doing' });
    expect(batch.news!.moves).toMatchObject([{ from: 'ready', to: 'review' }]);
  });

  test('known PBIs are written in the order given, then new ones as they came; untouched ones are not written', () => {
    const batch = decide(
      [
        { key: 'NEW-1', to: 'Doing', at: '2026-03-05 08:00' },
        { key: 'ED-2', to: 'Review', at: '2026-03-05 09:00' },
        { key: 'ED-1', to: 'Review', at: '2026-03-05 10:00' },
      ],
      { current: [known('ED-1'), known('ED-2'), known('ED-3')] },
    );
    expect(batch.writes.map((w) => w.after.key)).toEqual(['ED-1', 'ED-2', 'NEW-1']);
    expect(batch.events.map((e) => e.key)).toEqual(['NEW-1', 'NEW-1', 'ED-2', 'ED-1']);
  });
});

describe('one transition counts once, whichever door reported it', () => {
  /** ED-1 as Jira made it: added on 1 March, moved into doing on 3 March at 10:00. */
  const byJira = (): PbiEvent[] => historyOf().map((e) => ({ ...e, actor: 'jira' }));

  test('a change the history holds (same tracker, stage and instant) needs the history and is ignored', () => {
    expect(lateKeys([delivery({ to: 'Doing', at: '2026-03-03 10:00' })], [known()])).toEqual(['ED-1']);
    const batch = decide([{ id: 4, to: 'Doing', at: '2026-03-03 10:00' }], {
      current: [known()],
      histories: new Map([['ED-1', byJira()]]),
    });
    expect(batch.states).toEqual({ applied: [], ignored: [4n], unmapped: [] });
    expect(batch.events).toEqual([]);
    expect(batch.writes).toEqual([]);
    expect(batch.news).toBeNull();
  });

  test('the same instant and stage typed by a person, or another stage, is not a repeat', () => {
    const typed = decide([{ id: 4, to: 'Doing', at: '2026-03-03 10:00' }], {
      current: [known()],
      histories: new Map([['ED-1', historyOf()]]),
    });
    expect(typed.states.applied).toEqual([4n]);
    const other = decide([{ id: 5, to: 'Review', at: '2026-03-03 10:00' }], {
      current: [known()],
      histories: new Map([['ED-1', byJira()]]),
    });
    expect(other.states.applied).toEqual([5n]);
  });

  test('within one batch: a new item and a known one each take a repeated transition once', () => {
    const batch = decide(
      [
        { id: 1, key: 'NEW-1', to: 'Doing', at: '2026-03-05 10:00' },
        { id: 2, key: 'NEW-1', to: 'Doing', at: '2026-03-05 10:00' },
        { id: 3, to: 'Review', at: '2026-03-06 10:00' },
        { id: 4, to: 'Review', at: '2026-03-06 10:00' },
      ],
      { current: [known()] },
    );
    expect(batch.states).toEqual({ applied: [1n, 3n], ignored: [2n, 4n], unmapped: [] });
    expect(batch.events.map((e) => [e.key, e.type])).toEqual([
      ['NEW-1', 'pbi.added'],
      ['NEW-1', 'pbi.moved'],
      ['ED-1', 'pbi.moved'],
    ]);
  });
});

describe('imported entries are history, not news', () => {
  const imported = (g: Given): TrackerDelivery => ({ ...delivery(g), imported: true });

  test('they apply like any delivery, marked as imported, and the channel hears none of their moves', () => {
    const batch = decideTrackerBatch({
      nexus,
      connections: [jira],
      deliveries: [
        imported({ id: 1, to: 'Doing', at: '2026-03-05 10:00' }),
        delivery({ id: 2, key: 'ED-2', to: 'Doing', at: '2026-03-05 11:00' }),
      ],
      current: [],
      histories: new Map(),
    });
    expect(batch.states.applied).toEqual([1n, 2n]);
    expect(batch.writes.map((w) => [w.after.key, w.after.stage])).toEqual([
      ['ED-1', 'doing'],
      ['ED-2', 'doing'],
    ]);
    expect(batch.events.filter((e) => batch.imported.has(e)).map((e) => [e.key, e.type])).toEqual([
      ['ED-1', 'pbi.added'],
      ['ED-1', 'pbi.moved'],
    ]);
    expect(batch.news!.moves.map((m) => m.key)).toEqual(['ED-2']);
  });

  test('a status without a stage is held, and the NIT is not told (the summary tells it)', () => {
    const batch = decideTrackerBatch({
      nexus,
      connections: [jira],
      deliveries: [imported({ id: 1, to: 'Triage', at: '2026-03-05 10:00' })],
      current: [],
      histories: new Map(),
    });
    expect(batch.states.unmapped).toEqual([1n]);
    expect(batch.news).toBeNull();
    expect(batch.reported).toEqual([]);
  });
});

describe("dependencies from trackers' links", () => {
  const blockedBy = (key: string): TrackerLink => ({ relation: 'is blocked by', key });
  const blocks = (key: string): TrackerLink => ({ relation: 'blocks', key });
  const added = (batch: ReturnType<typeof decide>) =>
    batch.events.flatMap((e) => (e.type === 'pbi.dependency-added' ? [`${e.key} on ${e.on} by ${e.actor}`] : []));

  test('each tracker\'s words for "can\'t be done before" are dependencies; other links are not', () => {
    const links: TrackerLink[] = [
      { relation: 'is blocked by', key: 'ED-3' }, // Jira's Blocks, on the blocked issue
      { relation: 'depends on', key: 'ED-4' }, // Jira's Dependent
      { relation: 'System.LinkTypes.Dependency-Reverse', key: '12' }, // Azure DevOps: a predecessor
      { relation: 'blocks', key: 'ED-9' },
      { relation: 'System.LinkTypes.Dependency-Forward', key: '13' }, // a successor
      { relation: 'relates to', key: 'ED-5' },
      { relation: 'duplicates', key: 'ED-6' },
    ];
    expect(trackerDependencies(links)).toEqual({ on: ['ED-3', 'ED-4', '12'], neededBy: ['ED-9', '13'] });
  });

  test('a link between two PBIs is a dependency, in whichever item it comes; unknown items wait for theirs', () => {
    const batch = decide(
      [
        { key: 'ED-1', to: 'Doing', at: '2026-03-05 10:00', links: [blockedBy('ED-2'), blockedBy('ED-77')] },
        { key: 'ED-4', to: 'Doing', at: '2026-03-05 11:00', links: [blocks('ED-1')] },
      ],
      { current: [known('ED-1'), known('ED-2')] },
    );
    expect(added(batch)).toEqual(['ED-1 on ED-2 by jira', 'ED-1 on ED-4 by jira']);
    expect(batch.writes.find((w) => w.after.key === 'ED-1')?.after.dependsOn).toEqual(['ED-2', 'ED-4']);
  });

  test('a link the Nexus has, or closing a cycle, changes nothing; a repeated move still brings its links', () => {
    const two = { ...known('ED-2'), dependsOn: ['ED-1'] };
    const batch = decide(
      [
        { key: 'ED-1', to: 'Doing', at: '2026-03-05 10:00', links: [blockedBy('ED-2')] },
        { key: 'ED-2', to: 'Doing', at: '2026-03-03 10:00', links: [blockedBy('ED-1'), blockedBy('ED-3')] },
      ],
      {
        current: [known('ED-1'), two, known('ED-3')],
        // ED-2's move to doing came by Jira's webhook before: the import repeats it
        histories: new Map([['ED-2', historyOf('ED-2').map((e) => ({ ...e, actor: 'jira' }))]]),
        dependencies: new Map([['ED-2', ['ED-1']]]),
      },
    );
    expect(added(batch)).toEqual(['ED-2 on ED-3 by jira']);
    expect(batch.states.ignored).toHaveLength(1); // the repeated move, whose links still count
  });
});

describe("links over time: the dependencies a tracker's links brought follow them", () => {
  const blockedBy = (key: string): TrackerLink => ({ relation: 'is blocked by', key });
  const blocks = (key: string): TrackerLink => ({ relation: 'blocks', key });
  const changes = (batch: ReturnType<typeof decide>) =>
    batch.events.flatMap((e) =>
      e.type === 'pbi.dependency-added' || e.type === 'pbi.dependency-removed'
        ? [`${e.key} ${e.type === 'pbi.dependency-added' ? '+' : '-'}${e.on} by ${e.actor}`]
        : [],
    );
  const linked = (key: string, on: string[], typed: string[] = []): Pbi => ({
    ...known(key),
    dependsOn: [...on, ...typed],
    linkedOn: on,
  });

  test('a link gone from the item takes its dependency away; one typed with /pbi depends stays', () => {
    const batch = decide([{ key: 'ED-1', to: null, at: '2026-03-10 09:00', links: [blockedBy('ED-3')] }], {
      current: [linked('ED-1', ['ED-2'], ['ED-4']), known('ED-2'), known('ED-3'), known('ED-4')],
      dependencies: new Map([['ED-1', ['ED-2', 'ED-4']]]),
    });
    expect(changes(batch)).toEqual(['ED-1 +ED-3 by jira', 'ED-1 -ED-2 by jira']);
    const after = batch.writes.find((w) => w.after.key === 'ED-1')!.after;
    expect(after).toMatchObject({ dependsOn: ['ED-4', 'ED-3'], linkedOn: ['ED-3'] });
    expect(batch.states.applied).toHaveLength(1);
  });

  test('the other way round: an item no longer blocking a PBI frees it; no links sent says nothing', () => {
    const current = [known('ED-1'), linked('ED-2', ['ED-1']), linked('ED-3', ['ED-1'])];
    const dependencies = new Map([
      ['ED-2', ['ED-1']],
      ['ED-3', ['ED-1']],
    ]);
    const batch = decide([{ key: 'ED-1', to: null, at: '2026-03-10 09:00', links: [blocks('ED-3')] }], {
      current,
      dependencies,
    });
    expect(changes(batch)).toEqual(['ED-2 -ED-1 by jira']);
    const silent = decide([{ key: 'ED-1', to: 'Doing', at: '2026-03-10 09:00' }], { current, dependencies });
    expect(changes(silent)).toEqual([]);
  });

  test('a link made again later brings the dependency back; its PBIs are found ignoring case', () => {
    const batch = decide(
      [
        { key: 'ED-1', to: null, at: '2026-03-10 09:00', links: [] },
        { key: 'ED-1', to: null, at: '2026-03-10 10:00', links: [blockedBy('ed-2')] },
      ],
      { current: [linked('ED-1', ['ED-2']), known('ED-2')], dependencies: new Map([['ED-1', ['ED-2']]]) },
    );
    expect(changes(batch)).toEqual(['ED-1 -ED-2 by jira', 'ED-1 +ED-2 by jira']);
    expect(batch.writes[0].after).toMatchObject({ dependsOn: ['ED-2'], linkedOn: ['ED-2'] });
  });

  test("a link closing a cycle is left out; an import's is told for its summary", () => {
    const batch = decide(
      [
        { key: 'ED-1', to: null, at: '2026-03-10 09:00', links: [blockedBy('ED-2')], imported: true },
        // as Jira shows a link on both issues: ED-2 blocks ED-1, and a second link the other way round
        { key: 'ED-2', to: null, at: '2026-03-10 09:01', links: [blocks('ED-1'), blockedBy('ED-1')], imported: true },
      ],
      { current: [known('ED-1'), known('ED-2')], dependencies: new Map() },
    );
    expect(changes(batch)).toEqual(['ED-1 +ED-2 by jira']);
    expect(batch.skipped.map((s) => s.why)).toEqual([
      'a link of ED-2 that would close a dependency cycle (ED-2 → ED-1 → ED-2)',
    ]);
  });

  test('dependentKeys: the PBIs whose tracker links name an item the deliveries give links of', () => {
    const deliveries = [
      delivery({ key: 'ED-1', to: null, at: '2026-03-10 09:00', links: [] }),
      delivery({ key: 'ED-5', to: 'Doing', at: '2026-03-10 09:00' }),
    ];
    const linkedOn = new Map([
      ['ED-2', ['ed-1']],
      ['ED-3', ['ED-5']],
      ['ED-4', ['ED-9', 'ED-1']],
    ]);
    expect(dependentKeys(deliveries, linkedOn)).toEqual(['ED-2', 'ED-4']);
  });
});

describe("the trackers' own order", () => {
  const open = (pbis: Pbi[]) => ({ current: pbis, backlog: pbis });
  /** The keys in the Product Backlog's order after the batch. */
  const orderAfter = (batch: ReturnType<typeof decide>, pbis: Pbi[]) => {
    const after = new Map(pbis.map((p) => [p.key, p]));
    for (const w of batch.writes) after.set(w.after.key, w.after);
    return [...after.values()].sort(backlogOrder).map((p) => p.key);
  };
  // four PBIs created a day apart: the backlog is ED-1, ED-2, ED-3, ED-4 (new PBIs at the bottom)
  const four = () => [1, 2, 3, 4].map((n) => pbiFrom(`ED-${n}`, `2026-03-0${n} 08:00`));

  test("an import orders a tracker's PBIs among themselves by its rank, in whatever order they are read", () => {
    const pbis = four();
    const batch = decide(
      [
        { key: 'ED-1', to: null, at: '2026-03-10 09:00', order: 'i0000m:' },
        { key: 'ED-2', to: null, at: '2026-03-10 09:00', order: 'i0000c:' },
        { key: 'ED-3', to: null, at: '2026-03-10 09:00', order: 'i0000z:' },
        { key: 'ED-4', to: null, at: '2026-03-10 09:00', order: 'i00005:' },
      ],
      open(pbis),
    );
    expect(orderAfter(batch, pbis)).toEqual(['ED-4', 'ED-2', 'ED-1', 'ED-3']);
    expect(batch.states.applied).toHaveLength(4);
    const placed = batch.events.filter((e) => e.type === 'pbi.tracker-ordered');
    expect(placed.map((e) => e.key)).toEqual(['ED-1', 'ED-2', 'ED-3', 'ED-4']);
  });

  test("a new rank moves a PBI among its tracker's, around PBIs of no tracker; the same rank again changes nothing", () => {
    const pbis = [
      ...four().slice(0, 3),
      pbiFrom('PBI-9', '2026-03-02 09:00'), // typed in Slack, between ED-2 and ED-3
    ].map((p, i) =>
      p.key.startsWith('ED')
        ? { ...p, trackerOrder: { tracker: 'jira', value: ['b', 'c', 'd'][i], at: at('2026-03-09 09:00') } }
        : p,
    );
    expect(orderAfter(decide([], open(pbis)), pbis)).toEqual(['ED-1', 'ED-2', 'PBI-9', 'ED-3']);
    // ED-1 dragged below ED-2 in Jira: right after ED-2, before the PBI of no tracker
    const moved = decide([{ key: 'ED-1', to: null, at: '2026-03-10 09:00', order: 'cm' }], open(pbis));
    expect(orderAfter(moved, pbis)).toEqual(['ED-2', 'ED-1', 'PBI-9', 'ED-3']);
    const again = decide([{ key: 'ED-2', to: null, at: '2026-03-10 09:00', order: 'c' }], open(pbis));
    expect(again.events).toEqual([]);
    expect(again.states.ignored).toHaveLength(1);
  });

  test('a /pbi rank made here is not overruled by the order the tracker had before it, nor by a first order', () => {
    const ranked = (p: Pbi, when: string): Pbi => ({ ...p, rank: 'a0', rankedAt: at(when) });
    const heard = { tracker: 'jira', value: 'c', at: at('2026-03-09 09:00') };
    const pbis = [
      ranked({ ...four()[0], trackerOrder: heard }, '2026-03-10 12:00'), // ranked top in Slack at noon
      { ...four()[1], trackerOrder: { ...heard, value: 'd' } },
      ranked(four()[2], '2026-03-10 12:00'), // ranked in Slack before Jira's order came
    ];
    const batch = decide(
      [
        { key: 'ED-1', to: null, at: '2026-03-10 11:00', order: 'e' }, // reordered in Jira before noon
        { key: 'ED-3', to: null, at: '2026-03-10 13:00', order: 'a' },
      ],
      open(pbis),
    );
    expect(orderAfter(batch, pbis)).toEqual(['ED-1', 'ED-3', 'ED-2']);
    // recorded all the same: the next order Jira sends is compared with these
    expect(batch.writes.map((w) => [w.after.key, w.after.trackerOrder?.value])).toEqual([
      ['ED-1', 'e'],
      ['ED-3', 'a'],
    ]);
    // reordered in Jira after the Slack ranking: Jira's order wins
    const later = decide([{ key: 'ED-1', to: null, at: '2026-03-10 14:00', order: 'f' }], open(pbis));
    expect(orderAfter(later, pbis)).toEqual(['ED-3', 'ED-2', 'ED-1']);
  });

  test('an order older than the one heard last, or of a finished PBI, changes nothing', () => {
    const heard = { tracker: 'jira', value: 'c', at: at('2026-03-10 09:00') };
    const pbis = [
      { ...four()[0], trackerOrder: heard },
      { ...four()[1], trackerOrder: { ...heard, value: 'd' } },
    ];
    const late = decide([{ key: 'ED-2', to: null, at: '2026-03-10 08:00', order: 'a' }], open(pbis));
    expect(late.events).toEqual([]);
    const done = decide(
      [
        { key: 'ED-2', to: 'Done', at: '2026-03-11 08:00' },
        { key: 'ED-2', to: null, at: '2026-03-11 09:00', order: 'a' },
      ],
      open(pbis),
    );
    expect(done.events.map((e) => e.type)).toEqual(['pbi.moved']);
  });

  test('a change of order alone for an item the Nexus does not have is ignored, not made a PBI', () => {
    const batch = decide([{ key: 'ED-7', to: null, at: '2026-03-10 09:00', order: 'a' }], open(four()));
    expect(batch).toMatchObject({ events: [], writes: [], states: { ignored: [expect.any(BigInt)] } });
  });
});

describe("Jira's Flagged", () => {
  test('flagged blocks the PBI, unflagged unblocks it; with a status change, or alone', () => {
    const flagged = decide([{ to: null, at: '2026-03-04 10:00', flagged: true }], {
      current: [known()],
      histories: new Map([['ED-1', historyOf()]]),
    });
    expect(flagged.events).toEqual([
      { type: 'pbi.blocked', key: 'ED-1', reason: FLAGGED_REASON, at: at('2026-03-04 10:00'), actor: 'jira' },
    ]);
    const blocked = flagged.writes[0].after;
    expect(blocked.blocked?.reason).toBe(FLAGGED_REASON);
    const moved = decide([{ to: 'Code Review', at: '2026-03-05 10:00', flagged: false }], { current: [blocked] });
    expect(moved.events.map((e) => e.type)).toEqual(['pbi.moved', 'pbi.unblocked']);
    expect(moved.writes[0].after.blocked).toBeNull();
  });

  test('a block given by hand stays when the flag comes off; a flag on a blocked PBI changes nothing', () => {
    const byHand = pbiFrom('ED-1', '2026-03-01 08:00', [
      ['2026-03-03 10:00', 'move', 'doing'],
      ['2026-03-03 11:00', 'block', 'waiting for legal'],
    ]);
    for (const flagged of [false, true]) {
      const outcome = decide([{ to: null, at: '2026-03-04 10:00', flagged }], { current: [byHand] });
      expect(outcome.events).toEqual([]);
      expect(outcome.states.ignored).toHaveLength(1);
    }
  });

  test('a flag for an item the Nexus does not have is ignored, not made a PBI', () => {
    const outcome = decide([{ to: null, at: '2026-03-04 10:00', flagged: true }]);
    expect(outcome.events).toEqual([]);
  });
});
