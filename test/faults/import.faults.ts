import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { openStore, type Store } from '../../src/store';
import { type Database, openDatabase } from '../../src/store/database';
import { type FakeJira, jiraIssues, startFakeJira } from '../support/fake-jira';
import { type Rig, startRig } from './cluster';

/** 12 pages of 100 issues, each created, started and finished: 3,600 status changes. */
const ISSUES = 1_200;
/** Jira answering slowly enough that the kill comes with pages still to read. */
const JIRA_DELAY_MS = 250;

jest.setTimeout(600_000);

describe('an import whose process is killed mid-way', () => {
  let rig: Rig;
  let db: Database;
  let store: Store;
  let jira: FakeJira;

  beforeAll(async () => {
    rig = await startRig('imports', 2, 'error');
    await rig.cluster.start(0);
    db = await openDatabase({ url: rig.url, dataDir: '' });
    store = openStore(db, 'faults');
    jira = await startFakeJira({
      issues: jiraIssues(DateTime.fromISO('2026-09-01T08:00:00Z'), ISSUES),
      delayMs: JIRA_DELAY_MS,
    });
  });

  afterAll(async () => {
    await jira?.close();
    await db?.close();
    await rig?.dispose();
  });

  test('SIGKILL after a few pages: the other replica resumes after the last page stored; every change applied once', async () => {
    const { cluster, fake } = rig;
    const say = (text: string) => cluster.command(fake, { command: '/nexus', text, channel_id: 'C1' });
    await say('setup --teams Alpha,Beta');
    await say('tracker jira');
    const started = await say(`import jira --url ${jira.url} --token ${jira.token}`);
    expect(blocksToText(started.blocks)).toContain('about 1200 items');

    const job = () => db.prisma.importJob.findFirstOrThrow();
    for (let i = 0; (await job()).pagesRead < 3; i++) {
      if (i > 1_200) throw new Error('the import never stored 3 pages');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await cluster.stop(0, 'SIGKILL')).toBe('SIGKILL');
    const killed = await job();
    expect(killed.state).toBe('reading');
    expect(killed.pagesRead).toBeLessThan(12);

    await cluster.start(1);
    for (let i = 0; (await job()).state !== 'done'; i++) {
      if (i > 3_000)
        throw new Error(
          `the import never finished: ${JSON.stringify(await job(), (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await cluster.stop(1, 'SIGTERM')).toBe(0);

    expect(await job()).toMatchObject({ pagesRead: 12, itemsRead: ISSUES, changesRead: 3 * ISSUES, changesKnown: 0 });
    const nexusId = (await store.nexuses.findByChannel('T1', 'C1'))!.id;
    expect(await db.prisma.pbi.count({ where: { nexusId, stage: 'integrated' } })).toBe(ISSUES);
    expect(await db.prisma.event.count({ where: { nexusId, type: 'pbi.moved' } })).toBe(3 * ISSUES);
    expect(await db.prisma.delivery.count({ where: { nexusId, state: 'applied' } })).toBe(3 * ISSUES);
    // at most the page being read when the process died is read twice
    const firstPages = jira.requests.filter((r) => r.path === '/rest/api/3/search/jql' && r.status === 200);
    expect(firstPages.length).toBeGreaterThanOrEqual(12);
    expect(firstPages.length).toBeLessThanOrEqual(13);
    const summaries = fake
      .callsTo('chat.postMessage')
      .filter((c) => blocksToText(c.body.blocks ?? []).includes('The Jira import is done.'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0].body.thread_ts).toEqual(expect.any(String));
  });
});
