import type { DateTime } from 'luxon';
import { loadDigest, renderDigest } from '../commands/flow/digest';
import type { Reply } from '../commands/reply';
import type { Nexus } from '../domain/nexus';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Store } from '../store';
import { dueSlot } from './digest-slot';

/** How often each replica looks for due digests. */
const TICK_MS = 60_000;

/**
 * Posts a digest to its Nexus's channel (Slack, or the console's output), calling `posted` the moment the channel
 * message is out: what fails after it (the thread, the chart) must not make another round post the digest again.
 */
export type DigestPoster = (nexus: Nexus, reply: Reply, posted: () => Promise<void>) => Promise<void>;
export type SchedulerDeps = { store: Store; now: () => DateTime; replica: string; post: DigestPoster; log: Logger; metrics: Metrics };

/**
 * One round: every Nexus whose digest slot is due is claimed in the database and posted by the one replica that
 * claimed it. A failed post leaves the claim unposted, so a later round (here or on another replica) takes it over.
 */
export async function postDueDigests({ store, now, replica, post, log, metrics }: SchedulerDeps): Promise<number> {
  let posted = 0;
  for (const nexus of await store.nexuses.listWithDigest()) {
    const at = now();
    const slot = dueSlot(nexus, at);
    if (!slot || !(await store.digestRuns.claim(nexus.id, slot, replica, at))) continue;
    let isPosted = false;
    const recordPosted = async () => {
      await store.digestRuns.posted(nexus.id, slot, now());
      isPosted = true;
      posted++;
      metrics.digestRun('posted');
    };
    try {
      const ctx = { store, now, workspaceId: nexus.workspaceId, channelId: nexus.channelId, userId: 'nexus-flow', nexus };
      await post(nexus, renderDigest(await loadDigest(ctx)), recordPosted);
      if (!isPosted) await recordPosted();
    } catch (error) {
      if (isPosted) {
        log.warn({ err: error, nexus: nexus.id, slot }, 'digest posted, but its details failed; it is not posted again');
        continue;
      }
      metrics.digestRun('failed');
      log.error({ err: error, nexus: nexus.id, slot }, 'digest not posted; another round will retry it');
    }
  }
  return posted;
}

/** Runs a round at once (a replica started at 09:00:30 posts the 09:00 digest now) and every minute until stopped; rounds never overlap. */
export function startScheduler(deps: SchedulerDeps): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const round = () => {
    running = running.then(() => postDueDigests(deps)).catch((error: unknown) => deps.log.error({ err: error }, 'digest round failed'));
  };
  round();
  const timer = setInterval(round, TICK_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
