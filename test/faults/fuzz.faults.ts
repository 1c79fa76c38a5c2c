import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import pg from 'pg';
import { COMMANDS } from '../../src/commands';
import { blocksToText } from '../../src/console/plain-text';
import { TRACKER_KINDS } from '../../src/domain/tracker';
import { signGeneric } from '../../src/trackers/generic';
import { hmacSha256 } from '../../src/trackers/signature';
import { postRaw } from '../support/bot-process';
import type { FakeSlack } from '../support/fake-slack';
import { sign } from '../support/slack-requests';
import { type Cluster, type Rig, startRig } from './cluster';

/** Fixed, so a failure replays the same input. */
const SEED = 20261130;
const HOSTILE = [
  '<!channel>',
  '<!here|here>',
  '<!everyone>',
  '<@UHACKER>',
  '<#CSECRET|secret>',
  '<https://evil.example|click me>',
  '<!subteam^S123>',
  '*bold* _it_ ~s~ `code` ```block```',
  '&lt;!channel&gt;',
  '> quote',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '"unclosed',
  '“curly',
  '--key',
  '--teams ,,,',
  '--stage',
  '../../etc/passwd',
  `'; DROP TABLE "Pbi"; --`,
  '${7*7}',
  '%00%ff',
  '🙂🏳️‍🌈',
  '\u202Eevil',
  'x'.repeat(4_000),
  '-1',
  '99999999999999999999',
  '2026-02-30',
  'NaN',
];
const hostileText = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 60, unit: 'grapheme' }),
  fc.array(fc.constantFrom(...HOSTILE), { minLength: 2, maxLength: 4 }).map((parts) => parts.join(' ')),
);
/** Markup a reply must never carry through from input: it would ping, link or name what the input chose. */
const RAW_MARKUP = /<!|<#|<https?:\/\/evil|<@UHACKER/;
/** What JavaScript's global escape() makes of a name ("R&D <!channel>" → "R%26D%20%3C%21channel%3E"): an altered name. */
const URL_ENCODED = /%(20|21|26|3C|3E|40|u[0-9A-F]{4})/i;
/** The Nexus name of the hostile channel and its escaped form, as Slack must receive it to show it as typed. */
const HOSTILE_NEXUS = '<!channel> R&D <@UHACKER> <https://evil.example|x>';
const HOSTILE_NEXUS_SHOWN = '&lt;!channel&gt; R&amp;D &lt;@UHACKER&gt; &lt;https://evil.example|x&gt;';

jest.setTimeout(300_000);

describe('hostile input at every endpoint and command', () => {
  let rig: Rig;
  let fake: FakeSlack;
  let cluster: Cluster;
  let sql: pg.Client;
  let nexusId: string;
  let jiraSecret: string;
  const agent = new Agent({ keepAlive: true });
  const say = (command: string, text: string, user = 'U_NIT') =>
    cluster.command(fake, { command, text, channel_id: 'C1', user_id: user });
  const base = () => cluster.replicas[0].baseUrl;

  beforeAll(async () => {
    rig = await startRig('fuzz', 1, 'fatal');
    ({ fake, cluster } = rig);
    await cluster.start(0);
    sql = new pg.Client({ connectionString: rig.url });
    await sql.connect();
    await say('/nexus', 'setup --name Shop --teams Alpha,Beta');
    jiraSecret = /Secret: (\S+)/.exec(blocksToText((await say('/nexus', 'tracker jira')).blocks))![1];
    await say('/pbi', 'add "Checkout" --teams Alpha');
    nexusId = (await sql.query<{ id: string }>('SELECT id FROM "Nexus"')).rows[0].id;
  });

  afterAll(async () => {
    agent.destroy();
    await sql?.end();
    await rig?.dispose();
  });

  /** What input could change: everything but kept forecasts and deliveries kept as invalid for inspection. */
  async function snapshot(): Promise<string> {
    const { rows } = await sql.query(`SELECT
      (SELECT count(*) FROM "Event") AS events, (SELECT count(*) FROM "Pbi") AS pbis, (SELECT sum(revision) FROM "Nexus") AS revision,
      (SELECT count(*) FROM "Nexus") AS nexuses, (SELECT count(*) FROM "TrackerConnection") AS connections,
      (SELECT count(*) FROM "Installation") AS installations, (SELECT count(*) FROM "Delivery" WHERE state <> 'invalid') AS deliveries`);
    return JSON.stringify(rows[0]);
  }

  /** Slack reads markup in a message's text and its mrkdwn; plain_text (headers, buttons) is shown as it is. */
  function textsOf(reply: Record<string, any>): { mrkdwn: string[]; plain: string[] } {
    const mrkdwn: string[] = [String(reply.text ?? '')];
    const plain: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const { type, text } = node as { type?: string; text?: unknown };
        if (type === 'mrkdwn' && typeof text === 'string') mrkdwn.push(text);
        if (type === 'plain_text' && typeof text === 'string') plain.push(text);
        Object.values(node).forEach(walk);
      }
    };
    walk(reply.blocks);
    return { mrkdwn, plain };
  }

  function expectNoRawMarkup(reply: Record<string, any>): void {
    expect(textsOf(reply).mrkdwn.filter((text) => RAW_MARKUP.test(text))).toEqual([]);
  }

  /** Shown as typed: no raw markup, and wherever the hostile Nexus's name appears it is whole, not URL-encoded. */
  function expectNameIntact(line: string, reply: Record<string, any>): void {
    expectNoRawMarkup(reply);
    const { mrkdwn, plain } = textsOf(reply);
    const mentions = (text: string) => /R(&amp;|&|%26)D/.test(text);
    expect({ line, altered: [...mrkdwn, ...plain].filter((text) => URL_ENCODED.test(text)) }).toEqual({
      line,
      altered: [],
    });
    expect({ line, altered: mrkdwn.filter((text) => mentions(text) && !text.includes(HOSTILE_NEXUS_SHOWN)) }).toEqual({
      line,
      altered: [],
    });
    expect({ line, altered: plain.filter((text) => mentions(text) && !text.includes(HOSTILE_NEXUS)) }).toEqual({
      line,
      altered: [],
    });
  }

  test('every command with hostile words: an answer each time, no raw markup, and only a change posted in the channel changes anything', async () => {
    const cases = COMMANDS.filter((c) => !(c.path[0] === 'pbi' && c.path[1] === 'add')).flatMap((c) =>
      fc
        .sample(hostileText, { seed: SEED + c.path.join().length, numRuns: 12 })
        .map((words) => ({ slash: `/${c.path[0]}`, text: `${c.path[1]} ${words}` })),
    );
    cases.push(
      ...fc.sample(hostileText, { seed: SEED, numRuns: 40 }).map((words) => ({
        slash: fc.sample(fc.constantFrom('/pbi', '/flow', '/forecast', '/nexus'), 1)[0],
        text: words,
      })),
    );
    for (const { slash, text } of cases) {
      const before = await snapshot();
      const reply = await say(slash, text);
      expectNoRawMarkup(reply);
      // a change is always posted for the channel; an answer to the person alone changed nothing (the secret aside)
      if (reply.response_type !== 'in_channel' && !text.startsWith('tracker '))
        expect([slash, text, await snapshot()]).toEqual([slash, text, before]);
    }
    expect(cluster.alive(0)).toBe(true);
  });

  test('titles and names carrying Slack markup are stored as typed and shown escaped, pinging no one', async () => {
    for (const [i, title] of fc.sample(hostileText, { seed: SEED + 1, numRuns: 30 }).entries()) {
      // after a bare `--` a title may start with anything, `--` included
      const added = await say('/pbi', `add --key HOSTILE-${i} -- "${title.replace(/["“”„]/g, '')} <!channel>"`);
      expectNoRawMarkup(added);
      expect([title, added.response_type, added.text]).toEqual([title, 'in_channel', expect.any(String)]);
    }
    expectNoRawMarkup(await say('/flow', 'board'));
    expectNoRawMarkup(await say('/pbi', 'show HOSTILE-0'));
    const stored = await sql.query<{ title: string }>(`SELECT title FROM "Pbi" WHERE key = 'HOSTILE-0'`);
    expect(stored.rows[0].title).toContain('<!channel>');
    // a Nexus named with markup, in a channel of its own: every report names it
    const elsewhere = (command: string, text: string) =>
      cluster.command(fake, { command, text, channel_id: 'C-HOSTILE' });
    const setup = await elsewhere(
      '/nexus',
      `setup --name "${HOSTILE_NEXUS}" --teams Alpha --stages "ready,doing:1,done" --start doing --finish done`,
    );
    expectNameIntact('setup', setup);
    expect(setup.text).toContain(HOSTILE_NEXUS_SHOWN);
    await elsewhere('/nexus', 'sle 85 1');
    // an item a tracker keys and titles with markup, in progress for 4 days: the digest names it oldest
    const secret = /Secret: (\S+)/.exec(blocksToText((await elsewhere('/nexus', 'tracker generic')).blocks))![1];
    const hostileId = (await sql.query<{ id: string }>(`SELECT id FROM "Nexus" WHERE "channelId" = 'C-HOSTILE'`))
      .rows[0].id;
    const occurredAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const deliver = (id: string, key: string) => {
      const delivery = JSON.stringify({
        id,
        item: { id: '1', key, title: '<!here> <@UHACKER>' },
        to: 'doing',
        occurredAt,
        teams: ['Alpha'],
      });
      return postRaw(
        agent,
        `${base()}/webhooks/generic/${hostileId}`,
        { 'content-type': 'application/json', ...signGeneric(secret, id, delivery, DateTime.utc()) },
        delivery,
      );
    };
    // a key carrying markup is no PBI key: refused at the door (no command could name it); the title may carry it
    expect(await deliver('d-markup-key', '<!channel>')).toBe(400);
    expect(await deliver('d-markup', 'MARKUP-1')).toBe(202);
    for (
      let i = 0;
      i < 100 && !(await sql.query(`SELECT 1 FROM "Pbi" WHERE key = 'MARKUP-1' AND stage = 'doing'`)).rowCount;
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    expect((await sql.query(`SELECT 1 FROM "Pbi" WHERE key = '<!channel>'`)).rowCount).toBe(0);
    await elsewhere('/pbi', 'add "First" --teams Alpha');
    const moved = await elsewhere('/pbi', 'move PBI-1 doing'); // over the limit of 1: names the items already there
    expectNameIntact('/pbi move', moved);
    expect(blocksToText(moved.blocks)).toContain('already there MARKUP-1');
    for (const line of [
      '/flow board',
      '/flow wip',
      '/flow aging',
      '/flow sle',
      '/flow throughput',
      '/forecast 5',
      '/pbi show PBI-1',
    ]) {
      const [command, ...words] = line.split(' ');
      expectNameIntact(line, await elsewhere(command, words.join(' ')));
    }
    // a digest with a thread is posted by the bot itself (chat.postMessage), not through the response URL
    const digestBody = new URLSearchParams({
      token: 'x',
      team_id: 'T1',
      user_id: 'U_NIT',
      trigger_id: 't',
      response_url: fake.responseUrl(),
      command: '/flow',
      text: 'digest',
      channel_id: 'C-HOSTILE',
    }).toString();
    expect(
      await postRaw(
        agent,
        `${base()}/slack/events`,
        { 'content-type': 'application/x-www-form-urlencoded', ...sign(digestBody) },
        digestBody,
      ),
    ).toBe(200);
    // the digest, not the tracker move's announcement, which may come first
    const digestPosted = () =>
      fake
        .callsTo('chat.postMessage')
        .find(
          (c) =>
            c.body.channel === 'C-HOSTILE' &&
            !c.body.thread_ts &&
            JSON.stringify(c.body.blocks).includes(' · digest · '),
        );
    for (let i = 0; i < 100 && !digestPosted(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(digestPosted()?.body.text).toMatch(/oldest MARKUP-1, \d+ days/);
    for (const call of fake.callsTo('chat.postMessage')) expectNameIntact('chat.postMessage', call.body);
    for (const call of fake.callsTo('files.completeUploadExternal'))
      expect(String(call.body.initial_comment ?? '')).not.toMatch(RAW_MARKUP);
  });

  test('webhooks: forged, oversize, bad UTF-8, deep JSON and junk paths get 4xx and store nothing that applies', async () => {
    const before = await snapshot();
    const statuses: number[] = [];
    const send = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      statuses.push(await postRaw(agent, `${base()}${path}`, { 'content-type': 'application/json', ...headers }, body));
    };
    const jiraSigned = (body: string | Buffer) => ({
      'x-hub-signature': `sha256=${hmacSha256(jiraSecret, body as string, 'hex')}`,
      'x-atlassian-webhook-identifier': randomBytes(8).toString('hex'),
    });
    for (const kind of TRACKER_KINDS) {
      for (const body of fc.sample(fc.oneof(fc.json(), fc.string(), hostileText), {
        seed: SEED + kind.length,
        numRuns: 15,
      }))
        await send(`/webhooks/${kind}/${nexusId}`, body);
    }
    await send(`/webhooks/jira/${nexusId}`, Buffer.alloc(2 * 1024 * 1024, 'a'));
    const badUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]);
    await send(`/webhooks/jira/${nexusId}`, badUtf8, jiraSigned(badUtf8));
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    await send(`/webhooks/jira/${nexusId}`, deep, jiraSigned(deep));
    const wide = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      issue: { fields: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`f${i}`, i])) },
    });
    await send(`/webhooks/jira/${nexusId}`, wide, jiraSigned(wide));
    for (const path of [
      '/webhooks/jira/unknown-nexus',
      '/webhooks/svn/x',
      '/webhooks',
      '/webhooks/jira/%00',
      `/webhooks/jira/${nexusId}/../../x`,
      '//evil',
      '/slack/events/../../etc',
    ])
      await send(path, '{}');
    expect(statuses.filter((s) => s >= 500 || s < 400)).toEqual([]);
    expect(await snapshot()).toBe(before);
    expect(cluster.alive(0)).toBe(true);
  });

  test('Slack endpoint: unsigned, badly signed, malformed and deep payloads get no 5xx and change nothing', async () => {
    const before = await snapshot();
    const statuses: number[] = [];
    const send = async (body: string, contentType: string, signed = true) => {
      statuses.push(
        await postRaw(
          agent,
          `${base()}/slack/events`,
          { 'content-type': contentType, ...(signed ? sign(body) : {}) },
          body,
        ),
      );
    };
    // side by side: Bolt holds a request no listener takes for 3 s before it answers
    await Promise.all([
      ...fc.sample(fc.string(), { seed: SEED + 2, numRuns: 10 }).map((body) => send(body, 'application/json', false)),
      ...fc
        .sample(fc.oneof(fc.json(), fc.string()), { seed: SEED + 3, numRuns: 10 })
        .map((body) => send(body, 'application/json')),
      ...fc
        .sample(fc.oneof(fc.json(), fc.string()), { seed: SEED + 4, numRuns: 10 })
        .map((body) => send(`payload=${encodeURIComponent(body)}`, 'application/x-www-form-urlencoded')),
      send(`payload=${encodeURIComponent('['.repeat(100_000))}`, 'application/x-www-form-urlencoded'),
    ]);
    await send(
      `command=%2Fpbi&text=%FF%FE%C3&team_id=T1&channel_id=C1&user_id=U_NIT&response_url=${encodeURIComponent(fake.responseUrl())}`,
      'application/x-www-form-urlencoded',
    );
    // buttons whose value is not what the bot drew: refused with a message, nothing run
    for (const value of fc.sample(fc.oneof(fc.json(), hostileText), { seed: SEED + 5, numRuns: 20 })) {
      const responseUrl = fake.responseUrl();
      const answered = fake.nextResponse(responseUrl, 5_000);
      const payload = {
        type: 'block_actions',
        team: { id: 'T1' },
        user: { id: 'U_NIT', team_id: 'T1' },
        channel: { id: 'C1' },
        response_url: responseUrl,
        trigger_id: 't',
        actions: [{ type: 'button', action_id: 'pbi.move', block_id: 'b', value, action_ts: '1' }],
      };
      await send(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded');
      const reply = await answered;
      expect(reply).not.toBeNull();
      expect(reply!.text).not.toMatch(/^Sorry/); // a clear refusal, not the apology for a failure
      expectNoRawMarkup(reply!);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(await snapshot()).toBe(before);
    expect(cluster.alive(0)).toBe(true);
  });
});
