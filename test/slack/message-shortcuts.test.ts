import { blocksToText } from '../../src/console/plain-text';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';

const SETUP = '--name Shop --teams Alpha,Beta,"Team Phoenix" --stages "ready,doing:3,done" --start doing --finish done';
const TS = '1700000000.000100';
const PERMALINK = (channel: string) => `https://shop.slack.com/archives/${channel}/p1700000000000100`;
type View = { callback_id: string; private_metadata: string; blocks: { block_id?: string; element?: any }[] };

/** A message shortcut as Slack sends it (message_action) on a message in `channel`; what the bot said back. */
async function messageAction(
  s: SlackApp,
  callback_id: string,
  text: string,
  channel = 'C1',
  user = 'U_DEV',
  message: { ts?: string; thread_ts?: string } = {},
) {
  const response_url = s.fake.responseUrl();
  const res = await s.slack.interaction({
    type: 'message_action',
    token: 'x',
    action_ts: '1700000001.000001',
    team: { id: 'T1', domain: 'shop' },
    user: { id: user, name: 'dev', team_id: 'T1' },
    channel: { id: channel, name: 'somewhere' },
    callback_id,
    trigger_id: 'trig-shortcut',
    message_ts: message.ts ?? TS,
    message: { type: 'message', user: 'U_PO', ts: TS, text, ...message },
    response_url,
  });
  expect(res.status).toBe(200);
  return s.fake.respondedTo(response_url);
}

describeEachDatabase('"Add as PBI" on a message', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
    await s.command('/nexus', `setup ${SETUP}`);
  });
  afterEach(async () => {
    await s.stop();
  });

  const shortcut = (text: string, channel = 'C1') => messageAction(s, 'add_as_pbi', text, channel);
  const opened = () => s.fake.lastCall('views.open')?.body.view as View | undefined;
  const field = (view: View, id: string) => view.blocks.find((b) => b.block_id === id)?.element;
  const submit = (view: View, values: Record<string, object>, user = 'U_DEV') =>
    s.slack.submitView(view, values, 'V1', user);
  const filled = (title: string, teams: string[], stage = 'ready', key = '') => ({
    title: { value: { type: 'plain_text_input', value: title } },
    teams: { value: { type: 'multi_static_select', selected_options: teams.map((t) => ({ value: t })) } },
    stage: { value: { type: 'static_select', selected_option: { value: stage } } },
    key: { value: { type: 'plain_text_input', value: key || null } },
  });

  test('in the Nexus channel: a form filled from the message; the PBI keeps its link, the thread gets its card', async () => {
    await shortcut('Guests cannot pay with PayPal\nAlpha saw it, team phoenix owns payments');
    const form = opened()!;
    expect(form.callback_id).toBe('pbi.add-from-message');
    expect(field(form, 'title').initial_value).toBe('Guests cannot pay with PayPal');
    expect(field(form, 'teams').initial_options.map((o: { value: string }) => o.value)).toEqual([
      'Alpha',
      'Team Phoenix',
    ]);
    const res = await submit(form, filled('Guests cannot pay with PayPal', ['Alpha', 'Team Phoenix']));
    expect(res.status).toBe(200);
    const added = (await s.command('/pbi', 'show PBI-1')).reply;
    expect(blocksToText(added.blocks)).toContain('Guests cannot pay with PayPal');
    expect(JSON.stringify(added.blocks)).toContain(PERMALINK('C1'));
    const posts = s.fake.callsTo('chat.postMessage');
    expect(posts.some((p) => p.body.channel === 'C1' && !p.body.thread_ts && /added \*PBI-1\*/.test(p.body.text))).toBe(
      true,
    );
    const thread = posts.filter((p) => p.body.thread_ts === TS);
    expect(thread).toHaveLength(1);
    expect(thread[0].body.channel).toBe('C1');
    expect(blocksToText(thread[0].body.blocks)).toContain('☐ Alpha');
  });

  test('a refused field is shown beside it and nothing is added', async () => {
    await s.command('/pbi', 'add "Existing" --key SHOP-1');
    await shortcut('Another one');
    const res = await submit(opened()!, filled('Another one', [], 'ready', 'SHOP-1'));
    const answer = JSON.parse(res.text) as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(Object.keys(answer.errors)).toEqual(['key']);
    expect(answer.errors.key).toContain('SHOP-1');
    expect((await s.command('/pbi', 'show PBI-1')).reply.text).toContain('no PBI');
  });

  test('elsewhere: first which of the Nexuses the person is in, then the form; the card answers without buttons', async () => {
    await s.command('/nexus', 'setup --name Mobile --teams Gamma', { channel_id: 'C2' });
    s.fake.memberOf('U_DEV', ['C1', 'C2', 'C_GENERAL']);
    await shortcut('Gamma: the app crashes on start', 'C_GENERAL');
    const picker = opened()!;
    expect(picker.callback_id).toBe('pbi.add-from-message.nexus');
    const next = await submit(picker, {
      nexus: { value: { type: 'static_select', selected_option: { value: 'C2' } } },
    });
    const updated = JSON.parse(next.text) as { response_action: string; view: View };
    expect(updated.response_action).toBe('update');
    expect(field(updated.view, 'teams').initial_options.map((o: { value: string }) => o.value)).toEqual(['Gamma']);
    await submit(updated.view, filled('Gamma: the app crashes on start', ['Gamma']));
    const shown = (await s.command('/pbi', 'show PBI-1', { channel_id: 'C2' })).reply;
    expect(JSON.stringify(shown.blocks)).toContain(PERMALINK('C_GENERAL'));
    const thread = s.fake.callsTo('chat.postMessage').filter((p) => p.body.thread_ts === TS);
    expect(thread.map((p) => p.body.channel)).toEqual(['C_GENERAL']);
    expect(thread[0].body.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
  });

  test('in no Nexus, or on a message the bot cannot see: one clear line, no form, nothing added', async () => {
    s.fake.memberOf('U_DEV', ['C_GENERAL']);
    const none = await shortcut('Something', 'C_GENERAL');
    expect(none[0].text).toContain('Add as PBI adds to a Nexus whose channel you are in');
    s.fake.failNext('chat.getPermalink', 'message_not_found');
    s.fake.takeRejections();
    const gone = await shortcut('Deleted meanwhile');
    s.fake.takeRejections();
    expect(gone[0].text).toContain('cannot see that message');
    expect(s.fake.callsTo('views.open')).toEqual([]);
  });
});

describeEachDatabase('"Block a PBI with this" on a message', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "Checkout page" --teams Alpha --key SHOP-12 --stage doing');
  });
  afterEach(async () => {
    await s.stop();
  });

  async function blockWith(text: string) {
    await messageAction(s, 'block_with_message', text);
    return s.fake.lastCall('views.open')!.body.view as View;
  }
  const values = (key: string, reason: string) => ({
    key: { value: { type: 'plain_text_input', value: key } },
    reason: { value: { type: 'plain_text_input', value: reason } },
  });

  test("the PBI the message names is blocked, the message's first line and link its reason", async () => {
    const form = await blockWith('The payment sandbox is down\nso SHOP-12 cannot be tested');
    const fields = Object.fromEntries(form.blocks.filter((b) => b.block_id).map((b) => [b.block_id, b.element]));
    expect(fields.key.initial_value).toBe('SHOP-12');
    expect(fields.reason.initial_value).toBe('The payment sandbox is down');
    expect(fields.reason.max_length).toBe(300 - PERMALINK('C1').length - 3);
    const res = await s.slack.submitView(form, values('SHOP-12', 'The payment sandbox is down'), 'V1', 'U_DEV');
    expect(res.status).toBe(200);
    const card = JSON.stringify((await s.command('/pbi', 'show SHOP-12')).reply.blocks);
    expect(card).toContain(`The payment sandbox is down — ${PERMALINK('C1')}`);
    const post = s.fake.callsTo('chat.postMessage').find((p) => /blocked/.test(p.body.text));
    expect(post?.body.channel).toBe('C1');
  });

  test('an unknown PBI is refused beside its field and nothing is blocked', async () => {
    const form = await blockWith('no key here');
    expect(form.blocks.find((b) => b.block_id === 'key')!.element.initial_value).toBeUndefined();
    const res = await s.slack.submitView(form, values('SHOP-99', 'waiting'), 'V1', 'U_DEV');
    const answer = JSON.parse(res.text) as { response_action: string; errors: Record<string, string> };
    expect(answer.errors.key).toContain('SHOP-99');
    expect(JSON.stringify((await s.command('/pbi', 'show SHOP-12')).reply.blocks)).not.toContain('Blocked');
  });
});

describeEachDatabase('"Link to a PBI" on a message', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "Checkout page" --teams Alpha --key SHOP-12 --stage doing');
  });
  afterEach(async () => {
    await s.stop();
  });

  const REPLY_TS = '1700000050.000200';
  async function linkWith(text: string, message: { ts?: string; thread_ts?: string } = {}) {
    const answered = await messageAction(s, 'link_to_pbi', text, 'C1', 'U_DEV', message);
    return { answered, form: s.fake.lastCall('views.open')?.body.view as View | undefined };
  }
  const values = (key: string, note: string) => ({
    key: { value: { type: 'plain_text_input', value: key } },
    note: { value: { type: 'plain_text_input', value: note || null } },
  });

  test("a reply in a thread links the thread's first message: history, /pbi show, the channel and the thread", async () => {
    const { form } = await linkWith('We agreed: SHOP-12 ships without PayPal\nlegal is fine with it', {
      ts: REPLY_TS,
      thread_ts: TS,
    });
    expect(s.fake.lastCall('chat.getPermalink')?.body.message_ts).toBe(TS);
    const fields = Object.fromEntries(form!.blocks.filter((b) => b.block_id).map((b) => [b.block_id, b.element]));
    expect(form!.callback_id).toBe('pbi.link-from-message');
    expect(fields.key.initial_value).toBe('SHOP-12');
    expect(fields.note.initial_value).toBe('We agreed: SHOP-12 ships without PayPal');
    expect(fields.note.max_length).toBe(150);
    const res = await s.slack.submitView(form!, values('SHOP-12', 'Ships without PayPal'), 'V1', 'U_DEV');
    expect(res.status).toBe(200);
    const show = (await s.command('/pbi', 'show SHOP-12')).reply;
    expect(JSON.stringify(show.blocks)).toContain(`<${PERMALINK('C1')}|Ships without PayPal>`);
    expect(blocksToText(show.blocks)).toContain('linked it to Ships without PayPal');
    const posts = s.fake.callsTo('chat.postMessage');
    const told = posts.find((p) => !p.body.thread_ts && /linked \*SHOP-12\*/.test(p.body.text));
    expect(told?.body.channel).toBe('C1');
    expect(blocksToText(told!.body.blocks)).toContain('🔗 1 link · newest: Ships without PayPal');
    const thread = posts.filter((p) => p.body.thread_ts === TS);
    expect(thread.map((p) => p.body.text)).toEqual([
      '🔗 This conversation is linked to *SHOP-12* in Shop: `/pbi show SHOP-12` lists it.',
    ]);
  });

  test('an unknown PBI or a conversation linked already is refused beside the key; nothing is written', async () => {
    const { form } = await linkWith('no key here');
    expect(form!.blocks.find((b) => b.block_id === 'key')!.element.initial_value).toBeUndefined();
    const unknown = await s.slack.submitView(form!, values('SHOP-99', ''), 'V1', 'U_DEV');
    expect(JSON.parse(unknown.text).errors.key).toContain('There is no PBI `SHOP-99`');
    await s.slack.submitView(form!, values('SHOP-12', ''), 'V1', 'U_DEV');
    const twice = await s.slack.submitView(form!, values('SHOP-12', 'again'), 'V1', 'U_DEV');
    expect(JSON.parse(twice.text).errors.key).toContain(`SHOP-12 is already linked to ${PERMALINK('C1')}`);
    const show = (await s.command('/pbi', 'show SHOP-12')).reply;
    expect(blocksToText(show.blocks).match(/linked it to/g)).toHaveLength(1);
  });

  test('a message the bot cannot see any more: one clear line, no form', async () => {
    s.fake.failNext('chat.getPermalink', 'message_not_found');
    s.fake.takeRejections();
    const { answered } = await linkWith('Deleted meanwhile');
    s.fake.takeRejections();
    expect(answered[0].text).toContain('cannot see that conversation any more');
    expect(s.fake.callsTo('views.open')).toEqual([]);
  });
});
