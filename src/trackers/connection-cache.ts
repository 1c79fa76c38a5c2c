import type { TrackerKind } from '../domain/tracker';
import type { Store } from '../store';
import { tokenBuckets } from './rate-limit';

type Found = Awaited<ReturnType<Store['trackers']['withSecret']>>;

/**
 * Long enough to spare a query per delivery (one per connection every 5 s instead of thousands), short enough that a
 * disconnected tracker or a replaced secret stops working on every replica within seconds.
 */
export const SECRET_CACHE_MS = 5_000;
/** An unknown connection is asked for again after this long: a new connection works within a second. */
export const RECHECK_MS = 1_000;
/**
 * A signature that fails against a kept secret reads the stored one again, so a new secret works at once; 10 such
 * reads at once per connection, then 2 a second: a flood of forged deliveries costs 2 queries a second, not one each.
 */
const RECHECKS = { perSecond: 2, burst: 10 };
/** Connections kept at most (unknown ones too: a scan of made-up URLs must not grow memory without bound). */
const MAX_KEPT = 10_000;

/**
 * Connections with their opened secrets, kept for a while: every delivery needs one. A signature that fails against
 * a kept secret is checked again against the stored one (`fresh`). Concurrent reads of one connection share a query.
 */
export function connectionCache(store: Store, ttlMs = SECRET_CACHE_MS) {
  const kept = new Map<string, { found: Found; readAt: number }>();
  const reading = new Map<string, Promise<Found>>();
  const rechecks = tokenBuckets(RECHECKS);

  function read(key: string, nexusId: string, kind: TrackerKind): Promise<Found> {
    const pending = reading.get(key);
    if (pending) return pending;
    const query = store.trackers.withSecret(nexusId, kind).then((found) => {
      kept.delete(key); // re-inserted last: the oldest go first when there are too many
      kept.set(key, { found, readAt: Date.now() });
      if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
      return found;
    });
    reading.set(key, query);
    return query.finally(() => reading.delete(key));
  }

  return async (nexusId: string, kind: TrackerKind, fresh = false): Promise<{ found: Found; cached: boolean }> => {
    const key = `${nexusId}\n${kind}`;
    const hit = kept.get(key);
    const fresher = fresh && rechecks.take(key);
    const keepFor = fresher ? 0 : hit?.found ? ttlMs : RECHECK_MS;
    if (hit && Date.now() - hit.readAt < keepFor) return { found: hit.found, cached: true };
    return { found: await read(key, nexusId, kind), cached: false };
  };
}
