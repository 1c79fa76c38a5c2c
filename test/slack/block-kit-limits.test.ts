import { DateTime } from 'luxon';
import { emptyAllTables, freshDatabase } from '../support/databases';
import { type SlackApp, startSlackApp } from '../support/slack-app';

/** Everything a person sees in blocks, as one string. */
const text = (blocks: any[]): string => JSON.stringify(blocks);
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/**
 * Large Nexuses in Slack: the fake Slack Web API refuses what Slack refuses (startSlackApp's stop() fails on any
 * refusal), so each reply here reached the person, and nothing it had to tell is missing.
 */
describe("replies stay within Slack's Block Kit limits and lose nothing", () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let s: SlackApp;
  // one database for the file, its tables emptied before each test: a new one per test cost seconds to open
  beforeAll(async () => {
    db = await freshDatabase('embedded');
  });
  afterAll(() => db?.dispose());
  beforeEach(async () => {
    await emptyAllTables(db);
    s = await startSlackApp(db);
  });
  afterEach(() => s.stop());

  test('a board of 48 stages (a Nexus set up before stages were limited to 20) comes in pages of at most 50 blocks, every stage on one', async () => {
    const stages = names('stage-', 48);
    await s.command('/nexus', 'setup --teams Alpha');
    const nexus = (await s.store.nexuses.findByChannel('T1', 'C1'))!;
    const workflow = {
      stages: stages.map((name) => ({ name, wipLimit: null })),
      startStage: stages[1],
      finishStage: stages[46],
    };
    await s.store.nexuses.change(nexus.id, (n) => ({
      after: { ...n, workflow },
      event: { type: 'nexus.workflow-changed', at: DateTime.utc(), actor: 'U_NIT', value: workflow },
    }));
    const { replies } = await s.command('/flow', 'board');
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) expect(r.blocks.length).toBeLessThanOrEqual(50);
    const shown = text(replies.flatMap((r) => r.blocks));
    for (const stage of stages) expect(shown).toContain(`\`${stage}\``);
  });

  test('/pbi show of a 60,000-character title (from a tracker) reaches the person with the whole title', async () => {
    await s.command('/nexus', 'setup --teams Alpha');
    const title = Array.from({ length: 6_000 }, (_, i) => `word${String(i).padStart(5, '0')}`)
      .join(' ')
      .slice(0, 60_000);
    const nexus = (await s.store.nexuses.findByChannel('T1', 'C1'))!;
    // /pbi add takes 200 characters; a tracker's title comes as the tracker has it
    await s.store.pbis.add(nexus, 'PBI-1', (key) => ({
      type: 'pbi.added',
      key,
      at: DateTime.utc(),
      actor: 'tracker',
      title,
      url: null,
      stage: 'refining',
      teams: ['Alpha'],
    }));
    const { replies } = await s.command('/pbi', 'show PBI-1');
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0].text.length).toBeLessThanOrEqual(40_000);
    const shown = replies
      .flatMap((r) => r.blocks)
      .filter((b) => b.type === 'section')
      .map((b) => b.text?.text ?? '')
      .join(' ');
    expect(shown.replace(/\s+/g, ' ')).toContain(title.slice(-200));
    expect(shown.replace(/\s+/g, ' ')).toContain(title.slice(20_000, 20_200));
  });

  test('a PBI needing 50 teams keeps a button for every team square, and Block…', async () => {
    const teams = names('Team', 50);
    await s.command('/nexus', `setup --teams ${teams.join(',')}`);
    const { reply } = await s.command('/pbi', `add "Wide" --teams ${teams.join(',')}`);
    const buttons = reply!.blocks
      .filter((b: any) => b.type === 'actions')
      .flatMap((b: any) => b.elements.map((e: any) => e.text.text));
    for (const team of teams) expect(buttons).toContain(`◐ ${team} started`);
    expect(buttons).toContain('Block…');
  });

  test('/forecast sprint with 50 teams of long names names every team', async () => {
    const teams = names('Payments-Platform-Checkout-Team-', 50); // up to 34 of the 40 characters a name may have
    await s.command(
      '/nexus',
      `setup --teams ${teams.join(',')} --stages "ready,doing,done" --start doing --finish done`,
    );
    for (let day = 0; day < 6; day++) {
      const { reply } = await s.command('/pbi', `add "Daily" --teams ${teams[0]} --stage doing`);
      const key = /PBI-\d+/.exec(reply!.text)![0];
      await s.command('/pbi', `team ${key} ${teams[0]} done`);
      await s.command('/pbi', `move ${key} done`);
      s.advance(1);
    }
    const { replies } = await s.command('/forecast', 'sprint');
    const shown = text(replies.flatMap((r) => r.blocks));
    for (const team of teams) expect(shown).toContain(`*${team}* (squares done)`);
  });

  test('App Home for a person in 21 Nexus channels offers every Nexus, and picking one shows its board', async () => {
    const channels = names('C', 21);
    for (const [i, channel] of channels.entries())
      await s.command('/nexus', `setup --name "Nexus ${i + 1}" --teams Alpha`, { channel_id: channel });
    s.fake.memberOf('U_DEV', channels);
    await s.slack.event({
      token: 'x',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1,
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      event: { type: 'app_home_opened', user: 'U_DEV', channel: 'D1', tab: 'home', event_ts: '1.0' },
    });
    const home = s.fake.lastCall('views.publish')!.body.view;
    const picker = home.blocks
      .flatMap((b: any) => (b.type === 'actions' ? b.elements : b.accessory ? [b.accessory] : []))
      .find((e: any) => e.type === 'static_select');
    expect(picker.options.map((o: any) => o.value).sort()).toEqual([...channels].sort());
    const res = await s.slack.interaction({
      type: 'block_actions',
      token: 'x',
      api_app_id: 'A1',
      trigger_id: 't',
      team: { id: 'T1' },
      user: { id: 'U_DEV', team_id: 'T1' },
      container: { type: 'view', view_id: 'VHOME' },
      view: { id: 'VHOME', type: 'home', team_id: 'T1', private_metadata: home.private_metadata ?? '' },
      actions: [
        {
          type: 'static_select',
          action_id: picker.action_id,
          block_id: 'b',
          selected_option: { text: { type: 'plain_text', text: 'Nexus 17' }, value: 'C17' },
          action_ts: '1',
        },
      ],
    });
    expect(res.status).toBe(200);
    const picked = s.fake.lastCall('views.publish')!.body;
    expect(picked.user_id).toBe('U_DEV');
    expect(text(picked.view.blocks)).toContain('Nexus 17 · board');
  });
});
