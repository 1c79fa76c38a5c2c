import { DateTime } from 'luxon';
import pg from 'pg';
import { blocksToText } from '../../src/console/plain-text';
import { openStore, type Store } from '../../src/store';
import { type Database, openDatabase } from '../../src/store/database';
import type { FakeSlack } from '../support/fake-slack';
import {
  compareWithReplay,
  jiraDelivery,
  planChanges,
  projectionsMatchHistory,
  sendOrder,
} from '../support/tracker-replay';
import { type Cluster, type Rig, startRig } from './cluster';

const CHANNELS = ['C1', 'C2', 'C3'];
/** 3 Nexuses × 300 items × 10 changes = 9,000 changes; with a tenth more sent twice, 10,000 deliveries. */
const ITEMS = 300;
const CHANGES = 10;
/** 3 Nexuses × 110 PBIs × (an add and 5 moves) = 1,980 commands, plus 20 reads: 2,000 slash commands. */
const COMMAND_PBIS = 110;
const MOVES = ['refining', 'ready', 'sprint-backlog', 'in-progress', 'integrated'];
const READS = ['/flow board', '/flow aging', '/flow wip', '/pbi show CMD-1'];
/** The crash comes when this many deliveries have been answered. */
const KILL_AFTER = 4_000;

jest.setTimeout(600_000);

describe('two replicas on one PostgreSQL, one killed in the middle of the load', () => {
  let rig: Rig;
  let fake: FakeSlack;
  let cluster: Cluster;
  let db: Database;
  let store: Store;
  let url: string;

  beforeAll(async () => {
    rig = await startRig('replicas', 2, 'error');
    ({ url, fake, cluster } = rig);
    // both start at once on an empty database: one applies the migrations while the other waits for the lock
    await Promise.all([cluster.start(0), cluster.start(1)]);
    db = await openDatabase({ url, dataDir: '' });
    store = openStore(db, 'faults');
  });

  afterAll(async () => {
    await db?.close();
    await rig?.dispose();
  });

  test('both replicas started together applied each migration once', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ migration_name: string; n: string }>(
      'SELECT migration_name, count(*) AS n FROM "_prisma_migrations" GROUP BY migration_name',
    );
    await client.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n === '1')).toBe(true);
  });

  test('10,000 webhook deliveries and 2,000 slash commands: the final state equals a sequential replay, nothing lost or doubled, one digest, Sprint Review and Retrospective per Nexus', async () => {
    const secretsByChannel = await setUpNexuses(cluster, fake);
    const nexusIds = await Promise.all(CHANNELS.map(async (c) => (await store.nexuses.findByChannel('T1', c))!.id));
    const secrets = new Map(CHANNELS.map((c, i) => [nexusIds[i], secretsByChannel.get(c)!]));
    // restarted together, both replicas run a digest round at start and find every Nexus's digest due
    await Promise.all([cluster.stop(0, 'SIGTERM'), cluster.stop(1, 'SIGTERM')]);
    await Promise.all([cluster.start(0), cluster.start(1)]);

    const stages = (await store.nexuses.get(nexusIds[0]))!.workflow.stages.map((s) => s.name);
    const plan = planChanges(nexusIds, ITEMS, CHANGES, stages, 11);
    const sends = sendOrder(plan);
    let answered = 0;
    let crash: Promise<void> | null = null;
    const webhooks = inParallel(sends, 32, async (change) => {
      const status = await cluster.deliver(
        `/webhooks/jira/${change.nexusId}`,
        jiraDelivery(change, secrets.get(change.nexusId)!),
      );
      expect([200, 202]).toContain(status);
      if (++answered === KILL_AFTER) {
        crash = (async () => {
          expect(await cluster.stop(0, 'SIGKILL')).toBe('SIGKILL');
          await new Promise((r) => setTimeout(r, 1_000));
          await cluster.start(0);
        })();
      }
    });
    const scripts = CHANNELS.flatMap((channel) =>
      Array.from({ length: COMMAND_PBIS }, (_, i) => ({ channel, key: `CMD-${i + 1}` })),
    );
    const commands = inParallel(scripts, 16, async ({ channel, key }) => {
      const added = await cluster.command(fake, {
        command: '/pbi',
        text: `add "Work ${key}" --key ${key}`,
        channel_id: channel,
      });
      expect(blocksToText(added.blocks ?? [])).toMatch(/added|already/i);
      for (const stage of MOVES) {
        const moved = await cluster.command(fake, {
          command: '/pbi',
          text: `move ${key} ${stage}`,
          channel_id: channel,
        });
        expect(blocksToText(moved.blocks ?? [])).toMatch(new RegExp(`→ ${stage}|already in`));
      }
    });
    const reads = inParallel(
      Array.from({ length: 20 }, (_, i) => READS[i % READS.length]),
      2,
      async (line) => {
        const [command, ...text] = line.split(' ');
        const reply = await cluster.command(fake, { command, text: text.join(' '), channel_id: 'C1' });
        expect(reply.response_type).toBe('ephemeral');
      },
    );
    await Promise.all([webhooks, commands, reads]);
    await crash;
    expect(cluster.alive(0) && cluster.alive(1)).toBe(true);
    await waitForEmptyInbox(store);
    expect(await cluster.stop(0, 'SIGTERM')).toBe(0);
    expect(await cluster.stop(1, 'SIGTERM')).toBe(0);

    for (const nexusId of nexusIds) {
      expect(await compareWithReplay(db, store, nexusId, plan, ITEMS)).toEqual([]);
      const keys = [
        ...Array.from({ length: ITEMS }, (_, i) => `ED-${i + 1}`),
        ...scripts.filter((s) => s.channel === CHANNELS[nexusIds.indexOf(nexusId)]).map((s) => s.key),
      ];
      expect(await projectionsMatchHistory(store, nexusId, keys)).toEqual([]);
      // every command PBI added once and moved once per command, whatever was typed again after the crash
      const byCommand = await db.prisma.event.groupBy({
        by: ['type'],
        where: { nexusId, source: 'slack' },
        _count: { _all: true },
      });
      const count = (type: string) => byCommand.find((e) => e.type === type)?._count._all ?? 0;
      expect([count('pbi.added'), count('pbi.moved')]).toEqual([COMMAND_PBIS, COMMAND_PBIS * MOVES.length]);
      expect((await store.pbis.get(nexusId, `CMD-${COMMAND_PBIS}`))!.stage).toBe('integrated');
    }
    // tracker moves were announced in every channel; a graceful stop posts every notice no one holds, so what is left
    // (if anything) is what the killed replica had claimed: another replica takes it over when that claim lapses
    for (const channel of CHANNELS)
      expect(
        fake
          .callsTo('chat.postMessage')
          .some((c) => c.body.channel === channel && String(c.body.text).includes('from the tracker')),
      ).toBe(true);
    expect((await db.prisma.trackerNotice.findMany()).filter((n) => n.claimedUntil === null)).toEqual([]);
    const digests = fake
      .callsTo('chat.postMessage')
      .filter((c) => JSON.stringify(c.body.blocks).includes(' · digest · '));
    expect(digests.map((c) => c.body.channel).sort()).toEqual(CHANNELS);
    // the day is each Nexus's Sprint's last: its Sprint Review and Retrospective were posted once each, too
    for (const report of ['Nexus Sprint Review', 'Nexus Sprint Retrospective']) {
      const posts = fake.callsTo('chat.postMessage').filter((c) => String(c.body.text).includes(` · ${report} · `));
      expect(posts.map((c) => c.body.channel).sort()).toEqual(CHANNELS);
    }
    const runs = await db.prisma.digestRun.findMany();
    expect(runs).toHaveLength(CHANNELS.length * 3);
    expect(runs.every((r) => r.postedAt !== null)).toBe(true);
    expect(cluster.stats.retries).toBeGreaterThan(0); // the crash was felt, and every request found its way anyway
  });
});

/**
 * Nexuses C1–C3 through the replicas, as their NIT would type it, with the digest due now on the last day of a Sprint
 * whose reports post by themselves; each Nexus's Jira secret.
 */
async function setUpNexuses(cluster: Cluster, fake: FakeSlack): Promise<Map<string, string>> {
  const now = DateTime.utc();
  // a minute ago (or midnight, in the day's first minute): due at once, within the 3-hour grace
  const time = now.hour === 0 && now.minute === 0 ? '00:00' : now.minus({ minutes: 1 }).toFormat('HH:mm');
  const secrets = new Map<string, string>();
  for (const channel of CHANNELS) {
    const say = (command: string, text: string) => cluster.command(fake, { command, text, channel_id: channel });
    await say('/nexus', `setup --name "Nexus ${channel}"`);
    await say('/nexus', `digest ${time} Etc/UTC --days mon-sun`);
    await say('/nexus', `sprint ${now.minus({ days: 13 }).toISODate()} --length 14 --review on --retro on`);
    const connected = await say('/nexus', 'tracker jira');
    const secret = /Secret: (\S+)/.exec(blocksToText(connected.blocks))?.[1];
    if (!secret) throw new Error(`no secret in ${blocksToText(connected.blocks)}`);
    secrets.set(channel, secret);
  }
  return secrets;
}

/** Runs `work` on every item, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

async function waitForEmptyInbox(store: Store): Promise<void> {
  for (let i = 0; i < 600 && (await store.inbox.backlog()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
  expect(await store.inbox.backlog()).toBe(0);
}
