import { generateKeyBetween } from 'fractional-indexing';
import { compareKeys, oldestFirst, type Pbi } from './pbi';

/** The Product Backlog's order: by rank, then key (ranks are equal only by a rare hash collision). */
export function backlogOrder(a: Pick<Pbi, 'rank' | 'key'>, b: Pick<Pbi, 'rank' | 'key'>): number {
  return a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : compareKeys(a.key, b.key);
}

/** Open PBIs are the Product Backlog: neither finished nor discarded. */
export function isInBacklog(pbi: Pick<Pbi, 'finishedAt' | 'discardedAt'>): boolean {
  return pbi.finishedAt === null && pbi.discardedAt === null;
}

/** Where `/pbi rank` puts a PBI. */
export type RankPlace = { at: 'top' } | { at: 'bottom' } | { at: 'before' | 'after'; key: string };

const sameKey = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The rank that puts `pbi` at `place` among the other open PBIs (`open`, any order): 'same' when it is there already,
 * 'self' when it is to go before or after itself, 'absent' when the PBI named is not open.
 */
export function rankFor(pbi: Pbi, place: RankPlace, open: readonly Pbi[]): string | 'same' | 'self' | 'absent' {
  const others = open.filter((p) => !sameKey(p.key, pbi.key) && isInBacklog(p)).sort(backlogOrder);
  const below = others.findIndex((p) => backlogOrder(pbi, p) < 0);
  const now = below < 0 ? others.length : below; // how many are above it now
  let at: number;
  if (place.at === 'top') at = 0;
  else if (place.at === 'bottom') at = others.length;
  else {
    if (sameKey(place.key, pbi.key)) return 'self';
    const i = others.findIndex((p) => sameKey(p.key, place.key));
    if (i < 0) return 'absent';
    at = place.at === 'before' ? i : i + 1;
  }
  return at === now ? 'same' : between(others[at - 1], others[at]);
}

/** A rank strictly between two neighbours' (either may be missing: an end of the backlog). */
function between(before: Pbi | undefined, after: Pbi | undefined): string {
  const low = before?.rank ?? null;
  const high = after?.rank ?? null;
  // neighbours of one rank (a hash collision): just after the one before, which is still before the other by key
  return generateKeyBetween(low, high !== null && low !== null && high <= low ? null : high);
}

/**
 * A team's queue, the order it works in: its started squares first, oldest first (it finishes what it started), then
 * the squares it has not started, in the Product Backlog's order.
 */
export function teamQueue(open: readonly Pbi[], team: string): Pbi[] {
  const state = (p: Pbi) => p.squares.find((s) => s.team === team)?.state;
  const started = open.filter((p) => state(p) === 'started').sort(oldestFirst);
  const waiting = open.filter((p) => state(p) === 'not-started').sort(backlogOrder);
  return [...started, ...waiting];
}
