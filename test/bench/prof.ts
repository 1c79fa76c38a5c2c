import { DateTime } from 'luxon';
import { existsSync } from 'node:fs';
import { runLine } from '../../src/commands';
import { openDatabase } from '../../src/store/database';
import { openStore } from '../../src/store';
import { createLargeNexus } from './large-nexus';
(async () => {
  const dir = '/tmp/nf-prof';
  const fresh = !existsSync(dir);
  const db = await openDatabase({ dataDir: dir });
  const store = openStore(db, 'bench');
  if (fresh) await createLargeNexus(store, DateTime.utc());
  const nexus = (await store.nexuses.findByChannel('T-bench', 'C-bench'))!;
  const ctx = { store, now: () => DateTime.utc(), workspaceId: 'T-bench', channelId: 'C-bench', userId: 'U-bench' };
  const t = async (name: string, fn: () => Promise<unknown>) => { for (let i = 0; i < 3; i++) await fn(); const s = performance.now(); for (let i = 0; i < 10; i++) await fn(); console.log(name, ((performance.now() - s) / 10).toFixed(1)); };
  await t('/flow board', () => runLine('/flow board', ctx));
  await t('/flow aging', () => runLine('/flow aging', ctx));
  await t('listOpen', () => store.pbis.listOpen(nexus.id));
  await t('finishedSince', () => store.pbis.finishedSince(nexus.id, DateTime.utc().minus({ days: 90 })));
  await t('countByStage', () => store.pbis.countByStage(nexus.id));
  await t('listInStages', () => store.pbis.listInStages(nexus.id, ['integrated', 'released', 'learning'], 9));
  await t('raw open', () => db.prisma.pbi.findMany({ where: { nexusId: nexus.id, finishedAt: null, discardedAt: null } }));
  console.log('rss', Math.round(process.memoryUsage().rss / 1e6), 'heap', Math.round(process.memoryUsage().heapUsed / 1e6));
  await db.close();
})();
(async () => {
  await new Promise((r) => setTimeout(r, 100));
})();
