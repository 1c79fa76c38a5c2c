import type { DateTime } from 'luxon';
import type { TrackerNews } from '../domain/tracker';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Store } from '../store';
import type { InboxRound } from '../store/inbox-repository';
import type { ClaimedNotices } from '../store/notice-repository';

/** How long moves gather before one message tells them: a burst of deliveries is one message, not hundreds. */
const GATHER_MS = 1_500;
/** How often every process looks for notices no one is gathering: left by a process that died, or due for a retry. */
const SWEEP_MS = 5_000;
/** How long a process may take to post what it claimed before another may take it over. */
const CLAIM_MS = 60_000;
/** Posts tried before a notice is given up (a bot removed from its channel can tell it nothing, ever). */
const MAX_ATTEMPTS = 5;
const MAX_RETRY_MINUTES = 30;

/**
 * What a post has told so far, recorded as each part is posted: a failure after the channel message retries only
 * the private notices still owed, so the channel never hears the same moves twice.
 */
export type AnnouncementProgress = {
  nitTold: ReadonlySet<string>;
  channelTold(): Promise<void>;
  nitMemberTold(user: string): Promise<void>;
};

export type AnnouncerDeps = {
  store: Store;
  now: () => DateTime;
  log: Logger;
  metrics: Metrics;
  post(nexusId: string, news: TrackerNews, progress?: AnnouncementProgress): Promise<void>;
  gatherMs?: number;
  sweepMs?: number;
  claimMs?: number;
};

/**
 * Tells each Nexus channel what the inbox applied, one message per burst. What to tell is in the database (the inbox
 * writes it in the round's transaction), so a crash, a failed post or another replica only delays a message: one
 * process claims a Nexus's notices, posts them together, and deletes them. A process that dies between posting and
 * deleting makes the message come twice, never not at all.
 */
export function startAnnouncer(deps: AnnouncerDeps) {
  const gatherMs = deps.gatherMs ?? GATHER_MS;
  const sweepMs = deps.sweepMs ?? SWEEP_MS;
  const claimMs = deps.claimMs ?? CLAIM_MS;
  const timers = new Map<string, NodeJS.Timeout>();
  const posting = new Set<Promise<void>>();

  function flush(opts: { nexusId?: string; createdBefore?: DateTime }): void {
    const now = deps.now();
    const run = deps.store.notices
      .claim({ now, claimUntil: now.plus({ milliseconds: claimMs }), ...opts })
      .then((claims) => Promise.all(claims.map(postClaimed)))
      .then(
        () => undefined,
        (error: unknown) =>
          deps.log.warn({ err: error }, 'tracker notices could not be read; trying again at the next sweep'),
      )
      .finally(() => posting.delete(run));
    posting.add(run);
  }

  async function postClaimed({ nexusId, news, notices, nitTold }: ClaimedNotices): Promise<void> {
    const ids = notices.map((n) => n.id);
    const progress: AnnouncementProgress = {
      nitTold: new Set(nitTold),
      channelTold: () => deps.store.notices.channelTold(ids),
      nitMemberTold: (user) => deps.store.notices.nitTold(ids, user),
    };
    const held = holdWhilePosting(ids);
    try {
      await deps.post(nexusId, news, progress);
    } catch (error) {
      await held.release();
      await keepForRetry(nexusId, notices, error);
      return;
    }
    await held.release();
    deps.metrics.announcement('posted');
    await deps.store.notices.remove(notices.map((n) => n.id));
  }

  /**
   * Renews the claim while the post is under way: a post slower than the claim (Slack's rate limits and retries) must
   * not let another process take the notices and post the same moves again. A process that dies stops renewing.
   */
  function holdWhilePosting(ids: bigint[]): { release(): Promise<void> } {
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing
        .then(() => deps.store.notices.holdUntil(ids, deps.now().plus({ milliseconds: claimMs })))
        .catch((error: unknown) => deps.log.warn({ err: error }, 'could not renew the claim on tracker notices'));
    }, claimMs / 3);
    return {
      async release() {
        clearInterval(timer);
        await renewing; // a renewal landing after a retry's wait was set would shorten it
      },
    };
  }

  /** Each notice keeps its own count: one that just came is not given up with an old one it was posted with. */
  async function keepForRetry(nexusId: string, notices: ClaimedNotices['notices'], error: unknown): Promise<void> {
    const spent = notices.filter((n) => n.attempts >= MAX_ATTEMPTS);
    if (spent.length) {
      deps.log.error(
        { err: error, nexus: nexusId, notices: spent.length },
        'announcing tracker moves failed too often; given up (the moves themselves are applied)',
      );
      deps.metrics.announcement('given_up');
      await deps.store.notices.remove(spent.map((n) => n.id));
    }
    const again = notices.filter((n) => n.attempts < MAX_ATTEMPTS);
    if (!again.length) return;
    deps.log.warn(
      { err: error, nexus: nexusId, notices: again.length },
      'announcing tracker moves failed; it will be tried again',
    );
    deps.metrics.announcement('retry');
    for (const n of again)
      await deps.store.notices.retryAt(
        n.id,
        deps.now().plus({ minutes: Math.min(2 ** n.attempts, MAX_RETRY_MINUTES) }),
      );
  }

  function sweep(): void {
    flush({ createdBefore: deps.now().minus({ milliseconds: sweepMs }) });
  }

  sweep();
  const sweeper = setInterval(sweep, sweepMs);
  sweeper.unref();

  return {
    /** An inbox round finished: when it has news, the Nexus's channel hears it once the burst has passed. */
    announce(round: InboxRound): void {
      if ((!round.moves.length && !round.newlyUnmapped.length) || timers.has(round.nexusId)) return;
      const timer = setTimeout(() => {
        timers.delete(round.nexusId);
        flush({ nexusId: round.nexusId });
      }, gatherMs);
      timers.set(round.nexusId, timer);
    },
    /** Posts every notice no process holds now, its own gathered ones and any a dead process left, and stops. */
    async stop(): Promise<void> {
      clearInterval(sweeper);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      flush({});
      while (posting.size) await Promise.all(posting);
    },
  };
}
