import { blocksToText } from '../../src/console/plain-text';
import { decodePng } from '../support/png';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { sign } from '../support/slack-requests';

const SETUP = '--name Shop --teams Alpha,Beta --stages "ready,doing:1,done" --start doing --finish done';
const textOf = (reply: { blocks?: Parameters<typeof blocksToText>[0] } | undefined) =>
  blocksToText(reply?.blocks ?? []);

describeEachDatabase('Slack app over HTTP', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
  });
  afterEach(async () => {
    await s.stop();
  });

  test('answers url_verification with the challenge', async () => {
    const res = await s.slack.event({ type: 'url_verification', challenge: 'c-123', token: 'x' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('c-123');
  });

  test('a bad signature gets 401 and changes nothing', async () => {
    const body = new URLSearchParams({
      command: '/nexus',
      text: `setup ${SETUP}`,
      team_id: 'T1',
      channel_id: 'C1',
      user_id: 'U_NIT',
      response_url: s.fake.responseUrl(),
    }).toString();
    const res = await s.slack.post(body, 'application/x-www-form-urlencoded', sign(body, undefined, 'not-the-secret'));
    expect(res.status).toBe(401);
    expect(await s.store.nexuses.findByChannel('T1', 'C1')).toBeNull();
  });

  test('a timestamp older than 5 minutes gets 401 and changes nothing', async () => {
    const body = new URLSearchParams({
      command: '/nexus',
      text: `setup ${SETUP}`,
      team_id: 'T1',
      channel_id: 'C1',
      user_id: 'U_NIT',
      response_url: s.fake.responseUrl(),
    }).toString();
    const res = await s.slack.post(
      body,
      'application/x-www-form-urlencoded',
      sign(body, Math.floor(Date.now() / 1000) - 6 * 60),
    );
    expect(res.status).toBe(401);
    expect(await s.store.nexuses.findByChannel('T1', 'C1')).toBeNull();
  });

  test('every slash command answers through the same command layer: changes in the channel, queries and errors to you', async () => {
    const setup = await s.command('/nexus', `setup ${SETUP}`);
    expect(setup.status).toBe(200);
    expect(setup.reply).toMatchObject({ response_type: 'in_channel' });
    const add = await s.command('/pbi', 'add “Pay with Apple Pay” --teams Alpha');
    expect(add.reply?.response_type).toBe('in_channel');
    expect(textOf(add.reply)).toContain('added PBI-1 in ready');
    for (const [command, text, expected] of [
      ['/flow', 'board', 'Shop · board'],
      ['/flow', 'wip', 'Shop · WIP 0'],
      ['/flow', 'aging', '0 in progress'],
      ['/flow', 'sle', 'not enough history'],
      ['/flow', 'sle --team alpha', 'SLE of Alpha: not enough history (0 squares done in the window'],
      ['/flow', 'aging --team Beta', '0 squares of Beta in progress'],
      ['/flow', 'aging --team Gamma', 'There is no team Gamma'],
      ['/flow', 'efficiency', 'No PBI finished since'],
      ['/flow', 'blocked', '0 blocked now; 0 PBIs blocked since'],
      ['/flow', 'throughput', 'PBIs finished in the last 30 days'],
      ['/pbi', 'show PBI-1', 'PBI-1 · Pay with Apple Pay'],
      ['/forecast', '30', 'Not enough history'],
      ['/nexus', 'help', '/pbi move'],
      ['/pbi', 'move PBI-9 doing', 'There is no PBI PBI-9'],
    ]) {
      const { reply } = await s.command(command, text);
      expect(reply?.response_type).toBe('ephemeral');
      expect(textOf(reply)).toContain(expected);
    }
  });

  test('text Slack sends escaped is read as typed, and shown escaped again so it pings no one', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    const { reply } = await s.command('/pbi', 'add "Fix &lt;!channel&gt; &amp; more"');
    expect(JSON.stringify(reply?.blocks)).toContain('Fix &lt;!channel&gt; &amp; more');
    const pbi = await s.store.pbis.get((await s.store.nexuses.findByChannel('T1', 'C1'))!.id, 'PBI-1');
    expect(pbi?.title).toBe('Fix <!channel> & more');
  });

  test('a forecast answers to you and uploads its histogram to the channel, saying who asked', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    for (let n = 1; n <= 10; n++) {
      await s.command('/pbi', 'add "Daily" --stage doing');
      await s.command('/pbi', `move PBI-${n} done`);
      s.advance(1);
    }
    const { reply } = await s.command('/forecast', '2');
    expect(reply?.response_type).toBe('ephemeral');
    expect(textOf(reply)).toContain('When will 2 more PBIs be done?');
    const [upload] = s.fake.uploads();
    expect(upload.shared).toMatchObject({
      channel_id: 'C1',
      initial_comment: '<@U_NIT> asked: When will 2 more PBIs be done?',
      title: 'When will 2 more PBIs be done?',
    });
    expect(decodePng(upload.bytes).width).toBeGreaterThanOrEqual(1280);
    await s.command('/flow', 'board');
    expect(s.fake.uploads()).toHaveLength(1); // reports without a chart upload nothing
  });

  test("a team's chart is uploaded as any chart; a wait stage is marked in the channel", async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "A" --stage doing --teams Alpha');
    await s.command('/pbi', 'team PBI-1 Alpha start');
    const { reply } = await s.command('/flow', 'chart aging --team alpha');
    expect(textOf(reply)).toContain('Shop · Alpha · aging squares (1 in progress)');
    const [upload] = s.fake.uploads();
    expect(upload.shared).toMatchObject({ channel_id: 'C1', title: 'Shop · Alpha · aging squares (1 in progress)' });
    expect(decodePng(upload.bytes).width).toBeGreaterThanOrEqual(1280);
    const marked = await s.command('/nexus', 'stage wait ready on');
    expect(marked.reply?.response_type).toBe('in_channel');
    expect(textOf(marked.reply)).toContain('marked ready as a wait stage');
  });

  test('starting past a WIP limit: the move in the channel, then a nudge to the person alone', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "A" --stage doing');
    await s.command('/pbi', 'add "B"');
    const { replies } = await s.command('/pbi', 'move PBI-2 doing');
    expect(replies.map((r) => r.response_type)).toEqual(['in_channel', 'ephemeral']);
    expect(textOf(replies[1])).toContain('You just started PBI-2 while doing is over its WIP limit (2/1)');
  });

  test('the digest is one channel message with its details in the thread', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "A" --stage doing');
    await s.command('/pbi', 'add "B" --stage doing');
    const { status } = await s.command('/flow', 'digest');
    expect(status).toBe(200);
    const [main, thread] = s.fake.callsTo('chat.postMessage');
    expect(main.body).toMatchObject({ channel: 'C1' });
    expect(textOf(main.body)).toContain('over its WIP limit');
    expect(thread.body.thread_ts).toBeTruthy();
    expect(thread.body.channel).toBe('C1');
    expect(textOf(thread.body)).toContain('Yesterday');
    const [chart] = s.fake.uploads();
    expect(chart.shared).toMatchObject({ channel_id: 'C1', thread_ts: thread.body.thread_ts });
    expect(decodePng(chart.bytes).width).toBeGreaterThanOrEqual(1280);
  });

  test("a team's channel: picked from the list and posted in, or refused with what to do and nothing saved", async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    const teamChannels = async () => (await s.store.nexuses.findByChannel('T1', 'C1'))!.teamChannels;
    const typed = await s.command('/nexus', 'team Alpha channel #alpha');
    expect(textOf(typed.reply)).toContain('Slack gave only the name #alpha: type #, pick the channel from the list');
    s.fake.failNext('chat.postMessage', 'not_in_channel');
    const outside = await s.command('/nexus', 'team Alpha channel &lt;#C0ALPHA|alpha&gt;');
    expect(outside.reply?.response_type).toBe('ephemeral');
    expect(textOf(outside.reply)).toContain(
      "Nexus Flow is not in #C0ALPHA, so it can't post there: type /invite @Nexus Flow in that channel",
    );
    expect(s.fake.takeRejections().map((r) => r.error)).toEqual(['not_in_channel']);
    expect(await teamChannels()).toEqual([]);
    const set = await s.command('/nexus', 'team Alpha channel &lt;#C0ALPHA|alpha&gt;');
    expect(set.reply?.response_type).toBe('in_channel');
    expect(textOf(set.reply)).toContain("sent Alpha's flow to #C0ALPHA");
    const [welcome] = s.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0ALPHA');
    expect(textOf(welcome.body)).toContain("@U_NIT sent Alpha's flow in the Nexus Shop here");
    expect(await teamChannels()).toEqual([{ team: 'Alpha', channelId: 'C0ALPHA' }]);
  });

  test('a Nexus is reached only from its own channel and workspace', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    expect(textOf((await s.command('/flow', 'board', { channel_id: 'C2' })).reply)).toContain(
      'This channel has no Nexus yet',
    );
    expect(textOf((await s.command('/flow', 'board', { team_id: 'T2' })).reply)).toContain(
      'This channel has no Nexus yet',
    );
  });

  test('someone outside the Nexus Integration Team is refused settings changes, and may move PBIs', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    const refused = await s.command('/nexus', 'teams add Gamma', { user_id: 'U_DEV' });
    expect(refused.reply?.response_type).toBe('ephemeral');
    expect(textOf(refused.reply)).toContain('Only the Nexus Integration Team');
    expect((await s.store.nexuses.findByChannel('T1', 'C1'))?.teams).toEqual(['Alpha', 'Beta']);
    expect((await s.command('/pbi', 'add "dev work"', { user_id: 'U_DEV' })).reply?.response_type).toBe('in_channel');
  });

  test('a move that reached the bot before the same person moved the PBI, coming in after, changes nothing', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "A"');
    const stage = async () =>
      (await s.store.pbis.get((await s.store.nexuses.findByChannel('T1', 'C1'))!.id, 'PBI-1'))!.stage;
    s.advance(1);
    await s.command('/pbi', 'move PBI-1 doing');
    // the late first attempt of a move typed again: it reached the bot before the move just made
    s.advance(-1);
    const late = await s.command('/pbi', 'move PBI-1 ready');
    expect(late.reply?.response_type).toBe('ephemeral');
    expect(textOf(late.reply)).toContain(
      'You moved PBI-1 since, with a command sent after this one: it is in doing, and this move to ready changed nothing.',
    );
    expect(await stage()).toBe('doing');
    // someone else's move that reached the bot as early is theirs to make: applied
    expect(textOf((await s.command('/pbi', 'move PBI-1 ready', { user_id: 'U_DEV' })).reply)).toContain('→ ready');
    // and the person's own again, once the last move is not theirs
    expect(textOf((await s.command('/pbi', 'move PBI-1 done')).reply)).toContain('→ done');
    s.advance(2); // after every move: applied
    expect(textOf((await s.command('/pbi', 'move PBI-1 doing', { user_id: 'U_DEV' })).reply)).toContain('→ doing');
    expect(await stage()).toBe('doing');
  });
});
