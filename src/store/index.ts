import type { Database } from './database';
import { digestRunRepository } from './digest-run-repository';
import { forecastRepository } from './forecast-repository';
import { inboxRepository } from './inbox-repository';
import { nexusRepository } from './nexus-repository';
import { pbiRepository } from './pbi-repository';
import { revisionMemo } from './revisions';
import { toPbi } from './rows';
import type { SealedBox } from './sealed-box';
import { trackerRepository } from './tracker-repository';

/**
 * The repositories a command uses; `source` says where the changes come from (console, slack…). `secrets` seals
 * tracker secrets: without it tracker connections can't be made.
 */
export function openStore(db: Database, source: string, secrets: SealedBox | null = null) {
  const memo = revisionMemo(db.prisma, async (nexusId, revision) => (await db.prisma.pbi.findMany({ where: { nexusId, revision: { gt: revision } } })).map(toPbi));
  return {
    nexuses: nexusRepository(db.prisma, source),
    pbis: pbiRepository(db.prisma, source, memo),
    forecasts: forecastRepository(db.prisma),
    digestRuns: digestRunRepository(db.prisma),
    trackers: trackerRepository(db.prisma, secrets),
    inbox: inboxRepository(db.prisma, memo),
  };
}

export type Store = ReturnType<typeof openStore>;
