import { generateKeyBetween } from 'fractional-indexing';
import type { DateTime } from 'luxon';
import { backlogOrder, isInBacklog } from './backlog';
import type { PbiEvent } from './events';
import { compareKeys, type Pbi } from './pbi';

/**
 * An item's place in its tracker's own order, in the tracker's words: Jira's rank (a LexoRank string such as
 * `0|i0000f:`, compared as text) or Linear's `sortOrder` (a number). Lower comes first in both.
 */
export type TrackerOrderValue = string | number;

/** The order the PBI's tracker last gave it, and when the tracker had it so (see `decideTrackerOrder`). */
export type TrackerOrder = { tracker: string; value: TrackerOrderValue; at: DateTime };

/** Lower first: numbers as numbers, text as text (a tracker sends one kind); a number before text, to be total. */
export function compareOrderValues(a: TrackerOrderValue, b: TrackerOrderValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a placement needs of a PBI: its key, its rank, the order its tracker gave it, and whether it is open. */
export type Placed = Pick<Pbi, 'key' | 'rank' | 'trackerOrder' | 'finishedAt' | 'discardedAt'>;

/** The open PBIs of a Nexus in the Product Backlog's order, as a batch places PBIs among them. */
export type OpenBacklog = {
  /** Puts the PBI where its rank says, or takes it out when it left the Product Backlog. */
  update(pbi: Placed): void;
  /** The rank that puts `pbi` among the other PBIs of its tracker as the tracker orders them; null: it stays. */
  rankFor(pbi: Placed, order: { tracker: string; value: TrackerOrderValue }): string | null;
};

/**
 * `open` kept sorted as PBIs are placed, by rank and, per tracker, by the tracker's order: a batch of an import places
 * thousands of PBIs, each found by binary searches instead of sorts of the whole backlog.
 */
export function openBacklog(open: readonly Placed[]): OpenBacklog {
  const ranked = sortedList<Placed, Placed>(backlogOrder, (p) => p);
  const byTracker = new Map<string, SortedList<Placed, Probe>>();
  const ofTracker = (tracker: string) => {
    if (!byTracker.has(tracker))
      byTracker.set(
        tracker,
        sortedList(compareOrder, (p) => probe(p.key, p.trackerOrder!.value)),
      );
    return byTracker.get(tracker)!;
  };
  const kept = new Map<string, Placed>();
  const update = (pbi: Placed) => {
    const before = kept.get(pbi.key);
    if (before) {
      ranked.remove(before);
      if (before.trackerOrder) ofTracker(before.trackerOrder.tracker).remove(before);
      kept.delete(pbi.key);
    }
    if (!isInBacklog(pbi)) return;
    kept.set(pbi.key, pbi);
    ranked.add(pbi);
    if (pbi.trackerOrder) ofTracker(pbi.trackerOrder.tracker).add(pbi);
  };
  for (const pbi of open) update(pbi);
  return {
    update,
    rankFor(pbi, order) {
      const same = ofTracker(order.tracker);
      // its neighbours in the tracker's order, itself left out (a ranking made here may have put them otherwise)
      const at = same.indexFor(probe(pbi.key, order.value));
      const above = [...same.items.slice(Math.max(0, at - 2), at)].reverse().find((p) => p.key !== pbi.key);
      const below = same.items.slice(at, at + 2).find((p) => p.key !== pbi.key);
      if (!above && !below) return null; // the first of its tracker: nothing to be ordered among
      const others = ranked.items.filter((p) => p.key !== pbi.key);
      // right after the one above it in the tracker, or right before the one below it when none is above
      const place = above ? others.indexOf(above) + 1 : others.indexOf(below!);
      return rankBetween(pbi, others[place - 1], others[place]);
    },
  };
}

/** A rank between two neighbours (either may be missing: an end of the backlog); null when `pbi` is there already. */
function rankBetween(pbi: Placed, before: Placed | undefined, after: Placed | undefined): string | null {
  const low = before?.rank ?? null;
  const high = after?.rank ?? null;
  if (pbi.rank > (low ?? '') && (high === null || pbi.rank < high)) return null;
  // neighbours of one rank (a hash collision): just after the one before, as backlog.ts does
  return generateKeyBetween(low, high !== null && low !== null && high <= low ? null : high);
}

/** Where in its tracker's order a PBI is, or would be. */
type Probe = { key: string; value: TrackerOrderValue };
const probe = (key: string, value: TrackerOrderValue): Probe => ({ key, value });

type SortedList<T, P> = { items: T[]; add(item: T): void; remove(item: T): void; indexFor(probe: P): number };

/** A list kept in `compare`'s order (against what `probeOf` says of an item): a binary search finds a place. */
function sortedList<T, P>(compare: (a: T, probe: P) => number, probeOf: (item: T) => P): SortedList<T, P> {
  const items: T[] = [];
  const indexFor = (item: P) => {
    let low = 0;
    let high = items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compare(items[mid], item) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return {
    items,
    indexFor,
    add: (item) => void items.splice(indexFor(probeOf(item)), 0, item),
    remove(item) {
      const at = items.indexOf(item);
      if (at >= 0) items.splice(at, 1);
    },
  };
}

/** `p`'s place in its tracker's order against the probe's (ties by key, as the backlog breaks them). */
function compareOrder(p: Placed, { key, value }: Probe): number {
  return compareOrderValues(p.trackerOrder!.value, value) || compareKeys(p.key, key);
}

/**
 * What the order a tracker sends for an item does to its PBI (null: nothing). The tracker's order is news when it
 * differs from the one it gave last and is not older than it: a repeat (every webhook and import sends it) changes
 * nothing, and a delivery that comes late does not undo a newer order. News is recorded, and moves the PBI to its
 * tracker's place among the open PBIs of that tracker (right after the one above it there), unless someone ranked the
 * PBI with `/pbi rank` since (`rankedAt` after the order's time) or before the tracker's first order came: a ranking
 * made in Slack stands until the item is reordered in its tracker. A finished or discarded PBI has no place.
 */
export function decideTrackerOrder(
  pbi: Pbi,
  order: { tracker: string; value: TrackerOrderValue; at: DateTime },
  backlog: OpenBacklog,
  actor: string,
): PbiEvent | null {
  if (!isInBacklog(pbi)) return null;
  const last = pbi.trackerOrder?.tracker === order.tracker ? pbi.trackerOrder : null;
  if (last && (order.at < last.at || compareOrderValues(last.value, order.value) === 0)) return null;
  const rankedInSlack = pbi.rankedAt !== null && (last === null || pbi.rankedAt > order.at);
  const rank = rankedInSlack ? null : backlog.rankFor(pbi, order);
  return {
    type: 'pbi.tracker-ordered',
    key: pbi.key,
    tracker: order.tracker,
    order: order.value,
    rank,
    at: order.at,
    actor,
  };
}
