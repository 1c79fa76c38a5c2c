import type { DateTime } from 'luxon';
import { loadDigest, renderDigest } from '../commands/flow/digest';
import type { Nexus } from '../domain/nexus';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Reply } from '../render/reply';
import type { Store } from '../store';
import { dueSlot } from './digest-slot';

/** How often each replica looks for due digests. */
const TICK_MS = 60_000;

/**
 * Posts a digest to its Nexus's channel (Slack, or the console's output), calling `posted` the moment the channel
 * message is out: what fails after it (the thread, the chart) must not make another round post the digest again.
 */
export type DigestPoster = (nexus: Nexus, reply: Reply, posted: () => Promise<void>) => Promise<void>;
export type SchedulerDeps = {
  store: Store;
  now: () => DateTime;
  replica: string;
  post: DigestPoster;
  log: Logger;
  metrics: Metrics;
};

/**
 * Digests one replica posts at the same time. Each waits mostly on Slack (and on its per-channel limit of about one
 * message a second, which the thread reply meets): one at a time, 1,000 Nexuses due at 09:30 waited many minutes.
 */
const DIGESTS_AT_ONCE = 6;

/**
 * One round: every Nexus whose digest slot is due is claimed in the database and posted by the one replica that
 * claimed it, a few at a time. A failed post leaves the claim unposted, so a later round (here or on another replica)
 * takes it over.
 */
export async function postDueDigests(deps: SchedulerDeps): Promise<number> {
  const due = await deps.store.nexuses.listWithDigest();
  let next = 0;
  let posted = 0;
  const worker = async () => {
    while (next < due.length) if (await postDigest(due[next++], deps)) posted++;
  };
  await Promise.all(Array.from({ length: Math.min(DIGESTS_AT_ONCE, due.length) }, worker));
  return posted;
}

/** Claims and posts one Nexus's digest when its slot is due; true when this replica posted it. */
async function postDigest(nexus: Nexus, { store, now, replica, post, log, metrics }: SchedulerDeps): Promise<boolean> {
  const at = now();
  const slot = dueSlot(nexus, at);
  if (!slot || !(await store.digestRuns.claim(nexus.id, slot, replica, at))) return false;
  let isPosted = false;
  const recordPosted = async () => {
    await store.digestRuns.posted(nexus.id, slot, now());
    isPosted = true;
    metrics.digestRun('posted');
  };
  try {
    const ctx = { store, now, workspaceId: nexus.workspaceId, channelId: nexus.channelId, userId: 'nexus-flow', nexus };
    await post(nexus, renderDigest(await loadDigest(ctx)), recordPosted);
    if (!isPosted) await recordPosted();
  } catch (error) {
    if (isPosted) {
      log.warn({ err: error, nexus: nexus.id, slot }, 'digest posted, but its details failed; it is not posted again');
      return true;
    }
    metrics.digestRun('failed');
    log.error({ err: error, nexus: nexus.id, slot }, 'digest not posted; another round will retry it');
  }
  return isPosted;
}

/** Runs a round at once (a replica started at 09:00:30 posts the 09:00 digest now) and every minute until stopped; rounds never overlap. */
export function startScheduler(deps: SchedulerDeps): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const round = () => {
    running = running
      .then(() => postDueDigests(deps))
      .catch((error: unknown) => deps.log.error({ err: error }, 'digest round failed'));
  };
  round();
  const timer = setInterval(round, TICK_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
