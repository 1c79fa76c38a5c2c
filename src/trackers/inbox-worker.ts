import type { DateTime } from 'luxon';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Store } from '../store';
import type { InboxRound } from '../store/inbox-repository';

/** Deliveries applied per transaction: large enough to amortise the Nexus lock, small enough to answer quickly. */
export const BATCH = 250;
/**
 * Deliveries per transaction once a full round was all an import's: its history waits on nobody, and each round's
 * fixed cost (the Nexus lock, its settings, the connections, the commit) spread over four times as many changes is what
 * lets 200,000 imported changes apply in time. Webhooks stored meanwhile go in the same rounds, at most one behind.
 */
export const IMPORT_BATCH = 1_000;
/** A kick waits this long before applying, so a burst is applied in a few large transactions, not many small ones. */
const GATHER_MS = 100;
/** How often every replica looks for deliveries no one kicked: after a restart, or whose retry time came. */
const SWEEP_MS = 5_000;
/** How often applied deliveries older than the kept days are deleted (and once at start). */
const PRUNE_MS = 10 * 60_000;
/**
 * Applied deliveries are kept this many days by default: their ids answer a redelivery as a duplicate (GitHub lets one
 * be redelivered for 3 days, Azure DevOps retries for about 36 hours, Linear for 6 hours, Jira for 30 minutes).
 */
export const DEFAULT_INBOX_KEEP_DAYS = 7;

/**
 * A round's deciding and writing are work on this thread, so rounds back to back would keep requests waiting. When the
 * embedded database ran in this thread and answered in microtasks they held every webhook and command until the whole
 * backlog was applied (webhook benchmark answer p99 173–182 ms; 99–119 ms with this). Two turns of the check phase:
 * whichever phase a round ends in, the event loop polls for I/O between them.
 */
async function letRequestsIn(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

export type InboxWorker = {
  /** A delivery was stored for this Nexus: apply it soon. */
  kick(nexusId: string): void;
  /** Resolves when nothing is being applied (tests and benchmarks wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Applies the inbox, one Nexus at a time per process, in batches; tells `announce` what each round did. Nothing is
 * held in memory that the database doesn't also hold: a crash only delays deliveries until the next sweep.
 */
export function startInboxWorker(deps: {
  store: Store;
  now: () => DateTime;
  log: Logger;
  metrics: Metrics;
  announce(round: InboxRound): void;
  keepDays?: number;
  sweepMs?: number;
  gatherMs?: number;
}): InboxWorker {
  const gatherMs = deps.gatherMs ?? GATHER_MS;
  const draining = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let stopped = false;

  async function drain(nexusId: string): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, gatherMs));
      again.delete(nexusId);
      let round;
      let limit = BATCH;
      let full: boolean;
      do {
        round = await deps.store.inbox.applyDue(nexusId, deps.now(), limit);
        deps.metrics.inboxRound(round.handled, round.failed);
        if (round.handled) deps.announce(round);
        if (round.failed)
          deps.log.warn(
            { nexus: nexusId, failed: round.failed },
            'tracker deliveries failed to apply; they will be retried',
          );
        full = round.handled === limit;
        limit = full && round.imported === round.handled ? IMPORT_BATCH : BATCH;
        await letRequestsIn();
      } while (full);
      if (!again.has(nexusId)) return;
    }
  }

  function kick(nexusId: string): void {
    if (stopped) return;
    if (draining.has(nexusId)) {
      again.add(nexusId);
      return;
    }
    const run = drain(nexusId)
      .catch((error: unknown) => deps.log.error({ err: error, nexus: nexusId }, 'applying the tracker inbox failed'))
      .finally(() => {
        draining.delete(nexusId);
        if (again.delete(nexusId)) kick(nexusId);
      });
    draining.set(nexusId, run);
  }

  async function sweep(): Promise<void> {
    try {
      for (const nexusId of await deps.store.inbox.dueNexuses(deps.now())) kick(nexusId);
    } catch (error) {
      deps.log.warn({ err: error }, 'the inbox sweep failed; trying again at the next one');
    }
  }

  /**
   * Deletes what deduplication no longer needs, a batch at a time, letting requests in between: applied deliveries
   * past the kept days, and Slack request signatures past their time (claimed on the ack path, never pruned there).
   */
  async function prune(): Promise<void> {
    const before = deps.now().minus({ days: deps.keepDays ?? DEFAULT_INBOX_KEEP_DAYS });
    try {
      await deps.store.seenRequests.pruneExpired(deps.now());
      let pruned = 0;
      for (let batch = 1; batch > 0 && !stopped; pruned += batch) {
        batch = await deps.store.inbox.pruneBatch(before);
        await letRequestsIn();
      }
      if (pruned) {
        await deps.store.inbox.reclaim();
        deps.log.info(
          { pruned, before: before.toISO() },
          'applied tracker deliveries past their kept days were deleted',
        );
      }
    } catch (error) {
      deps.log.warn({ err: error }, 'pruning the inbox failed; trying again at the next prune');
    }
  }

  void sweep();
  const timer = setInterval(() => void sweep(), deps.sweepMs ?? SWEEP_MS);
  timer.unref();
  let pruning = prune();
  const pruner = setInterval(() => {
    pruning = pruning.then(prune);
  }, PRUNE_MS);
  pruner.unref();

  return {
    kick,
    async idle() {
      await pruning;
      while (draining.size) await Promise.all(draining.values());
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(pruner);
      await pruning;
      while (draining.size) await Promise.all(draining.values());
    },
  };
}
