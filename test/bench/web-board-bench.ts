// The read-only web board (`/nexus share`) on the large Nexus: each page and chart image fetched 4 times over HTTP
// from the real handler (embedded database, a fresh process). Run: npx tsx test/bench/web-board-bench.ts

import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { createLogger } from '../../src/log';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { webBoard } from '../../src/web/web-board';
import { createLargeNexus } from './large-nexus';

async function main() {
  const db = await openDatabase({ dataDir: mkdtempSync(path.join(tmpdir(), 'web-bench-')) });
  const store = openStore(db, 'bench');
  let t = performance.now();
  const { nexus, pbis } = await createLargeNexus(store, DateTime.utc());
  console.log(`built ${pbis} PBIs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const opened = await store.webShares.open(nexus.id, 'U-bench', DateTime.utc());
  if (!('token' in opened)) throw new Error('no token');
  const handler = webBoard({ store, now: () => DateTime.utc(), log: createLogger('silent') });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/n/${opened.token}`;
  const key = (await store.pbis.listInStages(nexus.id, ['ready'], 1))[0].key;
  for (const page of [
    '',
    '/aging',
    '/charts',
    '/forecast',
    `/pbi/${key}`,
    '/chart/aging.png',
    '/chart/cfd.png',
    '/chart/backlog.png',
  ]) {
    const ms: number[] = [];
    for (let i = 0; i < 4; i++) {
      t = performance.now();
      const res = await fetch(base + page);
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${page}: ${res.status}`);
      ms.push(performance.now() - t);
      if (i === 3)
        console.log(
          `${page || '/'}: first ${ms[0].toFixed(0)} ms, then ${ms
            .slice(1)
            .map((m) => m.toFixed(0))
            .join(' / ')} ms, ${body.byteLength} bytes`,
        );
    }
  }
  server.close();
  await db.close();
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
