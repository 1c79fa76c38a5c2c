import type { DateTime } from 'luxon';
import type { NexusContext } from '../commands/command';
import { loadDigest, renderDigest } from '../commands/flow/digest';
import { teamDailyReply } from '../commands/flow/team-daily';
import { nexusRetro } from '../commands/nexus/retro';
import { nexusReview } from '../commands/nexus/review';
import { localDate } from '../domain/calendar';
import { dueSlot } from '../domain/digest-slot';
import { type Nexus, type SprintReport, teamChannelOf } from '../domain/nexus';
import { dueSprintReports } from '../domain/report-slot';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Reply } from '../render/reply';
import type { Store } from '../store';
import type { PostSlot } from '../store/digest-run-repository';

/** How often each replica looks for due posts. */
const TICK_MS = 60_000;

/**
 * Posts a scheduled report to its Nexus's channel (Slack, or the console's output), calling `posted` the moment the
 * channel message is out: what fails after it (the thread, the chart) must not make another round post it again.
 */
export type DigestPoster = (
  nexus: Nexus,
  reply: Reply,
  posted: () => Promise<void>,
  /** a channel of the Nexus's other than its own (a team's); none: the Nexus channel */
  channelId?: string,
) => Promise<void>;
export type SchedulerDeps = {
  store: Store;
  now: () => DateTime;
  replica: string;
  post: DigestPoster;
  log: Logger;
  metrics: Metrics;
};

/** What a replica posts by itself, each made when it is posted, as it would answer the command typed. */
const SCHEDULED: Record<'digest' | SprintReport, (ctx: NexusContext) => Promise<Reply>> = {
  digest: async (ctx) => renderDigest(await loadDigest(ctx)),
  review: async (ctx) => nexusReview.render(await nexusReview.execute({}, ctx), ctx),
  retro: async (ctx) => nexusRetro.render(await nexusRetro.execute({}, ctx), ctx),
};

const TEAM = 'team:';
const teamOf = (report: PostSlot['report']): string | null =>
  report.startsWith(TEAM) ? report.slice(TEAM.length) : null;

/** A slot's post, made as it goes out; a team's daily line names its team in the slot. */
function scheduled(report: PostSlot['report'], ctx: NexusContext): Promise<Reply> {
  const team = teamOf(report);
  return team === null ? SCHEDULED[report as 'digest' | SprintReport](ctx) : teamDailyReply(ctx, team);
}

/**
 * Nexuses one replica posts to at the same time. Each waits mostly on Slack (and on its per-channel limit of about one
 * message a second, which the thread reply meets): one at a time, 1,000 Nexuses due at 09:30 waited many minutes.
 */
const DIGESTS_AT_ONCE = 6;

/**
 * One round: every post due (a Nexus's digest, its Sprint reports) is claimed in the database and posted by the one
 * replica that claimed it, a few Nexuses at a time. A failed post leaves the claim unposted, so a later round (here or
 * on another replica) takes it over. Returns how many this replica posted.
 */
export async function postDueReports(deps: SchedulerDeps): Promise<number> {
  const nexuses = await deps.store.nexuses.listScheduled();
  let next = 0;
  let posted = 0;
  const worker = async () => {
    while (next < nexuses.length) posted += await postDueOf(nexuses[next++], deps);
  };
  await Promise.all(Array.from({ length: Math.min(DIGESTS_AT_ONCE, nexuses.length) }, worker));
  return posted;
}

/** The posts due for a Nexus at `at`, in the order they go out on their day: the digest, then the Sprint reports. */
function duePosts(nexus: Nexus, at: DateTime): PostSlot[] {
  const digest = dueSlot(nexus, at);
  const today = localDate(at, nexus.timeZone);
  // each team with a channel of its own gets its daily line there, after the digest that leaves its details out
  const teams = nexus.teamChannels.filter((c) => nexus.teams.includes(c.team));
  return [
    ...(digest ? [{ nexusId: nexus.id, date: digest, report: 'digest' as const }] : []),
    ...(digest ? teams.map((c) => ({ nexusId: nexus.id, date: digest, report: `${TEAM}${c.team}` as const })) : []),
    ...dueSprintReports(nexus, at).map((report) => ({ nexusId: nexus.id, date: today, report })),
  ];
}

/**
 * Claims and posts a Nexus's due posts in their order; how many this replica posted. A post another replica holds
 * ends the turn: that replica goes on with the rest, in order, and takes them over only when it crashed.
 */
async function postDueOf(nexus: Nexus, deps: SchedulerDeps): Promise<number> {
  const at = deps.now();
  let posted = 0;
  for (const slot of duePosts(nexus, at)) {
    const claim = await deps.store.digestRuns.claim(slot, deps.replica, at);
    if (claim === 'held') break;
    if (claim === 'claimed' && (await postOne(nexus, slot, deps))) posted++;
  }
  return posted;
}

/** Posts one claimed slot; true when it is out. A failure leaves the claim unposted for a later round. */
async function postOne(nexus: Nexus, slot: PostSlot, { store, now, post, log, metrics }: SchedulerDeps) {
  let isPosted = false;
  const recordPosted = async () => {
    await store.digestRuns.posted(slot, now());
    isPosted = true;
    metrics.scheduledPost(kindOf(slot), 'posted');
  };
  const about = { nexus: nexus.id, slot: slot.date, report: slot.report };
  try {
    const ctx = { store, now, workspaceId: nexus.workspaceId, channelId: nexus.channelId, userId: 'nexus-flow', nexus };
    const team = teamOf(slot.report);
    const channel = team === null ? undefined : (teamChannelOf(nexus, team) ?? undefined);
    await post(nexus, await scheduled(slot.report, ctx), recordPosted, channel);
    if (!isPosted) await recordPosted();
  } catch (error) {
    if (isPosted) {
      log.warn({ err: error, ...about }, 'report posted, but its details failed; it is not posted again');
      return true;
    }
    metrics.scheduledPost(kindOf(slot), 'failed');
    log.error({ err: error, ...about }, 'report not posted; another round will retry it');
  }
  return isPosted;
}

/** The slot's kind for the metrics, whose labels never name a team: `digest`, `review`, `retro` or `team`. */
const kindOf = (slot: PostSlot) => (teamOf(slot.report) === null ? slot.report : 'team');

/** Runs a round at once (a replica started at 09:00:30 posts the 09:00 digest now) and every minute until stopped; rounds never overlap. */
export function startScheduler(deps: SchedulerDeps): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const round = () => {
    running = running
      .then(() => postDueReports(deps))
      .catch((error: unknown) => deps.log.error({ err: error }, 'scheduled round failed'));
  };
  round();
  const timer = setInterval(round, TICK_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
