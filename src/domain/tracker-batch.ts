import type { DateTime } from 'luxon';
import type { DependencyGraph } from './dependencies';
import type { PbiEvent } from './events';
import type { Nexus } from './nexus';
import { evolve, inOrder as inOrderOf, type Pbi } from './pbi';
import { decideDependency, decideDependencyRemoved } from './pbi-decisions';
import {
  type Applied,
  applyTrackerChange,
  applyTrackerDeletion,
  DELETED,
  decideFlag,
  isRepeat,
  LABEL,
  notAfter,
  placedAt,
  stageForStatus,
  type TrackerChange,
  type TrackerKind,
  type TrackerMapping,
  type TrackerMove,
  type TrackerNews,
  teamsForHints,
  trackerDependencies,
  type Unmapped,
} from './tracker';
import { decideTrackerOrder, openBacklog, type Placed } from './tracker-order';
import { sameName } from './workflow';

/**
 * One stored delivery: the change its tracker reported and when it reached us; `id` is the order of receipt.
 * `imported`: an entry of the tracker's history read by an import, applied like any delivery but history, not news.
 */
export type TrackerDelivery = {
  id: bigint;
  kind: TrackerKind;
  change: TrackerChange;
  receivedAt: DateTime;
  imported?: boolean;
};

/** What a batch needs of a Nexus's connection: its mapping, and the statuses its NIT already heard have no stage. */
export type ConnectedTracker = { kind: TrackerKind; mapping: TrackerMapping; reportedStatuses: readonly string[] };

/** applied; ignored (nothing for the flow: a label, a deletion with nothing to discard); held for want of a stage. */
export type DeliveryState = 'applied' | 'ignored' | 'unmapped';

/** One PBI the batch changed, as it was (null: new) and as it is after. */
export type TrackerWrite = { before: Pbi | null; after: Pbi };

/** What applying a batch of deliveries decides; the caller writes it in one transaction. */
export type TrackerBatch = {
  /** the events to record, in the order they were decided */
  events: PbiEvent[];
  /** those of `events` that imported entries brought (recorded with the import as their source) */
  imported: ReadonlySet<PbiEvent>;
  /** the PBIs changed: known ones first, in the order given, then new ones in the order they came */
  writes: TrackerWrite[];
  /** the deliveries by what became of them */
  states: Record<DeliveryState, bigint[]>;
  /** connections whose NIT now hears of more statuses without a stage: the whole list to remember, told once */
  reported: { kind: TrackerKind; statuses: string[] }[];
  /** what the channel is to hear: the moves, and statuses newly held; null when there is nothing */
  news: TrackerNews | null;
  /** what of imported deliveries was left out and why (a link closing a cycle): the import's summary says it */
  skipped: { id: bigint; why: string }[];
};

export type TrackerBatchInput = {
  nexus: Nexus;
  connections: readonly ConnectedTracker[];
  deliveries: readonly TrackerDelivery[];
  /** the PBIs the deliveries name (keys ignoring case), as they are now */
  current: readonly Pbi[];
  /** the whole history of each PBI in `lateKeys`, oldest first */
  histories: ReadonlyMap<string, readonly PbiEvent[]>;
  /**
   * The Nexus's dependencies now, for changes that bring links (`linkedKeys`): `current` then holds the PBIs they
   * link to as well. Left out when no change does.
   */
  dependencies?: DependencyGraph;
  /**
   * The Nexus's open PBIs now, for changes that bring their tracker's order (`bringsOrder`): a PBI is placed among
   * those of its tracker. Left out when no change does.
   */
  backlog?: readonly Placed[];
};

/** Whether a delivery brings its item's place in the tracker's order: the batch then needs the open PBIs. */
export function bringsOrder(deliveries: readonly TrackerDelivery[]): boolean {
  return deliveries.some((d) => d.change.order !== undefined);
}

/** The keys the deliveries' links name: their PBIs, where the Nexus has them, are needed to decide dependencies. */
export function linkedKeys(deliveries: readonly TrackerDelivery[]): string[] {
  return [...new Set(deliveries.flatMap((d) => (d.change.links ?? []).map((l) => l.key)))];
}

/**
 * The PBIs whose tracker-brought dependencies (`linkedOn`, by key) name an item whose links the deliveries give: a
 * link gone from those takes their dependency away, so they are needed too.
 */
export function dependentKeys(
  deliveries: readonly TrackerDelivery[],
  linkedOn: ReadonlyMap<string, readonly string[]>,
): string[] {
  const items = new Set(deliveries.filter((d) => d.change.links).map((d) => d.change.item.key.toLowerCase()));
  return [...linkedOn].filter(([, on]) => on.some((k) => items.has(k.toLowerCase()))).map(([key]) => key);
}

/**
 * The deliveries as they apply: dated not after they reached us, in order of occurrence (then of receipt), each under
 * the key its PBI has. Keys are unique ignoring case: a new PBI takes the first spelling of the batch.
 */
function inOrder(deliveries: readonly TrackerDelivery[], current: readonly Pbi[]): TrackerDelivery[] {
  const sorted = deliveries
    .map((d) => ({ ...d, change: notAfter(d.change, d.receivedAt) }))
    .sort((a, b) => a.change.at.toMillis() - b.change.at.toMillis() || Number(a.id - b.id));
  const spelling = new Map(current.map((pbi) => [pbi.key.toLowerCase(), pbi.key]));
  for (const { change } of sorted)
    if (!spelling.has(change.item.key.toLowerCase())) spelling.set(change.item.key.toLowerCase(), change.item.key);
  return sorted.map((d) => ({
    ...d,
    change: { ...d.change, item: { ...d.change.item, key: spelling.get(d.change.item.key.toLowerCase())! } },
  }));
}

/**
 * The PBIs whose whole history the batch needs: those a change is not newer than the latest of. An older one goes in
 * its place and the PBI is replayed; one as old may repeat a change already applied (`isRepeat`). Usually none, so
 * histories are loaded only for these.
 */
export function lateKeys(deliveries: readonly TrackerDelivery[], current: readonly Pbi[]): string[] {
  const byKey = new Map(current.map((pbi) => [pbi.key, pbi]));
  const late = inOrder(deliveries, current)
    .filter(({ change }) => {
      const pbi = byKey.get(change.item.key);
      // a change of links or order alone is not placed in history: it needs none
      return pbi && change.to !== null && change.at <= pbi.lastEventAt;
    })
    .map(({ change }) => change.item.key);
  return [...new Set(late)];
}

/**
 * A PBI as the batch goes: `history` is whole when it was loaded (or the PBI is new), null otherwise; `recent` holds
 * what this batch applied to it, which with `lateKeys` is all a repeat can be found in when `history` is null.
 */
type Working = { before: Pbi | null; pbi: Pbi; history: readonly PbiEvent[] | null; recent: readonly PbiEvent[] };

/**
 * Applies a batch of tracker deliveries to the Nexus's PBIs: each status maps to a stage through its connection
 * (`stageForStatus`), hints to teams (`teamsForHints`), and the change applies in order of occurrence
 * (`applyTrackerChange`; a late one in its place). A deletion discards; a label no one mapped is ignored; a status
 * with no stage, or of a tracker no longer connected, is held. Statuses held are told to the NIT once per connection.
 * A change the PBI's history already holds (`isRepeat`) is ignored. Imported entries are history: the channel hears
 * none of their moves, nor the NIT of their held statuses (the import's summary tells both).
 */
export function decideTrackerBatch(input: TrackerBatchInput): TrackerBatch {
  const { nexus } = input;
  const connections = new Map(input.connections.map((c) => [c.kind, c]));
  const working = new Map(
    input.current.map((pbi): [string, Working] => [
      pbi.key,
      { before: pbi, pbi, history: input.histories.get(pbi.key) ?? null, recent: [] },
    ]),
  );
  const events: PbiEvent[] = [];
  const imported = new Set<PbiEvent>();
  const moves: (TrackerMove & { kind: TrackerKind })[] = [];
  const states: Record<DeliveryState, bigint[]> = { applied: [], ignored: [], unmapped: [] };
  const held = new Map<string, Unmapped>();
  const record = (delivery: TrackerDelivery, current: Working | null, applied: Applied) => {
    states.applied.push(delivery.id);
    events.push(...applied.events);
    if (delivery.imported) for (const e of applied.events) imported.add(e);
    working.set(applied.pbi.key, {
      before: current?.before ?? null,
      pbi: applied.pbi,
      history: current ? (current.history ? [...current.history, ...applied.events] : null) : applied.events,
      recent: [...(current?.recent ?? []), ...applied.events],
    });
    if (applied.move && !delivery.imported) moves.push({ ...applied.move, kind: delivery.kind });
    backlog?.update(applied.pbi);
  };
  const graph = new Map(input.dependencies ?? []);
  const skipped: TrackerBatch['skipped'] = [];
  const backlog = input.backlog ? openBacklog(withCurrent(input.backlog, input.current)) : null;
  const keyOf = (key: string) => (working.has(key) ? key : [...working.keys()].find((k) => sameName(k, key)));
  /** Records an event the delivery's links or order decided for the PBI `key` (a working key). */
  const follow = (delivery: TrackerDelivery, key: string, decided: PbiEvent) => {
    const current = working.get(key)!;
    const event = inOrderOf(decided, current.pbi);
    const pbi = evolve(current.pbi, event, nexus.workflow);
    events.push(event);
    if (delivery.imported) imported.add(event);
    graph.set(pbi.key, pbi.dependsOn);
    backlog?.update(pbi);
    working.set(key, {
      ...current,
      pbi,
      history: current.history ? [...current.history, event] : null,
      recent: [...current.recent, event],
    });
  };
  /** Records that `key` can't be integrated before `on`, when both are PBIs and it closes no cycle. */
  const depend = (delivery: TrackerDelivery, key: string, on: string) => {
    const found = keyOf(key);
    const other = keyOf(on);
    if (!found || !other) return; // not a PBI (yet): the other item's own links say it when it comes
    const decided = decideDependency(working.get(found)!.pbi, working.get(other)!.pbi, other, graph, {
      at: delivery.change.at,
      actor: delivery.kind,
    });
    // already there, on itself, discarded, or a cycle: the Nexus keeps what it has; an import's summary names a cycle
    if ('problem' in decided) {
      if (decided.problem === 'dependency-cycle' && delivery.imported)
        skipped.push({
          id: delivery.id,
          why: `a link of ${found} that would close a dependency cycle (${decided.cycle.join(' → ')})`,
        });
      return;
    }
    follow(delivery, found, decided);
  };
  /** The place the delivery's order gives the PBI `key` among its tracker's (tracker-order.ts). */
  const order = (delivery: TrackerDelivery, key: string) => {
    const { order: value, at } = delivery.change;
    if (value === undefined || !backlog) return;
    const decided = decideTrackerOrder(
      working.get(key)!.pbi,
      { tracker: delivery.kind, value, at },
      backlog,
      delivery.kind,
    );
    if (decided) follow(delivery, key, decided);
  };
  /** The block or unblock the delivery's flag says for the PBI `key` (Jira's Flagged). */
  const flag = (delivery: TrackerDelivery, key: string) => {
    const { flagged, at } = delivery.change;
    if (flagged === undefined) return;
    const decided = decideFlag(working.get(key)!.pbi, flagged, { at, actor: delivery.kind });
    if (decided) follow(delivery, key, decided);
  };
  /** Takes away `key`'s dependency on `on`, which a link gone from the tracker brought. */
  const undepend = (delivery: TrackerDelivery, key: string, on: string) => {
    const decided = decideDependencyRemoved(working.get(key)!.pbi, on, {
      at: delivery.change.at,
      actor: delivery.kind,
    });
    if (!('problem' in decided)) follow(delivery, key, decided);
  };
  /**
   * The dependencies the delivery's links say, between the item (`key`) and the PBIs it links to. They are all its
   * links as the tracker has them now: a dependency a tracker's link brought (`linkedOn`) between the item and another
   * PBI that they no longer name is taken away, either way round.
   */
  const linkDependencies = (delivery: TrackerDelivery, key: string) => {
    if (!delivery.change.links) return;
    const { on, neededBy } = trackerDependencies(delivery.change.links);
    for (const other of on) depend(delivery, key, other);
    for (const other of neededBy) depend(delivery, other, key);
    const names = (keys: string[], key: string) => keys.some((k) => sameName(k, key));
    for (const gone of working.get(key)!.pbi.linkedOn.filter((k) => !names(on, k))) undepend(delivery, key, gone);
    for (const [other, { pbi }] of working)
      if (pbi.linkedOn.some((k) => sameName(k, key)) && !names(neededBy, other)) {
        undepend(delivery, other, pbi.linkedOn.find((k) => sameName(k, key))!);
      }
  };
  for (const delivery of inOrder(input.deliveries, input.current)) {
    const { id, kind, change } = delivery;
    const connection = connections.get(kind);
    const current = working.get(change.item.key) ?? null;
    if (change.to === null) {
      // links, order or a flag alone: they say something of a PBI only, and only while its tracker is connected
      const before = events.length;
      if (current && connection) {
        linkDependencies(delivery, current.pbi.key);
        order(delivery, current.pbi.key);
        flag(delivery, current.pbi.key);
      }
      (events.length > before ? states.applied : states.ignored).push(id);
      continue;
    }
    if (change.to.category === DELETED) {
      const applied = connection ? applyTrackerDeletion(nexus.workflow, current, change, kind) : null;
      if (applied) record(delivery, current, applied);
      else states.ignored.push(id);
      continue;
    }
    const stage = connection ? stageForStatus(connection.mapping, nexus.workflow, change.to) : null;
    if (!connection || !stage) {
      if (change.to.category === LABEL) states.ignored.push(id);
      else {
        states.unmapped.push(id);
        if (delivery.imported) continue;
        const known = held.get(`${kind}|${change.to.name}`) ?? { kind, status: change.to.name, waiting: 0 };
        held.set(`${kind}|${change.to.name}`, { ...known, waiting: known.waiting + 1 });
      }
      continue;
    }
    if (
      current &&
      isRepeat(current.history ?? current.recent, { at: placedAt(current.pbi, change), stage, actor: kind })
    ) {
      states.ignored.push(id);
      // the links are as the tracker has them now, which a repeated move (an import after the webhook) still says
      linkDependencies(delivery, current.pbi.key);
      order(delivery, current.pbi.key);
      flag(delivery, current.pbi.key);
      continue;
    }
    const teams = teamsForHints(connection.mapping, nexus, change.teamHints);
    const applied = applyTrackerChange(nexus.workflow, current, change, { stage, teams, actor: kind });
    record(delivery, current, applied);
    linkDependencies(delivery, applied.pbi.key);
    order(delivery, applied.pbi.key);
    flag(delivery, applied.pbi.key);
  }
  const writes = [...working.values()]
    .filter((w) => w.pbi !== w.before)
    .map((w): TrackerWrite => ({ before: w.before, after: w.pbi }));
  const { reported, unmapped } = reportOnce(connections, [...held.values()]);
  return {
    events,
    imported,
    writes,
    states,
    reported,
    news: moves.length || unmapped.length ? { moves, unmapped } : null,
    skipped,
  };
}

/** The open PBIs as the batch starts: those it loaded whole (`current`) as they are, the rest as the backlog has them. */
function withCurrent(backlog: readonly Placed[], current: readonly Pbi[]): Placed[] {
  const loaded = new Set(current.map((p) => p.key));
  return [...backlog.filter((p) => !loaded.has(p.key)), ...current];
}

/**
 * Statuses held that the connection's NIT has not heard of yet: told now and remembered as told. A tracker no longer
 * connected has no NIT to tell (its statuses can't be mapped until it is connected again).
 */
function reportOnce(
  connections: ReadonlyMap<TrackerKind, ConnectedTracker>,
  held: Unmapped[],
): { reported: TrackerBatch['reported']; unmapped: Unmapped[] } {
  const fresh = held.filter(
    (u) => connections.get(u.kind) && !connections.get(u.kind)!.reportedStatuses.includes(u.status),
  );
  const reported = [...new Set(fresh.map((u) => u.kind))].map((kind) => ({
    kind,
    statuses: [
      ...connections.get(kind)!.reportedStatuses,
      ...fresh.filter((u) => u.kind === kind).map((u) => u.status),
    ],
  }));
  return { reported, unmapped: fresh };
}
