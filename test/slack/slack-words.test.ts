import { DateTime } from 'luxon';
import { emptyAllTables, freshDatabase } from '../support/databases';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { sign } from '../support/slack-requests';

/**
 * What the Slack adapter itself sends a person, byte for byte (as JSON, keys in the order sent): a button that can't
 * apply, the forms and their field errors, a replay, a thread's details that could not go in it, a reply in pages.
 * The snapshot pins the words wherever they are made; moving them into src/render must not change one.
 */
const SETUP = '--name Shop --teams Alpha,Beta --stages "ready,doing:3,done" --start doing --finish done';
const exactly = (body: unknown) => JSON.stringify(body);
type Button = { action_id: string; value: string; text: { text: string } };

describe('the words the Slack adapter sends', () => {
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

  const buttonsOf = (reply: { blocks?: { type: string; elements?: Button[] }[] } | undefined): Button[] =>
    (reply?.blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  const named = (reply: Parameters<typeof buttonsOf>[0], label: string) =>
    buttonsOf(reply).find((b) => b.text.text === label)!;

  /** A click as Slack sends it; what the bot answered through the response URL (nothing when it opened a modal). */
  async function click(button: Pick<Button, 'action_id' | 'value'>) {
    const response_url = s.fake.responseUrl();
    await s.slack.interaction({
      type: 'block_actions',
      token: 'x',
      api_app_id: 'A1',
      trigger_id: 'trig-click',
      team: { id: 'T1', domain: 'shop' },
      user: { id: 'U_NIT', team_id: 'T1' },
      channel: { id: 'C1', name: 'nexus' },
      container: { type: 'message', message_ts: '1.0', channel_id: 'C1' },
      response_url,
      actions: [
        { type: 'button', block_id: 'b1', action_ts: '1.1', text: { type: 'plain_text', text: 'x' }, ...button },
      ],
    });
    return s.fake.respondedTo(response_url)[0];
  }

  const submit = (view: Record<string, unknown>, values: Record<string, object>) => s.slack.submitView(view, values);

  test('a button that no longer applies, or is none of ours, says why in the same words', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    const card = (await s.command('/pbi', 'add "Card" --teams Alpha,Beta')).reply;
    const said: string[] = [];
    const tell = async (button: Pick<Button, 'action_id' | 'value'>) => said.push(exactly(await click(button)));
    await tell({ action_id: 'pbi.move', value: 'not json' });
    await tell({ action_id: 'pbi.move', value: '{"do":"fly","key":"PBI-1"}' });
    await tell({ action_id: 'pbi.move', value: '{"do":"move","key":"PBI-<9>&","from":"ready","to":"doing"}' });
    const moved = await click(named(card, '→ doing'));
    await tell(named(card, '→ doing')); // moved already
    const started = await click(named(moved, '◐ Alpha started'));
    await tell(named(moved, '◐ Alpha started')); // its square is started now
    await s.command('/pbi', 'teams PBI-1 -Beta');
    await tell(named(started, '◐ Beta started')); // Beta is no longer needed
    const blocked = (await s.command('/pbi', 'block PBI-1 waiting for keys')).reply;
    await tell(named(started, 'Block…')); // blocked already
    await click(named(blocked, 'Unblock'));
    await tell(named(blocked, 'Unblock')); // unblocked already
    await s.command('/pbi', 'add "Shipped" --stage done');
    await tell({ action_id: 'pbi.swarm', value: '{"do":"swarm","key":"PBI-2"}' });
    await tell({ action_id: 'pbi.snooze', value: '{"do":"snooze","key":"PBI-2"}' });
    expect(said).toMatchSnapshot();
  });

  test('a square reset since its card was drawn is named as people say it, "not started"', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    await s.command('/pbi', 'add "Card" --teams Alpha --stage doing');
    const started = (await s.command('/pbi', 'team PBI-1 Alpha start')).reply;
    await s.command('/pbi', 'team PBI-1 Alpha reset');
    const answer = exactly(await click(named(started, '■ Alpha done')));
    expect(answer).toContain("Alpha's square on PBI-1 is now not started.");
  });

  test('the set-up form, as opened and as refused field by field', async () => {
    const open = async () => {
      await s.slack.command({ command: '/nexus', text: 'setup', channel_id: 'C9', response_url: s.fake.responseUrl() });
      return s.fake.lastCall('views.open')!.body.view;
    };
    const view = await open();
    const values = (over: Record<string, string | null>) => {
      const fields: Record<string, string | null> = {
        name: 'Payments',
        teams: 'Red, Blue',
        stages: 'todo\ndoing:4\ndone',
        start: 'doing',
        finish: 'done',
        zone: 'Europe/Berlin',
        ...over,
      };
      const { digest = '08:45', ...typed } = fields;
      const v: Record<string, object> = Object.fromEntries(
        Object.entries(typed).map(([k, value]) => [k, { value: { type: 'plain_text_input', value } }]),
      );
      v.digest = { value: { type: 'timepicker', selected_time: digest } };
      return v;
    };
    const refusals: string[] = [];
    const forms: Record<string, string | null>[] = [
      { name: '', teams: 'Red, Red', stages: 'todo\ndoing:0\ndone', zone: '', digest: null },
      { name: 'n'.repeat(81), teams: 'Re*d, Bl/ue', zone: 'Mars/Base', finish: 'todo' },
      { finish: 'nowhere', zone: 'Mars/Base' },
      { start: 'nowhere' },
      { stages: 'only', start: 'only', finish: 'only', zone: 'Nowhere' },
      { stages: 'todo\ndoing\ndoing' },
      { name: '   ', stages: 'a\nb', start: 'b', finish: 'b' },
    ];
    for (const over of forms) refusals.push((await submit(view, values(over))).text);
    expect(await s.store.nexuses.findByChannel('T1', 'C9')).toBeNull();
    await s.command('/nexus', 'setup --name "Shop &amp; Co &lt;b&gt;"', { channel_id: 'C9' });
    expect({ view: exactly(view), again: exactly(await open()), refusals }).toMatchSnapshot();
  });

  test('the Block… form, as opened and refused without a reason', async () => {
    await s.command('/nexus', `setup ${SETUP}`);
    const card = (await s.command('/pbi', 'add "Card" --stage doing')).reply;
    expect(await click(named(card, 'Block…'))).toBeUndefined();
    const view = s.fake.lastCall('views.open')!.body.view;
    const refused = await submit(view, { reason: { value: { type: 'plain_text_input', value: '  ' } } });
    expect({ view: exactly(view), refused: refused.text }).toMatchSnapshot();
  });

  test('a replayed command and a thread that failed are told in the same words', async () => {
    await s.command('/nexus', 'setup --teams Alpha --stages "ready,doing:1,done" --start doing --finish done');
    const response_url = s.fake.responseUrl();
    const fields = { command: '/pbi', text: 'add "Once"', response_url };
    const body = new URLSearchParams({ token: 'x', team_id: 'T1', channel_id: 'C1', user_id: 'U_NIT', ...fields });
    const headers = sign(body.toString());
    for (let i = 0; i < 2; i++) await s.slack.post(body.toString(), 'application/x-www-form-urlencoded', headers);
    const replayed = s.fake.respondedTo(response_url)[1];
    await s.command('/pbi', 'add "Two" --teams Alpha --stage doing');
    await s.command('/pbi', 'add "Three" --teams Alpha --stage doing'); // over the WIP limit: the digest has a thread
    const digest = await s.command('/flow', 'digest');
    const thread = s.fake.callsTo('chat.postMessage').find((c) => c.body.thread_ts)!.body;
    s.fake.failNext('chat.postMessage', 'internal_error', 99, (b) => !!b.thread_ts);
    const failed = await s.command('/flow', 'digest');
    s.fake.takeRejections();
    expect({
      replayed: exactly(replayed),
      digestAnswer: digest.replies.map(exactly),
      threadText: thread.text,
      threadFailed: failed.replies.map(exactly),
    }).toMatchSnapshot();
  }, 30_000);

  test('a reply in pages says each page continues it', async () => {
    await s.command('/nexus', 'setup --teams Alpha');
    const stages = Array.from({ length: 48 }, (_, i) => `stage-${i + 1}`);
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
    const board = await s.command('/flow', 'board');
    expect(board.replies.map((r) => r.text)).toMatchSnapshot();
  });
});
