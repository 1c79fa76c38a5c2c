import type { TrackerKind } from '../domain/tracker';
import type { Store } from '../store';

type Found = Awaited<ReturnType<Store['trackers']['withSecret']>>;

/**
 * Long enough to spare a query per delivery (one per connection every 5 s instead of thousands), short enough that a
 * disconnected tracker or a replaced secret stops working on every replica within seconds.
 */
export const SECRET_CACHE_MS = 5_000;

/**
 * Connections with their opened secrets, kept for a while: every delivery needs one. A signature that fails against
 * a kept secret is checked again against the stored one (`fresh`), so a new secret works at once on every replica.
 */
export function connectionCache(store: Store, ttlMs = SECRET_CACHE_MS) {
  const kept = new Map<string, { found: NonNullable<Found>; until: number }>();
  return async (nexusId: string, kind: TrackerKind, fresh = false): Promise<{ found: Found; cached: boolean }> => {
    const key = `${nexusId}\n${kind}`;
    const hit = kept.get(key);
    if (hit && !fresh && hit.until > Date.now()) return { found: hit.found, cached: true };
    const found = await store.trackers.withSecret(nexusId, kind);
    if (found) kept.set(key, { found, until: Date.now() + ttlMs });
    else kept.delete(key);
    return { found, cached: false };
  };
}
