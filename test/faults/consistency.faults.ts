import { blocksToText } from '../../src/console/plain-text';
import { type Database, openDatabase } from '../../src/store/database';
import { brokenInvariants } from '../support/consistency';
import type { FakeSlack } from '../support/fake-slack';
import { type Cluster, type Rig, startRig } from './cluster';

jest.setTimeout(300_000);

/**
 * Two replicas of the compiled bot on one PostgreSQL, slash commands sent at once to both, as people in one channel
 * type them: settings changes all kept, PBIs equal to their history under the settings they end with, and no
 * contention reaching anyone as a failure.
 */
describe('one Nexus written at once through two replicas', () => {
  let rig: Rig;
  let fake: FakeSlack;
  let cluster: Cluster;
  let db: Database;
  let nexusId: string;
  const say = async (text: string, command = '/nexus') => {
    const reply = await cluster.command(fake, { command, text, channel_id: 'C1' });
    return blocksToText(reply.blocks ?? []) || String(reply.text ?? '');
  };
  const atOnce = (lines: string[]) =>
    Promise.all(
      lines.map((line) => {
        const [command, ...rest] = line.split(' ');
        return say(rest.join(' '), command);
      }),
    );

  beforeAll(async () => {
    rig = await startRig('consistency', 2, 'error');
    ({ fake, cluster } = rig);
    await Promise.all([cluster.start(0), cluster.start(1)]);
    db = await openDatabase({ url: rig.url, dataDir: '' });
    await say(
      'setup --teams Alpha,Beta --stages "refining,ready,doing,review,integrated,released" --start doing --finish integrated',
    );
    nexusId = (await db.prisma.nexus.findFirstOrThrow()).id;
  });
  afterAll(async () => {
    await db?.close();
    await rig?.dispose();
  });

  test('ten teams and ten stages added at once: every one answered "added" is kept', async () => {
    const replies = await atOnce([
      ...Array.from({ length: 10 }, (_, i) => `/nexus teams add Team${i}`),
      ...Array.from({ length: 10 }, (_, i) => `/nexus stage add s${i} --after review`),
    ]);
    for (const reply of replies) expect(reply).toMatch(/added/);
    const nexus = await db.prisma.nexus.findUniqueOrThrow({ where: { id: nexusId } });
    expect(nexus.teams).toHaveLength(12);
    expect((nexus.stages as { name: string }[]).filter((s) => /^s\d$/.test(s.name))).toHaveLength(10);
  });

  test('a hundred moves of one PBI at once: each is done or says where the PBI is; no apology', async () => {
    await say('add "Contended" --key HOT-1', '/pbi');
    const stages = ['ready', 'doing', 'review', 'refining'];
    const replies = await atOnce(Array.from({ length: 100 }, (_, i) => `/pbi move HOT-1 ${stages[i % stages.length]}`));
    for (const reply of replies) expect(reply).toMatch(/moved HOT-1|already in/);
    expect(replies.filter((r) => /Sorry/.test(r))).toEqual([]);
    expect(await brokenInvariants(db, nexusId)).toEqual([]);
  });

  test('moves, team squares and adds racing flow, stage and team changes: every PBI equals its history', async () => {
    for (let i = 1; i <= 12; i++) await say(`add "Item ${i}" --key MIX-${i} --teams Alpha,Team1`, '/pbi');
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => `/pbi move MIX-${i + 1} ${['ready', 'doing', 'review', 's3'][i % 4]}`),
      ...Array.from({ length: 12 }, (_, i) => `/pbi teams MIX-${i + 1} ${i % 2 ? '+Beta' : '+Team2'}`),
      ...Array.from({ length: 6 }, (_, i) => `/pbi team MIX-${i + 1} Alpha ${i % 2 ? 'start' : 'done'}`),
      '/nexus flow start ready finish review',
      '/nexus stage remove s3',
      '/nexus teams remove Team2',
      '/nexus teams remove Beta',
      '/nexus flow start doing finish integrated',
      '/nexus stage remove released',
    ];
    const shuffled = lines
      .map((l, i) => ({ l, k: (i * 7919) % lines.length }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.l);
    const replies = await atOnce(shuffled);
    expect(replies.filter((r) => /Sorry/.test(r))).toEqual([]);
    expect(await brokenInvariants(db, nexusId)).toEqual([]);
  });
});
