import type { TrackerNews } from '../commands/tracker-news';
import type { Logger } from '../log';
import type { InboxRound } from '../store/inbox-repository';

/** How long moves gather before one message tells them: a burst of deliveries is one message, not hundreds. */
const GATHER_MS = 1_500;

/** Gathers what inbox rounds did, per Nexus, and hands it to `post` once the burst has passed. */
export function batchedAnnouncer(post: (nexusId: string, news: TrackerNews) => Promise<void>, log: Logger, gatherMs = GATHER_MS) {
  const gathered = new Map<string, TrackerNews>();
  const timers = new Map<string, NodeJS.Timeout>();
  const posting = new Set<Promise<void>>();

  function flush(nexusId: string): void {
    clearTimeout(timers.get(nexusId));
    timers.delete(nexusId);
    const news = gathered.get(nexusId);
    gathered.delete(nexusId);
    if (!news) return;
    const sent = post(nexusId, news)
      .catch((error: unknown) => log.warn({ err: error, nexus: nexusId }, 'announcing tracker moves failed'))
      .finally(() => posting.delete(sent));
    posting.add(sent);
  }

  return {
    announce(round: InboxRound): void {
      if (!round.moves.length && !round.newlyUnmapped.length) return;
      const news = gathered.get(round.nexusId) ?? { moves: [], unmapped: [] };
      gathered.set(round.nexusId, { moves: [...news.moves, ...round.moves], unmapped: [...news.unmapped, ...round.newlyUnmapped] });
      if (!timers.has(round.nexusId)) timers.set(round.nexusId, setTimeout(() => flush(round.nexusId), gatherMs));
    },
    /** Posts everything gathered now (at shutdown, and in tests). */
    async flushAll(): Promise<void> {
      for (const nexusId of [...gathered.keys()]) flush(nexusId);
      await Promise.all(posting);
    },
  };
}

export type Announcer = ReturnType<typeof batchedAnnouncer>;
