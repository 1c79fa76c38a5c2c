import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { eventCallback } from '../support/slack-events';
import { post, signed, statusChange } from '../support/tracker-payloads';

type Button = { action_id: string; value: string; text: { text: string } };

/** `reaction_added` as Slack sends it (Events API): `user` reacted with `reaction` to the message `ts` in `channel`. */
function reaction(ts: string, where: { user?: string; reaction?: string; itemUser?: string; channel?: string } = {}) {
  return eventCallback({
    type: 'reaction_added',
    user: where.user ?? 'U_DEV',
    reaction: where.reaction ?? 'no_entry',
    item_user: where.itemUser ?? 'UBOT',
    item: { type: 'message', channel: where.channel ?? 'C1', ts },
    event_ts: '1700000100.000100',
  });
}

describeEachDatabase('a ⛔ reaction on a tracker move offers to block its PBI', (db) => {
  let s: SlackApp;
  let announced: string;
  beforeEach(async () => {
    s = await startSlackApp(db());
    await s.command('/nexus', 'setup --teams Alpha,Beta');
    const connected = await s.command('/nexus', 'tracker jira');
    const secret = /Secret: (\S+)/.exec(blocksToText(connected.reply!.blocks))![1];
    const nexusId = (await s.store.nexuses.findByChannel('T1', 'C1'))!.id;
    const { json, deliveryId } = statusChange('jira', 2, 'In Progress', DateTime.fromISO('2026-03-01T10:00:00Z'));
    expect(
      (await post(s.baseUrl, 'jira', nexusId, signed('jira', json, deliveryId, secret, DateTime.utc()))).status,
    ).toBe(202);
    await s.trackers.worker.idle();
    await s.trackers.stop();
    const [move] = s.fake.callsTo('chat.postMessage');
    expect(blocksToText(move.body.blocks)).toContain('ED-2');
    announced = s.fake.messagesIn('C1').at(-1)!.ts;
    s.fake.memberOf('U_DEV', ['C1']);
  });
  afterEach(async () => {
    await s.stop();
  });

  const react = async (ts: string, where: Parameters<typeof reaction>[1] = {}) => {
    expect((await s.slack.event(reaction(ts, where))).status).toBe(200);
    return s.fake.callsTo('chat.postEphemeral');
  };

  test('the person alone gets a "Block ED-2…" button, which opens the Block form for ED-2', async () => {
    const [offer] = await react(announced);
    expect(offer.body).toMatchObject({ channel: 'C1', user: 'U_DEV' });
    expect(offer.body.text).toBe('⛔ Block ED-2? The form asks what it waits for.');
    const blocks = offer.body.blocks as { type: string; elements?: Button[] }[];
    const button = blocks.find((b) => b.type === 'actions')!.elements![0];
    expect(button.text.text).toBe('⛔ Block ED-2…');
    expect(JSON.parse(button.value)).toEqual({ do: 'block', key: 'ED-2' });
    const res = await s.slack.interaction({
      type: 'block_actions',
      token: 'x',
      api_app_id: 'A1',
      trigger_id: 'trig-offer',
      team: { id: 'T1', domain: 'shop' },
      user: { id: 'U_DEV', team_id: 'T1' },
      channel: { id: 'C1', name: 'nexus' },
      container: { type: 'message', message_ts: announced, channel_id: 'C1', is_ephemeral: true },
      response_url: s.fake.responseUrl(),
      actions: [{ type: 'button', action_id: button.action_id, block_id: 'b1', value: button.value, action_ts: '1.1' }],
    });
    expect(res.status).toBe(200);
    const opened = s.fake.lastCall('views.open')!.body;
    expect(opened.trigger_id).toBe('trig-offer');
    const view = opened.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('pbi.block-reason');
    expect(JSON.parse(view.private_metadata)).toEqual({ channelId: 'C1', key: 'ED-2' });
  });

  test('🚫 does the same; a PBI blocked already is said to be, with no button', async () => {
    expect(await react(announced, { reaction: 'no_entry_sign' })).toHaveLength(1);
    await s.command('/pbi', 'block ED-2 waiting for the sandbox');
    const [, second] = await react(announced);
    expect(second.body.text).toBe('⛔ Nothing to block here: ED-2 is blocked already.');
    expect(JSON.stringify(second.body.blocks)).not.toContain('"actions"');
  });

  test('nothing for a non-member, another emoji, a message not the bot’s, a gone message or another channel', async () => {
    s.fake.memberOf('U_OUT', []);
    await react(announced, { user: 'U_OUT' });
    await react(announced, { reaction: 'thumbsup' });
    const human = s.fake.say('C1', 'U_PO', 'ED-2 is stuck');
    await react(human, { itemUser: 'U_PO' });
    await react('1600000000.000001');
    await react(announced, { channel: 'C_ELSEWHERE' });
    expect(s.fake.callsTo('chat.postEphemeral')).toEqual([]);
    expect(s.fake.callsTo('views.open')).toEqual([]);
  });
});
