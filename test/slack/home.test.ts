import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';

/** Everything a person sees in blocks, as one string. */
const text = (blocks: any[]): string => JSON.stringify(blocks);
type View = { blocks: any[]; private_metadata: string };

describeEachDatabase('App Home for many Nexuses', (db) => {
  let s: SlackApp;
  let events = 0;
  beforeEach(async () => {
    s = await startSlackApp(db());
  });
  afterEach(async () => {
    await s.stop();
  });

  /** Opens the Home tab as Slack sends it (with the view it last showed), and returns the view the bot published. */
  async function open(user: string, shown?: View): Promise<View> {
    const res = await s.slack.event({
      token: 'x',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `Ev${++events}`,
      event_time: 1,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: {
        type: 'app_home_opened',
        user,
        channel: 'D1',
        tab: 'home',
        event_ts: '1.0',
        ...(shown ? { view: { id: 'VHOME', type: 'home', private_metadata: shown.private_metadata } } : {}),
      },
    });
    expect(res.status).toBe(200);
    return published(user);
  }

  function published(user: string): View {
    const call = s.fake.lastCall('views.publish')!;
    expect(call.body.user_id).toBe(user);
    expect(call.body.view.blocks.length).toBeLessThanOrEqual(100);
    return call.body.view;
  }

  /** Clicks an element of the Home view (a tab button, or the picker with `option` chosen) as Slack sends it. */
  async function click(user: string, view: View, actionId: string, option?: string): Promise<View> {
    const element = view.blocks
      .flatMap((b: any) => (b.type === 'actions' ? b.elements : b.accessory ? [b.accessory] : []))
      .find((e: any) => e.action_id === actionId);
    expect(element).toBeDefined();
    const action =
      element.type === 'button'
        ? { type: 'button', action_id: actionId, block_id: 'b', value: element.value, action_ts: '1' }
        : {
            type: 'static_select',
            action_id: actionId,
            block_id: 'b',
            selected_option: { text: { type: 'plain_text', text: 'x' }, value: option },
            action_ts: '1',
          };
    const res = await s.slack.interaction({
      type: 'block_actions',
      token: 'x',
      api_app_id: 'A1',
      trigger_id: 't',
      team: { id: 'T1' },
      user: { id: user, team_id: 'T1' },
      container: { type: 'view', view_id: 'VHOME' },
      view: { id: 'VHOME', type: 'home', team_id: 'T1', private_metadata: view.private_metadata },
      actions: [action],
    });
    expect(res.status).toBe(200);
    return published(user);
  }

  test('no Nexus: Home says how to set one up', async () => {
    s.fake.memberOf('U_DEV', ['C1']);
    const home = await open('U_DEV');
    expect(text(home.blocks)).toContain('No Nexus here yet');
    expect(home.blocks).toHaveLength(1);
  });

  test("one Nexus: no picker, the person's own PBIs first, and tabs that stay chosen when Home is opened again", async () => {
    await s.command(
      '/nexus',
      'setup --name Shop --teams Alpha,Beta --stages "ready,doing,done" --start doing --finish done',
    );
    await s.command('/pbi', 'add "Someone else\'s" --teams Alpha');
    await s.command('/pbi', 'add "Added by Dev" --teams Alpha', { user_id: 'U_DEV' });
    await s.command('/pbi', 'add "Moved by Dev"');
    await s.command('/pbi', 'move PBI-3 doing', { user_id: 'U_DEV' });
    await s.command('/pbi', 'add "Swarmed by Dev" --stage doing');
    await s.command('/pbi', 'swarm PBI-4', { user_id: 'U_DEV' });
    s.fake.memberOf('U_DEV', ['C1']);
    const board = await open('U_DEV');
    const shown = text(board.blocks);
    expect(shown).not.toContain('static_select');
    expect(board.blocks[0].elements.map((b: any) => [b.text.text, b.style])).toEqual([
      ['Board', 'primary'],
      ['Aging', undefined],
      ['Forecasts', undefined],
    ]);
    const yours = board.blocks[1].text.text as string;
    expect(yours).toContain('*Yours*');
    expect(
      yours
        .split('\n')
        .slice(1)
        .map((l) => l.match(/PBI-\d/)![0]),
    ).toEqual(['PBI-3', 'PBI-2', 'PBI-4']);
    expect(shown.indexOf('Shop · board')).toBeGreaterThan(shown.indexOf('*Yours*'));
    const aging = await click('U_DEV', board, 'home.tab.aging');
    expect(text(aging.blocks)).toContain('in progress');
    expect(text(aging.blocks)).not.toContain('Shop · board');
    expect(aging.blocks[0].elements.find((b: any) => b.style === 'primary').text.text).toBe('Aging');
    expect(text((await open('U_DEV', aging)).blocks)).toEqual(text(aging.blocks));
    const forecasts = await click('U_DEV', aging, 'home.tab.forecasts');
    expect(forecasts.blocks[0].elements.find((b: any) => b.style === 'primary').text.text).toBe('Forecasts');
    expect(text(forecasts.blocks)).toContain('*Yours*');
    expect(text(forecasts.blocks)).toContain('When will each PBI be done?');
    const other = await open('U_OTHER');
    expect(text(other.blocks)).not.toContain('*Yours*');
  });

  test('30 Nexuses (channels and a NIT): a picker of all 30, switching Nexus keeps the tab, each view within 100 blocks', async () => {
    for (let i = 1; i <= 30; i++)
      await s.command('/nexus', `setup --name "Nexus ${i}" --teams Alpha`, {
        channel_id: `C${i}`,
        user_id: i === 30 ? 'U_DEV' : 'U_NIT',
      });
    for (let i = 1; i <= 30; i++)
      await s.command('/pbi', `add "Work of ${i}" --stage in-progress`, { channel_id: `C${i}` });
    // in 29 of the channels, and in the NIT of the 30th without being in its channel
    s.fake.memberOf(
      'U_DEV',
      Array.from({ length: 29 }, (_, i) => `C${i + 1}`),
    );
    const first = await open('U_DEV');
    const picker = first.blocks.find((b: any) => b.accessory?.type === 'static_select').accessory;
    expect(picker.options).toHaveLength(30);
    expect(picker.options.map((o: any) => o.value)).toContain('C30');
    const aging = await click('U_DEV', first, 'home.tab.aging');
    const picked = await click('U_DEV', aging, 'home.nexus', 'C30');
    expect(text(picked.blocks)).toContain('Showing *Nexus 30*');
    expect(text(picked.blocks)).toContain('Work of 30');
    expect(
      picked.blocks.find((b: any) => b.type === 'actions').elements.find((b: any) => b.style === 'primary').text.text,
    ).toBe('Aging');
    expect(JSON.parse(picked.private_metadata)).toEqual({ channel: 'C30', tab: 'aging' });
    const again = await open('U_DEV', picked);
    expect(text(again.blocks)).toContain('Showing *Nexus 30*');
  });
});
