import type { DateTime } from 'luxon';
import type { Nexus } from '../domain/nexus';
import type { Database } from './database';
import { digestRunRepository } from './digest-run-repository';
import { forecastRepository } from './forecast-repository';
import { historyRepository } from './history-repository';
import { importRepository } from './import-repository';
import { inboxRepository } from './inbox-repository';
import { nexusRepository } from './nexus-repository';
import { noticeRepository } from './notice-repository';
import { pbiRepository } from './pbi-repository';
import { type RevisionMemo, type Revisions, revisionMemo } from './revisions';
import { toPbi } from './rows';
import type { SealedBox } from './sealed-box';
import { seenRequestRepository } from './seen-request-repository';
import { trackerRepository } from './tracker-repository';
import { webShareRepository } from './web-share-repository';

/**
 * The repositories a command uses; `source` says where the changes come from (console, slack…). `secrets` seals
 * tracker secrets: without it tracker connections can't be made.
 */
export function openStore(db: Database, source: string, secrets: SealedBox | null = null): Store {
  const memo = revisionMemo(db.prisma, async (nexusId, revision) =>
    (await db.prisma.pbi.findMany({ where: { nexusId, revision: { gt: revision } } })).map(toPbi),
  );
  const read = new WeakMap<Nexus, Revisions>();
  const seenRequests = seenRequestRepository(db.prisma);
  const repositories = (m: RevisionMemo, askedAt: DateTime | null = null) => ({
    nexuses: nexusRepository(db.prisma, source, m, read),
    pbis: pbiRepository(db.prisma, source, m, askedAt),
    history: historyRepository(db.prisma, m),
    forecasts: forecastRepository(db.prisma),
    digestRuns: digestRunRepository(db.prisma),
    trackers: trackerRepository(db.prisma, secrets),
    inbox: inboxRepository(db.prisma, m, db.kind === 'embedded'),
    notices: noticeRepository(db.prisma),
    imports: importRepository(db.prisma, secrets, db.refreshStatistics, m),
    webShares: webShareRepository(db.prisma),
    seenRequests,
  });
  const store: Store = {
    ...repositories(memo),
    about(nexus, askedAt = null) {
      const revisions = read.get(nexus);
      if (!revisions && askedAt === null) return store;
      return { ...repositories(revisions ? memo.knowing(nexus.id, revisions) : memo, askedAt), about: store.about };
    },
  };
  return store;
}

type Repositories = {
  nexuses: ReturnType<typeof nexusRepository>;
  pbis: ReturnType<typeof pbiRepository>;
  history: ReturnType<typeof historyRepository>;
  forecasts: ReturnType<typeof forecastRepository>;
  digestRuns: ReturnType<typeof digestRunRepository>;
  trackers: ReturnType<typeof trackerRepository>;
  inbox: ReturnType<typeof inboxRepository>;
  notices: ReturnType<typeof noticeRepository>;
  imports: ReturnType<typeof importRepository>;
  seenRequests: ReturnType<typeof seenRequestRepository>;
  webShares: ReturnType<typeof webShareRepository>;
};

export type Store = Repositories & {
  /**
   * The store for one request about `nexus`, just read through this store: its reads of the Nexus's PBIs use the
   * revisions that read returned instead of asking the database again (until the request writes). `askedAt`: when
   * the person's slash command reached the bot, which a move of theirs that comes in late is judged by.
   */
  about(nexus: Nexus, askedAt?: DateTime | null): Store;
};
