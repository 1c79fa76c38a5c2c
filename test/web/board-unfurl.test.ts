import { blocksToText } from '../../src/console/plain-text';
import { boardPbiLink } from '../../src/domain/item-url';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { linkShared } from '../support/slack-events';

const PUBLIC_URL = 'https://board.example.com/nexus';
const SETUP = '--name Shop --teams Alpha,Beta --stages "ready,doing,done" --start doing --finish done';
type Unfurl = { blocks: Parameters<typeof blocksToText>[0] };

test.each([
  [`${PUBLIC_URL}/n/abc/pbi/SHOP-12`, { token: 'abc', key: 'SHOP-12' }],
  [`${PUBLIC_URL}/n/abc/pbi/owner%2Frepo%2345/`, { token: 'abc', key: 'owner/repo#45' }],
  [`${PUBLIC_URL}/n/abc`, null], // the board, not a PBI
  [`${PUBLIC_URL}/n/abc/pbi/SHOP-12/more`, null],
  ['https://other.example.com/nexus/n/abc/pbi/SHOP-12', null],
  ['https://board.example.com/n/abc/pbi/SHOP-12', null], // not under PUBLIC_URL's path
])('boardPbiLink(%s)', (url, expected) => {
  expect(boardPbiLink(url, PUBLIC_URL)).toEqual(expected);
});

describeEachDatabase("a link to the web board's PBI page unfurls like a tracker link", (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db(), { PUBLIC_URL });
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "Checkout page" --teams Alpha,Beta --stage doing');
  });
  afterEach(async () => {
    await s.stop();
  });
  const shareLink = async () =>
    /(https:\/\/board\.example\.com\/nexus\/n\/[A-Za-z0-9_-]{43})/.exec(
      blocksToText((await s.command('/nexus', 'share')).reply?.blocks ?? []),
    )![1];
  const unfurled = () =>
    s.fake
      .callsTo('chat.unfurl')
      .map((c) => blocksToText(Object.values(c.body.unfurls as Record<string, Unfurl>)[0].blocks));

  test('unfurls into the card while shared, and not once the link is revoked or names another PBI', async () => {
    const link = await shareLink();
    expect((await s.slack.event(linkShared([`${link}/pbi/PBI-1`]))).status).toBe(200);
    expect(unfurled()).toHaveLength(1);
    expect(unfurled()[0]).toContain('Checkout page');
    expect(unfurled()[0]).toContain('☐ Alpha');
    await s.slack.event(linkShared([`${link}/pbi/PBI-9`]));
    await s.slack.event(linkShared([`${PUBLIC_URL}/n/${'A'.repeat(43)}/pbi/PBI-1`]));
    await s.command('/nexus', 'share off');
    await s.slack.event(linkShared([`${link}/pbi/PBI-1`]));
    expect(unfurled()).toHaveLength(1);
  });

  test("in another Nexus's channel it stays a link: one Nexus's card is not shown in another's", async () => {
    await s.command('/nexus', `setup ${SETUP.replace('Shop', 'Other')}`, { channel_id: 'C2' });
    const link = await shareLink();
    await s.slack.event(linkShared([`${link}/pbi/PBI-1`], { channel: 'C2' }));
    expect(unfurled()).toHaveLength(0);
    await s.slack.event(linkShared([`${link}/pbi/PBI-1`], { channel: 'C-elsewhere' })); // a channel of no Nexus: the workspace's
    expect(unfurled()).toHaveLength(1);
  });
});
