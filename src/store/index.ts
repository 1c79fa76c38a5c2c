import type { Database } from './database';
import { digestRunRepository } from './digest-run-repository';
import { forecastRepository } from './forecast-repository';
import { nexusRepository } from './nexus-repository';
import { pbiRepository } from './pbi-repository';
import { revisionMemo } from './revisions';

/** The repositories a command uses; `source` says where the changes come from (console, slack, tracker:jira…). */
export function openStore(db: Database, source: string) {
  return {
    nexuses: nexusRepository(db.prisma, source),
    pbis: pbiRepository(db.prisma, source, revisionMemo(db.prisma)),
    forecasts: forecastRepository(db.prisma),
    digestRuns: digestRunRepository(db.prisma),
  };
}

export type Store = ReturnType<typeof openStore>;
