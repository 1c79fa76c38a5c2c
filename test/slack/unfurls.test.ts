import { blocksToText } from '../../src/console/plain-text';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { linkShared } from '../support/slack-events';

const SETUP = '--name Shop --teams Alpha,Beta --stages "ready,doing:3,done" --start doing --finish done';
const ISSUE = 'https://shop.atlassian.net/browse/SHOP-12';
type Unfurl = { blocks: Parameters<typeof blocksToText>[0] };

describeEachDatabase('shared links to PBIs unfurl into their cards', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', `add "Checkout page" --teams Alpha,Beta --key SHOP-12 --url ${ISSUE}`);
    await s.command('/pbi', 'move SHOP-12 doing');
    await s.command('/pbi', 'block SHOP-12 waiting for the payment sandbox');
  });
  afterEach(async () => {
    await s.stop();
  });

  const unfurls = () => s.fake.callsTo('chat.unfurl');
  const cardOf = (call: { body: Record<string, any> }, url: string) =>
    blocksToText((call.body.unfurls as Record<string, Unfurl>)[url].blocks);
  const hasButtons = (call: { body: Record<string, any> }, url: string) =>
    (call.body.unfurls as Record<string, Unfurl>)[url].blocks.some((b) => b.type === 'actions');

  test('in the Nexus channel: the card with its stage, squares, age, blocked reason and buttons', async () => {
    const res = await s.slack.event(linkShared([ISSUE]));
    expect(res.status).toBe(200);
    expect(unfurls()).toHaveLength(1);
    const [call] = unfurls();
    expect(call.body.channel).toBe('C1');
    expect(call.body.ts).toBe('1700000000.000100');
    const card = cardOf(call, ISSUE);
    expect(card).toContain('SHOP-12');
    expect(card).toContain('Checkout page');
    expect(card).toContain('in doing');
    expect(card).toContain('☐ Alpha');
    expect(card).toContain('age 1d');
    expect(card).toContain('waiting for the payment sandbox');
    expect(card).toContain('Shop');
    expect(hasButtons(call, ISSUE)).toBe(true);
  });

  test('a link with a query, a fragment or a trailing slash finds the same PBI, under the link as shared', async () => {
    const shared = [`${ISSUE}?focusedCommentId=10001`, `${ISSUE}/`, `${ISSUE}#comment`];
    await s.slack.event(linkShared(shared));
    const [call] = unfurls();
    expect(Object.keys(call.body.unfurls).sort()).toEqual([...shared].sort());
    for (const url of shared) expect(cardOf(call, url)).toContain('SHOP-12');
  });

  test('in another channel of the workspace: the card, without buttons that belong to the Nexus channel', async () => {
    await s.slack.event(linkShared([ISSUE], { channel: 'C_GENERAL' }));
    const [call] = unfurls();
    expect(call.body.channel).toBe('C_GENERAL');
    expect(cardOf(call, ISSUE)).toContain('SHOP-12');
    expect(hasButtons(call, ISSUE)).toBe(false);
  });

  test('nothing unfurls for an unknown link, another workspace, another Nexus, the composer, or a channel without the bot', async () => {
    await s.command('/nexus', 'setup --name Other --teams Gamma', { channel_id: 'C2' });
    await s.slack.event(linkShared(['https://shop.atlassian.net/browse/SHOP-99', 'https://example.com/x']));
    await s.slack.event(linkShared([ISSUE], { team: 'T2' }));
    await s.slack.event(linkShared([ISSUE], { team: 'T2', channel: 'C1' }));
    await s.slack.event(linkShared([ISSUE], { channel: 'C2' })); // the other Nexus's channel: only its PBIs
    await s.slack.event(linkShared([ISSUE], { source: 'composer', channel: 'COMPOSER' }));
    await s.slack.event(linkShared([ISSUE], { channel: 'C_ELSEWHERE', member: false }));
    expect(unfurls()).toEqual([]);
  });

  test('Slack refusing the unfurl changes nothing and takes nothing down', async () => {
    s.fake.failNext('chat.unfurl', 'cannot_unfurl_url');
    expect((await s.slack.event(linkShared([ISSUE]))).status).toBe(200);
    s.fake.takeRejections();
    await s.slack.event(linkShared([ISSUE]));
    expect(unfurls()).toHaveLength(1);
    expect((await s.command('/pbi', 'show SHOP-12')).reply.text).toContain('SHOP-12');
  });
});
