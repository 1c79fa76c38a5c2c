import type { PbiEvent } from '../../src/domain/events';
import { classLoads } from '../../src/domain/flow-metrics';
import type { Nexus } from '../../src/domain/nexus';
import { evolve, type Pbi, replay } from '../../src/domain/pbi';
import { decideClass } from '../../src/domain/pbi-decisions';
import { addClass, classNames, fixedDatePbis, removeClass, type ServiceClass } from '../../src/domain/service-class';
import { agingItems, type Sle, slesByClass } from '../../src/domain/sle';
import { at, pbiFrom, WORKFLOW, ZONE } from './builders';

const RISK: ServiceClass = { name: 'integration-risk', sleDays: 20, wipLimit: 2 };
const nexus = { classes: [RISK], timeZone: ZONE } as Pick<Nexus, 'classes' | 'timeZone'> as Nexus;
const who = { at: at('2027-01-05 10:00'), actor: 'U2' };

/** The PBI after the class change decided, or the problem. */
function classed(pbi: Pbi, name: string, date: string | null = null, classes = nexus.classes) {
  const decided = decideClass({ ...nexus, classes }, pbi, name, date, who);
  return 'problem' in decided ? decided : evolve(pbi, decided, WORKFLOW);
}

describe("the Nexus's classes of service", () => {
  test('adding one keeps it after the built-in ones; adding a built-in one gives it an SLE or WIP limit', () => {
    const added = addClass([], { name: 'integration-risk', sleDays: 20, wipLimit: null });
    expect(added).toEqual({
      classes: [{ name: 'integration-risk', sleDays: 20, wipLimit: null }],
      added: true,
      serviceClass: { name: 'integration-risk', sleDays: 20, wipLimit: null },
    });
    const expedite = addClass([RISK], { name: 'Expedite', sleDays: null, wipLimit: 1 });
    expect(expedite).toMatchObject({ added: false, serviceClass: { name: 'expedite', wipLimit: 1 } });
    const classes = 'added' in expedite ? expedite.classes : [];
    expect(classNames(classes)).toEqual(['standard', 'expedite', 'fixed-date', 'intangible', 'integration-risk']);
    // a built-in class left with neither needs no entry
    expect(addClass(classes, { name: 'expedite', sleDays: null, wipLimit: null })).toMatchObject({ classes: [RISK] });
  });

  test('adding a class it has with the same limits, or a name that is none, is refused', () => {
    expect(addClass([RISK], { ...RISK, name: 'INTEGRATION-RISK' })).toEqual({
      problem: 'class-unchanged',
      serviceClass: RISK,
    });
    expect(addClass([], { name: 'standard', sleDays: null, wipLimit: null })).toMatchObject({
      problem: 'class-unchanged',
    });
    expect(addClass([], { name: 'integration risk', sleDays: null, wipLimit: null })).toEqual({
      problem: 'invalid-class-name',
      serviceClass: 'integration risk',
    });
    const twenty = Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, sleDays: null, wipLimit: null }));
    expect(addClass(twenty, { name: 'c20', sleDays: 3, wipLimit: null })).toEqual({
      problem: 'too-many-classes',
      count: 21,
    });
  });

  test('removing: its own class goes, a built-in one stays, an unknown one is named with those there are', () => {
    expect(removeClass([RISK], 'Integration-Risk')).toEqual({ classes: [], removed: 'integration-risk' });
    expect(removeClass([RISK], 'fixed-date')).toEqual({ problem: 'class-built-in', serviceClass: 'fixed-date' });
    expect(removeClass([], 'risk')).toEqual({
      problem: 'unknown-class',
      serviceClass: 'risk',
      classes: ['standard', 'expedite', 'fixed-date', 'intangible'],
    });
  });
});

describe("a PBI's class", () => {
  const pbi = pbiFrom('PBI-1', '2027-01-04 09:00');

  test('is standard until given another; a fixed-date PBI keeps its date until it is given another class', () => {
    expect([pbi.serviceClass, pbi.dueDate]).toEqual(['standard', null]);
    const fixed = classed(pbi, 'Fixed-Date', '2027-02-01') as Pbi;
    expect([fixed.serviceClass, fixed.dueDate]).toEqual(['fixed-date', '2027-02-01']);
    const risky = classed(fixed, 'integration-RISK') as Pbi;
    expect([risky.serviceClass, risky.dueDate]).toEqual(['integration-risk', null]);
    // the history alone gives the same PBI
    const added = at('2027-01-04 09:00');
    const events: PbiEvent[] = [
      { type: 'pbi.added', key: 'K', title: 'T', url: null, stage: 'ready', teams: [], at: added, actor: 'U' },
      { type: 'pbi.class-changed', key: 'K', serviceClass: 'expedite', dueDate: null, at: added, actor: 'U' },
    ];
    expect(replay(events, WORKFLOW)?.serviceClass).toBe('expedite');
  });

  test('refuses an unknown class, fixed-date without its date, a date with another class, no change, discarded', () => {
    expect(classed(pbi, 'urgent')).toEqual({
      problem: 'unknown-class',
      serviceClass: 'urgent',
      classes: ['standard', 'expedite', 'fixed-date', 'intangible', 'integration-risk'],
    });
    expect(classed(pbi, 'fixed-date')).toEqual({ problem: 'class-needs-date', key: 'PBI-1' });
    expect(classed(pbi, 'expedite', '2027-02-01')).toEqual({
      problem: 'date-without-fixed-date',
      key: 'PBI-1',
      serviceClass: 'expedite',
    });
    expect(classed(pbi, 'Standard')).toEqual({
      problem: 'already-in-class',
      key: 'PBI-1',
      serviceClass: 'standard',
      dueDate: null,
      today: '2027-01-05',
    });
    // due by a date already past: refused; today is still ahead enough
    expect(classed(pbi, 'fixed-date', '2027-01-04')).toEqual({
      problem: 'due-date-past',
      key: 'PBI-1',
      dueDate: '2027-01-04',
      today: '2027-01-05',
    });
    expect(classed(pbi, 'fixed-date', '2027-01-05')).toMatchObject({ serviceClass: 'fixed-date' });
    const discarded = pbiFrom('PBI-2', '2027-01-04 09:00', [['2027-01-04 10:00', 'discard']]);
    expect(classed(discarded, 'expedite')).toEqual({ problem: 'discarded', key: 'PBI-2' });
    const done = pbiFrom('PBI-3', '2027-01-04 09:00', [['2027-01-05 10:00', 'move', 'done']]);
    expect(classed(done, 'expedite')).toEqual({ problem: 'finished-plans', key: 'PBI-3', change: 'class' });
    // a class the Nexus removed before the change took its turn is unknown
    expect(classed(pbi, 'integration-risk', null, [])).toMatchObject({ problem: 'unknown-class' });
  });
});

describe('what a class changes', () => {
  const started = (key: string, serviceClass: string, day: string) =>
    ({
      ...pbiFrom(key, `${day} 08:00`, [[`${day} 09:00`, 'move', 'doing']]),
      serviceClass,
    }) as Pbi;

  test("a class's own SLE is what its PBIs age against; it has no 70th percentile to mark them at risk", () => {
    const sle: Sle = { kind: 'computed', percentile: 85, days: 12, sampleSize: 30, atRiskDays: 8 };
    const quick: ServiceClass = { name: 'quick', sleDays: 3, wipLimit: null };
    // today Sat 16 Jan: started Mon 11 Jan is 6 days old, Fri 15 Jan 2 days old
    const items = agingItems(
      [
        started('A', 'quick', '2027-01-11'),
        started('B', 'standard', '2027-01-11'),
        started('C', 'quick', '2027-01-15'),
      ],
      slesByClass(sle, [quick, RISK]),
      '2027-01-16',
      ZONE,
    );
    expect(items.map((i) => [i.pbi.key, i.age, i.status])).toEqual([
      ['A', 6, 'aging'],
      ['B', 6, 'on-track'],
      ['C', 2, 'on-track'],
    ]);
    expect(slesByClass(sle, [quick])(started('D', 'quick', '2027-01-11'))).toMatchObject({
      kind: 'set',
      days: 3,
      atRiskDays: null,
      serviceClass: 'quick',
    });
  });

  test("a class's WIP counts its PBIs in progress against its limit", () => {
    const open = [
      started('A', 'integration-risk', '2027-01-11'),
      started('B', 'integration-risk', '2027-01-12'),
      started('C', 'integration-risk', '2027-01-13'),
      { ...pbiFrom('D', '2027-01-11 08:00'), serviceClass: 'integration-risk' },
    ];
    expect(classLoads(open, [RISK, { name: 'expedite', sleDays: 2, wipLimit: null }])).toEqual([
      { serviceClass: 'integration-risk', count: 3, wipLimit: 2, overLimit: true },
    ]);
  });

  test('fixed-date PBIs, the soonest due first', () => {
    const due = (key: string, date: string | null, serviceClass = 'fixed-date') =>
      ({ ...pbiFrom(key, '2027-01-04 08:00'), serviceClass, dueDate: date }) as Pbi;
    const open = [due('A', '2027-03-01'), due('B', null, 'standard'), due('C', '2027-02-01')];
    expect(fixedDatePbis(open).map((p) => p.key)).toEqual(['C', 'A']);
  });
});
