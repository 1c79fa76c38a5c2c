import { blocksToText } from '../../src/console/plain-text';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';

const SETUP = '--name Shop --teams Alpha,Beta --stages "ready,doing:3,done" --start doing --finish done';
const text = (blocks: Parameters<typeof blocksToText>[0]) => blocksToText(blocks);
type Button = { action_id: string; value: string; text: { text: string } };

describeEachDatabase('Slack buttons, modals and App Home', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
    await s.command('/nexus', `setup ${SETUP}`);
  });
  afterEach(async () => {
    await s.stop();
  });

  const buttonsOf = (reply: { blocks?: { type: string; elements?: Button[] }[] } | undefined): Button[] =>
    (reply?.blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

  async function click(button: Button, user = 'U_NIT') {
    const response_url = s.fake.responseUrl();
    const res = await s.slack.interaction({
      type: 'block_actions',
      token: 'x',
      api_app_id: 'A1',
      trigger_id: 'trig-click',
      team: { id: 'T1', domain: 'shop' },
      user: { id: user, team_id: 'T1' },
      channel: { id: 'C1', name: 'nexus' },
      container: { type: 'message', message_ts: '1.0', channel_id: 'C1' },
      response_url,
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: 'b1',
          value: button.value,
          action_ts: '1.1',
          text: button.text,
        },
      ],
    });
    expect(res.status).toBe(200);
    return s.fake.respondedTo(response_url)[0];
  }

  test('card buttons move the PBI and mark team squares; a stale card says so and changes nothing', async () => {
    const added = (await s.command('/pbi', 'add "Card" --teams Alpha,Beta')).reply;
    const buttons = buttonsOf(added);
    expect(buttons.map((b) => b.text.text)).toEqual(['→ doing', '◐ Alpha started', '◐ Beta started', 'Block…']);
    const moved = await click(buttons[0]);
    expect(moved.response_type).toBe('in_channel');
    expect(text(moved.blocks)).toContain('moved PBI-1 ready → doing');
    const stale = await click(buttons[0]);
    expect(stale.response_type).toBe('ephemeral');
    expect(stale.text).toContain('This card is out of date: PBI-1 is now in doing');
    const started = await click(buttonsOf(moved).find((b) => b.text.text === '◐ Alpha started')!);
    expect(text(started.blocks)).toContain('◐ Alpha');
    const nexus = (await s.store.nexuses.findByChannel('T1', 'C1'))!;
    expect((await s.store.pbis.history(nexus.id, 'PBI-1')).map((e) => e.type)).toEqual([
      'pbi.added',
      'pbi.moved',
      'square.changed',
    ]);
    // integration is only offered when every square is done
    expect(buttonsOf(started).map((b) => b.text.text)).toEqual(['■ Alpha done', '◐ Beta started', 'Block…']);
  });

  test('a team named with spaces gets its square button, which marks its square', async () => {
    await s.command('/nexus', 'teams add "Team Phoenix"');
    const added = (await s.command('/pbi', 'add "Card" --teams "team phoenix",Alpha --stage doing')).reply;
    const buttons = buttonsOf(added);
    expect(buttons.map((b) => b.text.text)).toEqual(['◐ Team Phoenix started', '◐ Alpha started', 'Block…']);
    const started = await click(buttons[0]);
    expect(started.response_type).toBe('in_channel');
    expect(text(started.blocks)).toContain('◐ Team Phoenix  ☐ Alpha');
    const done = await click(buttonsOf(started).find((b) => b.text.text === '■ Team Phoenix done')!);
    expect(text(done.blocks)).toContain('■ Team Phoenix  ☐ Alpha');
  });

  test("the digest thread's buttons: swarming on it and snoozing are recorded and announced", async () => {
    await s.command('/nexus', 'sle 85 1');
    await s.command('/pbi', 'add "Old" --stage doing');
    s.advance(5);
    await s.command('/flow', 'digest');
    const thread = s.fake.callsTo('chat.postMessage').find((c) => c.body.thread_ts)!;
    const buttons = buttonsOf(thread.body);
    expect(buttons.map((b) => b.text.text)).toEqual(['🐝 Swarming on it', '💤 Snooze 2 days', '⛔ Blocked…']);
    const swarmed = await click(buttons[0], 'U_DEV');
    expect(swarmed.response_type).toBe('in_channel');
    expect(text(swarmed.blocks)).toContain('@U_DEV is swarming on PBI-1');
    expect(text((await click(buttons[1])).blocks)).toContain('snoozed the aging nudges of PBI-1 until Mon 9 Mar');
    const history = (await s.store.pbis.history((await s.store.nexuses.findByChannel('T1', 'C1'))!.id, 'PBI-1')).map(
      (e) => e.type,
    );
    expect(history).toEqual(['pbi.added', 'pbi.swarming', 'pbi.snoozed']);
  });

  test('Block… asks for the reason in a modal; the reason is required; Unblock clears it', async () => {
    const added = (await s.command('/pbi', 'add "Card" --stage doing')).reply;
    expect(await click(buttonsOf(added).find((b) => b.text.text === 'Block…')!)).toBeUndefined();
    const opened = s.fake.lastCall('views.open')!;
    expect(opened.body.trigger_id).toBe('trig-click');
    const view = opened.body.view;
    const submit = (reason: string) =>
      s.slack.submitView(view, { reason: { value: { type: 'plain_text_input', value: reason } } });
    const empty = await submit('  ');
    expect(JSON.parse(empty.text)).toEqual({
      response_action: 'errors',
      errors: { reason: 'Say what it is waiting for, so others can help.' },
    });
    expect((await submit("waiting for the customer's API keys")).status).toBe(200);
    const posted = s.fake.lastCall('chat.postMessage')!;
    expect(posted.body.channel).toBe('C1');
    expect(text(posted.body.blocks)).toContain("blocked PBI-1: waiting for the customer's API keys");
    const unblocked = await click(buttonsOf(posted.body).find((b) => b.text.text === 'Unblock')!);
    expect(text(unblocked.blocks)).toContain('unblocked PBI-1');
  });

  test('/nexus setup opens a modal; its fields are checked one by one; a valid form creates the Nexus', async () => {
    const response_url = s.fake.responseUrl();
    await s.slack.command({ command: '/nexus', text: 'setup', channel_id: 'C9', response_url });
    const view = s.fake.lastCall('views.open')!.body.view;
    expect(view.callback_id).toBe('nexus.setup');
    const values = (over: Record<string, string>) => {
      const fields: Record<string, string> = {
        name: 'Payments',
        teams: 'Red, Blue',
        stages: 'todo\ndoing:4\ndone',
        start: 'doing',
        finish: 'done',
        zone: 'Europe/Berlin',
        ...over,
      };
      const v: Record<string, object> = Object.fromEntries(
        Object.entries(fields).map(([k, value]) => [k, { value: { type: 'plain_text_input', value } }]),
      );
      v.digest = { value: { type: 'timepicker', selected_time: over.digest ?? '08:45' } };
      return v;
    };
    const submit = (over: Record<string, string>) => s.slack.submitView(view, values(over), 'V2');
    const bad = JSON.parse((await submit({ zone: 'Mars/Base', finish: 'todo', teams: 'Red, Red' })).text);
    expect(bad.response_action).toBe('errors');
    expect(Object.keys(bad.errors).sort()).toEqual(['finish', 'teams', 'zone']);
    expect(bad.errors.finish).toContain('must come after the start stage');
    expect(await s.store.nexuses.findByChannel('T1', 'C9')).toBeNull();
    expect((await submit({})).status).toBe(200);
    const nexus = await s.store.nexuses.findByChannel('T1', 'C9');
    expect(nexus).toMatchObject({
      name: 'Payments',
      teams: ['Red', 'Blue'],
      timeZone: 'Europe/Berlin',
      digest: { time: '08:45' },
      forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
      sprintReports: { review: false, retro: false },
      teamChannels: [],
      classes: [],
      nit: ['U_NIT'],
    });
    expect(nexus?.workflow.stages).toEqual([
      { name: 'todo', wipLimit: null },
      { name: 'doing', wipLimit: 4 },
      { name: 'done', wipLimit: null },
    ]);
    expect(s.fake.lastCall('chat.postMessage')!.body.channel).toBe('C9');
  });

  test('a Nexus name with spaces, &, <, accents and emoji reaches Slack escaped, never URL-encoded (setup, its notification, the modal)', async () => {
    // Slack sends &, < and > of typed text as entities
    const setup = (
      await s.command('/nexus', 'setup --name "Shop Nexus &amp; Co &lt;b&gt; Café 🚀"', { channel_id: 'C7' })
    ).reply;
    const shown = 'Shop Nexus &amp; Co &lt;b&gt; Café 🚀';
    expect(setup.text).toBe(`Nexus ${shown} is set up for this channel.`);
    expect(setup.blocks[0].text.text).toContain(`*${shown}* is set up`);
    await s.slack.command({ command: '/nexus', text: 'setup', channel_id: 'C7', response_url: s.fake.responseUrl() });
    const warning = s.fake.lastCall('views.open')!.body.view.blocks[0];
    expect(warning.text.text).toBe(`:warning: This channel already has the Nexus *${shown}*.`);
  });

  test('App Home shows the boards of the Nexuses whose channels the user is in', async () => {
    await s.command('/pbi', 'add "Visible on Home"');
    s.fake.memberOf('U_DEV', ['C1']);
    const res = await s.slack.event({
      token: 'x',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: { type: 'app_home_opened', user: 'U_DEV', channel: 'D1', tab: 'home', event_ts: '1.0' },
    });
    expect(res.status).toBe(200);
    const published = s.fake.lastCall('views.publish')!;
    expect(published.body.user_id).toBe('U_DEV');
    expect(text(published.body.view.blocks)).toContain('Shop · board');
    expect(text(published.body.view.blocks)).toContain('PBI-1 Visible on Home');
  });
});
