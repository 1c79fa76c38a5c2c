import { DateTime } from 'luxon';
import { type Pbi, replay } from '../../src/domain/pbi';
import { applyTrackerChange, type TrackerChange } from '../../src/domain/tracker';
import type { Store } from '../../src/store';
import type { Database } from '../../src/store/database';
import { type Delivery, signed, statusChange } from './tracker-payloads';

/** One planned tracker change: item n of a Nexus moves to a stage at a time, under its own delivery id. */
export type PlannedChange = { nexusId: string; n: number; to: string; at: DateTime; deliveryId: string };

export const PLAN_START = DateTime.fromISO('2026-09-01T08:00:00Z');

/** Every item of every Nexus moves `changes` times through random stages, an hour apart; items interleaved. */
export function planChanges(
  nexusIds: string[],
  items: number,
  changes: number,
  stages: string[],
  seed: number,
): PlannedChange[] {
  const plan: PlannedChange[] = [];
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < changes; k++) {
    for (let n = 1; n <= items; n++) {
      for (const nexusId of nexusIds)
        plan.push({
          nexusId,
          n,
          to: stages[Math.floor(random() * stages.length)],
          at: PLAN_START.plus({ hours: k, seconds: n }),
          deliveryId: `${nexusId}-${n}-${k}`,
        });
    }
  }
  return plan;
}

/** In order of occurrence, except that a tenth come at the end (after later changes of their item) and a tenth more come twice. */
export function sendOrder<T>(plan: T[]): T[] {
  const onTime = plan.filter((_, i) => i % 10 !== 3);
  const late = plan.filter((_, i) => i % 10 === 3);
  const sends = [...onTime, ...late];
  const duplicates = Math.round(plan.length / 9);
  for (let i = 0; i < duplicates; i++) sends.splice(Math.min(sends.length, i * 11 + 50), 0, sends[i * 9]);
  return sends;
}

/** The planned change as Jira sends it, signed with the Nexus's secret. */
export function jiraDelivery(change: PlannedChange, secret: string): Delivery {
  return signed(
    'jira',
    statusChange('jira', change.n, change.to, change.at, { createdAt: PLAN_START }).json,
    change.deliveryId,
    secret,
    DateTime.utc(),
  );
}

/**
 * What went wrong, if anything: every delivery stored once and applied; one move event per change; each item as the
 * domain makes it from its changes replayed in order of occurrence.
 */
export async function compareWithReplay(
  db: Database,
  store: Store,
  nexusId: string,
  plan: PlannedChange[],
  items: number,
): Promise<string[]> {
  const mismatches: string[] = [];
  const mine = plan.filter((c) => c.nexusId === nexusId);
  const states = await db.prisma.delivery.groupBy({ by: ['state'], where: { nexusId }, _count: { _all: true } });
  const applied = states.find((d) => d.state === 'applied')?._count._all ?? 0;
  if (applied !== mine.length || states.length !== 1)
    mismatches.push(
      `inbox: ${JSON.stringify(states.map((d) => [d.state, d._count._all]))}, expected ${mine.length} applied`,
    );
  const moves = await db.prisma.event.count({ where: { nexusId, type: 'pbi.moved', source: 'tracker:jira' } });
  if (moves !== mine.length) mismatches.push(`${moves} move events, expected ${mine.length}`);
  const added = await db.prisma.event.count({ where: { nexusId, type: 'pbi.added', source: 'tracker:jira' } });
  if (added !== items) mismatches.push(`${added} items added, expected ${items}`);
  const nexus = (await store.nexuses.get(nexusId))!;
  for (let n = 1; n <= items; n++) {
    let expected: Pbi | null = null;
    for (const c of mine.filter((x) => x.n === n).sort((a, b) => a.at.toMillis() - b.at.toMillis())) {
      const change: TrackerChange = {
        item: { key: `ED-${n}`, title: 't', url: null, createdAt: PLAN_START },
        from: null,
        to: { id: null, name: c.to, category: null },
        at: c.at,
        teamHints: [],
      };
      expected = applyTrackerChange(nexus.workflow, expected ? { pbi: expected, history: null } : null, change, {
        stage: c.to,
        teams: [],
        actor: 'jira',
      }).pbi;
    }
    const actual = await store.pbis.get(nexusId, `ED-${n}`);
    if (view(actual) !== view(expected)) mismatches.push(`ED-${n}: ${view(actual)} ≠ ${view(expected)}`);
  }
  return mismatches;
}

/** Every PBI of the Nexus as stored against its history folded again: a write that tore would show here. */
export async function projectionsMatchHistory(store: Store, nexusId: string, keys: string[]): Promise<string[]> {
  const nexus = (await store.nexuses.get(nexusId))!;
  const mismatches: string[] = [];
  for (const key of keys) {
    const folded = replay(await store.pbis.history(nexusId, key), nexus.workflow) ?? null;
    const stored = await store.pbis.get(nexusId, key);
    if (view(stored) !== view(folded)) mismatches.push(`${key}: stored ${view(stored)} ≠ history ${view(folded)}`);
  }
  return mismatches;
}

function view(p: Pbi | null): string | null {
  return (
    p &&
    [
      p.stage,
      p.startedAt?.toMillis(),
      p.finishedAt?.toMillis(),
      p.stageEnteredAt.toMillis(),
      p.lastEventAt.toMillis(),
    ].join('|')
  );
}
