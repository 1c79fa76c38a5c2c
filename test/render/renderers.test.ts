import { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import { blocksToText } from '../../src/console/plain-text';
import { loadDemo } from '../../src/demo/load-demo';
import type { Reply } from '../../src/render/reply';
import { renderTrackerMoves, renderUnmapped } from '../../src/render/tracker-news';
import { openStore } from '../../src/store';
import { freshDatabase } from '../support/databases';
import { commandHarness } from '../support/harness';

/**
 * Snapshots of what the main renderers send Slack: the notification `text` and the blocks (with the thread). A change
 * to what the bot says or how it lays it out shows in review as a change to test/render/__snapshots__; when it is
 * meant, `npx jest test/render -u` writes the new one. Inputs are fixed: the demo Nexus replayed up to one moment (the
 * same as the README's pictures), a small Nexus typed on a fixed clock, and tracker news given whole. Nothing reads
 * today's date, so the snapshots change only when the rendering does.
 */
const DEMO_DAY = DateTime.fromISO('2026-12-01T09:30:00', { zone: 'Europe/Berlin' });
const CHANNEL = 'demo';

/** What Slack receives, and its plain-text reading for a reviewer's eye. */
function expectRendered(reply: Reply): void {
  expect(reply.text).toMatchSnapshot('notification text');
  expect({ visibility: reply.visibility, blocks: reply.blocks, thread: reply.thread }).toMatchSnapshot('blocks');
  expect(blocksToText([...reply.blocks, ...(reply.thread ?? [])])).toMatchSnapshot('as the console prints it');
}

describe('the demo Nexus on Tue 1 Dec 2026, 09:30 Berlin', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ask: (line: string) => Promise<Reply>;
  beforeAll(async () => {
    db = await freshDatabase('embedded');
    await loadDemo(db, CHANNEL, DEMO_DAY);
    const ctx = {
      store: openStore(db, 'render-snapshots'),
      now: () => DEMO_DAY,
      workspaceId: 'local',
      channelId: CHANNEL,
      userId: 'you',
    };
    ask = (line) => runLine(line, ctx);
  }, 120_000);
  afterAll(() => db?.dispose());

  test('the board', async () => {
    expectRendered(await ask('/flow board'));
  });

  test('the digest, with its thread', async () => {
    const digest = await ask('/flow digest');
    expect(digest.chart?.title).toBe('Checkout Nexus · aging WIP (11 in progress)');
    expectRendered(digest);
  });

  test('a PBI card: in progress, past the SLE, blocked, with its history', async () => {
    expectRendered(await ask('/pbi show PBI-41'));
  });
});

describe('a small Nexus typed on a fixed clock', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase('embedded');
  }, 120_000);
  afterAll(() => db?.dispose());

  test('a PBI card with a tracker link, marks in its title, a snooze and a block', async () => {
    const h = commandHarness(db, { start: '2026-03-02T09:00:00' }); // Mon 2 Mar 2026, Berlin
    await h.run(
      '/nexus setup --name "Shop & Co" --teams Alpha,team_b --stages "ready,doing,done" --start doing --finish done --zone Europe/Berlin',
    );
    await h.run('/nexus sle 85 2');
    await h.run(
      '/pbi add "*Urgent*: pay <later> with _cards_" --teams Alpha,team_b --url "https://jira.example/browse/SHOP-7?a=1&b=2"',
    );
    await h.run('/pbi move PBI-1 doing');
    await h.run('/pbi team PBI-1 Alpha start');
    h.advance({ days: 1, hours: 2 });
    await h.run('/pbi team PBI-1 Alpha done');
    await h.run('/pbi block PBI-1 waits for <!channel> ~legal~');
    h.advance({ days: 2 });
    await h.run('/pbi snooze PBI-1 3');
    expectRendered(await h.run('/pbi show PBI-1'));
  });
});

describe('tracker news', () => {
  test('moves from the trackers, in the channel', () => {
    const at = { url: null, kind: 'jira' as const };
    expectRendered(
      renderTrackerMoves([
        { ...at, key: 'SHOP-7', title: 'Pay <later>', from: null, to: 'ready' },
        { ...at, key: 'SHOP-7', title: 'Pay <later>', from: 'ready', to: 'doing' },
        {
          key: 'acme/shop#45',
          title: '*Fix* the _cart_',
          url: 'https://github.example/acme/shop/issues/45',
          kind: 'github',
          from: 'doing',
          to: 'done',
        },
      ]),
    );
  });

  test('statuses without a stage, to the NIT', () => {
    expectRendered(
      renderUnmapped([
        { kind: 'jira', status: 'In Review', waiting: 1 },
        { kind: 'linear', status: 'Triage & <later>', waiting: 3 },
      ]),
    );
  });
});
