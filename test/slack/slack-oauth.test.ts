import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import { postDueReports } from '../../src/schedule/scheduler';
import { slackDigestPoster } from '../../src/slack/digest-poster';
import { slackTrackerPoster } from '../../src/slack/tracker-poster';
import { workspaceClients } from '../../src/slack/workspace-client';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { SIGNING_SECRET } from '../support/slack-requests';

const OAUTH_ENV = {
  SLACK_BOT_TOKEN: '',
  SLACK_CLIENT_ID: '111.222',
  SLACK_CLIENT_SECRET: 'client-secret',
  SLACK_STATE_SECRET: 'state-secret-0123456789',
  SLACK_TOKEN_KEY: randomBytes(32).toString('base64'),
};

describeEachDatabase('installing in several workspaces (OAuth)', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db(), OAUTH_ENV);
  });
  afterEach(async () => {
    await s.stop();
  });

  /** /slack/install → Slack's consent page (state cookie) → /slack/oauth_redirect with the code → oauth.v2.access. */
  async function install(teamId: string, token: string, orgWide?: { enterpriseId: string }): Promise<void> {
    const start = await fetch(`${s.baseUrl}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const consent = new URL(start.headers.get('location')!);
    expect(consent.searchParams.get('client_id')).toBe('111.222');
    expect(consent.searchParams.get('scope')).toBe(
      'commands,chat:write,files:write,files:read,channels:read,groups:read,links:read,links:write,reactions:read',
    );
    const cookie = start.headers.get('set-cookie')!.split(';')[0];
    const code = `code-${teamId}`;
    if (orgWide) s.fake.grantOrgCode(code, orgWide.enterpriseId, teamId, token);
    else s.fake.grantCode(code, teamId, token);
    const done = await fetch(
      `${s.baseUrl}/slack/oauth_redirect?code=${code}&state=${consent.searchParams.get('state')}`,
      { headers: { cookie } },
    );
    expect(done.status).toBe(200);
  }

  test("two workspaces install; each one's commands use its own token and see only its own Nexus", async () => {
    await install('TA', 'xoxb-team-a');
    await install('TB', 'xoxb-team-b');
    const rows = await db().prisma.installation.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.id)).toEqual(['T:TA', 'T:TB']);
    for (const r of rows) expect(r.sealed).not.toContain('xoxb-'); // tokens are encrypted at rest

    await s.command('/nexus', 'setup --name "A Nexus"', { team_id: 'TA', channel_id: 'C1' });
    await s.command('/nexus', 'setup --name "B Nexus"', { team_id: 'TB', channel_id: 'C1' });
    expect((await s.store.nexuses.findByChannel('TA', 'C1'))?.name).toBe('A Nexus');
    expect((await s.store.nexuses.findByChannel('TB', 'C1'))?.name).toBe('B Nexus');

    await s.command('/pbi', 'add "Only in A"', { team_id: 'TA', channel_id: 'C1' });
    const inB = await s.command('/pbi', 'show PBI-1', { team_id: 'TB', channel_id: 'C1' });
    expect(JSON.stringify(inB.reply)).toContain('There is no PBI');

    const response_url = s.fake.responseUrl();
    await s.slack.command({ command: '/nexus', text: 'setup', team_id: 'TB', channel_id: 'C2', response_url });
    expect(s.fake.lastCall('views.open')!.token).toBe('xoxb-team-b');
  });

  test("an Enterprise Grid org-wide install: commands, the scheduled digest and tracker notices all use the org's token", async () => {
    await install('T7', 'xoxb-org', { enterpriseId: 'E1' });
    expect(await db().prisma.installation.findUnique({ where: { id: 'E:E1' } })).toMatchObject({
      enterpriseId: 'E1',
      teamId: null,
    });
    const org = { team_id: 'T7', enterprise_id: 'E1', is_enterprise_install: 'true', channel_id: 'C7' };
    await s.command('/nexus', 'setup --name "Grid Nexus" --zone Europe/Berlin --digest 09:30', org);
    const nexus = (await s.store.nexuses.findByChannel('T7', 'C7'))!;
    expect(nexus.name).toBe('Grid Nexus');

    // background posts: no request tells them the organisation, only the Nexus's workspace
    const log = createLogger('silent');
    const config = loadConfig({
      ...OAUTH_ENV,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: s.fake.apiUrl,
      SECRETS_KEY: randomBytes(32).toString('base64'),
    });
    const metrics = createMetrics({ inboxBacklog: async () => 0 });
    const at = DateTime.fromISO('2026-03-02T09:31', { zone: 'Europe/Berlin' });
    expect(
      await postDueReports({
        store: s.store,
        now: () => at,
        replica: 'r',
        post: slackDigestPoster(workspaceClients(config, db()), log),
        log,
        metrics,
      }),
    ).toBe(1);
    expect(s.fake.callsTo('chat.postMessage').map((c) => [c.body.channel, c.token])).toEqual([['C7', 'xoxb-org']]);
    await slackTrackerPoster(
      workspaceClients(config, db()),
      s.store,
      log,
    )(nexus.id, { moves: [], unmapped: [{ kind: 'jira', status: 'Waiting for QA', waiting: 1 }] });
    expect(s.fake.callsTo('chat.postEphemeral').map((c) => [c.body.channel, c.body.user, c.token])).toEqual([
      ['C7', 'U_NIT', 'xoxb-org'],
    ]);
  });

  test('a workspace that never installed is told so and changes nothing', async () => {
    const res = await s.command('/nexus', 'setup --name Intruder', { team_id: 'T-unknown' });
    expect(res.reply?.text).toContain('Nexus Flow is not installed in this workspace');
    expect(await s.store.nexuses.findByChannel('T-unknown', 'C1')).toBeNull();
  });
});
