import { blocksToText } from '../../src/console/plain-text';
import { MAX_CSV_BYTES } from '../../src/domain/csv-layout';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';

const SETUP =
  '--name Shop --teams Alpha,Beta --stages "ready,doing:3,done" --start doing --finish done --zone Europe/Berlin';
const CSV = [
  'ID,Link,Name,ready,doing,done,Teams',
  'NEX-1,,Pay,2026-02-02,2026-02-03,2026-02-05,Alpha',
  'NEX-2,,Search,2026-02-10,2026-02-11,,Beta',
].join('\n');
type Button = { action_id: string; value: string; text: { text: string } };

describeEachDatabase('CSV in and out through Slack', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
    await s.command('/nexus', `setup ${SETUP}`);
  });
  afterEach(async () => {
    await s.stop();
  });

  const share = (id: string, over: Partial<Parameters<SlackApp['fake']['shareFile']>[0]> = {}) =>
    s.fake.shareFile({
      id,
      name: `${id}.csv`,
      user: 'U_NIT',
      bytes: CSV,
      channels: ['C1'],
      created: 1_770_000_000,
      ...over,
    });
  const buttonsOf = (reply: { blocks?: { type: string; elements?: Button[] }[] } | undefined): Button[] =>
    (reply?.blocks ?? []).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  const imported = () => db().prisma.event.count({ where: { source: 'import:csv' } });

  async function click(button: Button) {
    const response_url = s.fake.responseUrl();
    const res = await s.slack.interaction({
      type: 'block_actions',
      team: { id: 'T1', domain: 'shop' },
      user: { id: 'U_NIT', team_id: 'T1' },
      channel: { id: 'C1', name: 'nexus' },
      container: { type: 'message', message_ts: '1.0', channel_id: 'C1', is_ephemeral: true },
      trigger_id: 'trig-import',
      response_url,
      actions: [{ type: 'button', action_id: button.action_id, block_id: 'b1', value: button.value, action_ts: '1.1' }],
    });
    expect(res.status).toBe(200);
    return s.fake.respondedTo(response_url);
  }

  test("the dry run reads the caller's newest CSV in the channel; its button writes exactly that, once", async () => {
    share('F0OLDER1', { created: 1_760_000_000, bytes: 'ID,Name,ready\nOLD-1,x,2026-01-01\n' });
    share('F0NEWER1');
    share('F0OTHER1', { user: 'U_OTHER', created: 1_780_000_000 });
    const { reply } = await s.command('/nexus', 'import csv');
    expect(reply.response_type).toBe('ephemeral');
    const dry = blocksToText(reply.blocks);
    expect(dry).toContain('Import F0NEWER1.csv · dry run');
    expect(dry).toContain('2 rows: 2 PBIs to import');
    expect(s.fake.lastCall('files.list')!.body).toMatchObject({ user: 'U_NIT' });
    expect(s.fake.downloads).toEqual([{ id: 'F0NEWER1', token: 'xoxb-test' }]);
    expect(await imported()).toBe(0);

    const [button] = buttonsOf(reply);
    expect(button.text.text).toBe('Import 2 PBIs');
    const answers = await click(button);
    expect(answers[0]).toEqual({ delete_original: true });
    expect(answers[1].response_type).toBe('in_channel');
    expect(answers[1].text).toContain('<@U_NIT> imported 2 PBIs from `F0NEWER1.csv`');
    expect(await imported()).toBeGreaterThan(0);
    const events = await imported();
    // the same button again: nothing is written, and the answer replaces the old dry run
    const again = await click(button);
    expect(again[0]).toMatchObject({ replace_original: true, response_type: 'ephemeral' });
    expect(again[0].text).toContain('Nothing to import: every row of `F0NEWER1.csv` is already in this Nexus');
    expect(await imported()).toBe(events);
  });

  test('a file shared in a direct message with the bot, or named by its link, is read too', async () => {
    share('F0DIRECT', { channels: [], ims: ['D0BOT'] });
    expect(blocksToText((await s.command('/nexus', 'import csv')).reply.blocks)).toContain(
      'Import F0DIRECT.csv · dry run',
    );
    share('F0LINKED', { created: 1 });
    const link = 'https://shop.slack.example/files/U_NIT/F0LINKED/F0LINKED.csv';
    const { reply } = await s.command('/nexus', `import csv ${link}`);
    expect(blocksToText(reply.blocks)).toContain('Import F0LINKED.csv · dry run');
    expect(s.fake.lastCall('files.info')!.body).toMatchObject({ file: 'F0LINKED' });
  });

  test.each<[string, () => void, string, string]>([
    [
      'no CSV shared',
      () => undefined,
      '',
      'There is no CSV file of yours here to import. Share the file in this channel',
    ],
    [
      'a file Slack does not have',
      () => undefined,
      'F0MISSING',
      'Slack has no file `F0MISSING` that Nexus Flow can see',
    ],
    ['a deleted file', () => share('F0DELETED', { deleted: true }), 'F0DELETED', 'Slack has no file `F0DELETED`'],
    [
      'a file shared elsewhere',
      () => share('F0ELSEWH', { channels: ['C9'] }),
      'F0ELSEWH',
      '`F0ELSEWH.csv` is not shared in this channel',
    ],
    [
      'a spreadsheet',
      () => share('F0SHEET1', { name: 'plan.xlsx', filetype: 'xlsx', pretty_type: 'Excel Spreadsheet' }),
      'F0SHEET1',
      '`plan.xlsx` is Excel Spreadsheet, not a CSV file: save it as "CSV UTF-8"',
    ],
    [
      'a file over the limit, never downloaded',
      () => share('F0LARGE1', { bytes: Buffer.alloc(MAX_CSV_BYTES + 1, 'a') }),
      'F0LARGE1',
      '`F0LARGE1.csv` is 8.0 MiB; an import takes at most 8.0 MiB',
    ],
    [
      "a download answered with Slack's sign-in page",
      () => share('F0SIGNIN', { signInPage: true }),
      'F0SIGNIN',
      'Slack did not hand `F0SIGNIN.csv` over to Nexus Flow (it answered with its sign-in page)',
    ],
  ])('%s is refused with what to do, and nothing is written', async (what, arrange, ref, message) => {
    arrange();
    const { reply } = await s.command('/nexus', `import csv ${ref}`.trim());
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain(message);
    if (!what.includes('sign-in')) expect(s.fake.downloads).toEqual([]);
    expect(await imported()).toBe(0);
  });

  test('an app installed without files:read says to reinstall it; Slack refusing the file (no_permission) too', async () => {
    share('F0NEWER1');
    s.fake.setScopes(['commands', 'chat:write', 'files:write', 'channels:read', 'groups:read']);
    expect((await s.command('/nexus', 'import csv')).reply.text).toContain(
      'Nexus Flow may not read files in this workspace (it needs the `files:read` permission): ask whoever installed it to reinstall it',
    );
    s.fake.setScopes(['files:read']);
    s.fake.failNext('files.info', 'no_permission');
    expect((await s.command('/nexus', 'import csv F0NEWER1')).reply.text).toContain('Nexus Flow may not read files');
    expect(s.fake.takeRejections().map((r) => r.error)).toEqual(['no_permission']);
    expect(await imported()).toBe(0);
  });

  test('/flow export csv uploads the file to the channel, saying who asked; the answer says it follows', async () => {
    share('F0NEWER1');
    const dry = (await s.command('/nexus', 'import csv')).reply;
    await click(buttonsOf(dry)[0]);
    const { reply } = await s.command('/flow', 'export csv', { user_id: 'U_OTHER' });
    expect(reply.text).toBe('Shop · 2 PBIs as CSV: the file follows (`/nexus import csv` reads it back).');
    const [upload] = s.fake.uploads();
    expect(upload.shared).toMatchObject({
      channel_id: 'C1',
      initial_comment: '<@U_OTHER> asked: Shop · 2 PBIs as CSV',
    });
    const file = upload.bytes.toString('utf8');
    expect(file.split('\n')[0]).toBe(
      'ID,Link,Name,ready,doing,done,Teams,Blocked Days,Blocked,Blocked Since,Discarded,Alpha started,Alpha done,Beta started,Beta done',
    );
    expect(file).toContain(
      'NEX-1,,Pay,2026-02-02T00:00:00+01:00,2026-02-03T00:00:00+01:00,2026-02-05T00:00:00+01:00,Alpha,0',
    );
  });
});
