import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { IMPORT_HINTS } from '../../src/render/import-hints';
import { TRACKER_NAMES } from '../../src/render/tracker-news';
import { DEFAULT_URLS, IMPORTABLE } from '../../src/trackers/history/index';
import { type CapturedLog, capturedLog } from '../support/captured-log';
import { AZURE_PROJECT, startFakeAzure } from '../support/fake-azure';
import { type FakeJira, jiraIssues, startFakeJira } from '../support/fake-jira';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';

describeEachDatabase('/nexus import in Slack', (db) => {
  test('the import starts a thread in the channel, says its summary there and in the channel, and the token shows nowhere', async () => {
    const captured = capturedLog();
    const s = await startSlackApp(db(), {}, captured.log);
    const jira = await startFakeJira({ issues: jiraIssues(DateTime.fromISO('2026-01-05T09:00:00Z'), 3) });
    try {
      await s.command('/nexus', 'setup --teams Alpha,Beta');
      await s.command('/nexus', 'tracker jira');
      const [email, apiToken] = jira.token.split(':');
      // /nexus escapes what is typed (should_escape): Slack sends the address and the email as links
      const typed = `import jira --url <${jira.url}> --token <mailto:${email}|${email}>:${apiToken}`;
      const started = await s.command('/nexus', typed);
      expect(started.reply.response_type).toBe('ephemeral');
      expect(blocksToText(started.reply.blocks)).toContain('about 3 items');
      await s.trackers.imports.idle();
      await s.trackers.worker.idle();

      const posts = s.fake.callsTo('chat.postMessage').map((c) => c.body);
      expect(posts[0]).toMatchObject({ channel: 'C1' });
      expect(posts[0].thread_ts).toBeUndefined();
      expect(blocksToText(posts[0].blocks)).toContain('is importing the history of Jira items');
      const last = posts.at(-1)!;
      expect(last.thread_ts).toEqual(expect.any(String));
      expect(String(last.reply_broadcast)).toBe('true');
      expect(blocksToText(last.blocks)).toContain('The Jira import is done.');
      expect(JSON.stringify(s.fake.calls)).not.toContain(apiToken);
      expect(captured.text()).not.toContain(apiToken);
      const job = await db().prisma.importJob.findFirstOrThrow();
      expect(job.sealedToken).not.toContain(apiToken);
      expect(job.baseUrl).toBe(jira.url);
    } finally {
      await s.stop();
      await jira.close();
      captured.dispose();
    }
  });
});

/** A form's field as Slack gives it on submission: a text box's value, or the date picked. */
type FormValues = { url?: string; token?: string; query?: string | null; since?: string };
type View = { callback_id: string; title: { text: string }; blocks: Record<string, any>[] };

describeEachDatabase('/nexus import in Slack without a token: the form', (db) => {
  let captured: CapturedLog;
  let s: SlackApp;
  let jira: FakeJira;
  // jira.js takes a second or more to load: loaded before, the form's answer is timed on asking Jira alone
  beforeAll(() => import('jira.js'), 60_000);
  beforeEach(async () => {
    captured = capturedLog();
    s = await startSlackApp(db(), {}, captured.log);
    jira = await startFakeJira({ issues: jiraIssues(DateTime.fromISO('2026-01-05T09:00:00Z'), 3) });
    await s.command('/nexus', 'setup --teams Alpha,Beta');
    await s.command('/nexus', 'tracker jira');
  });
  afterEach(async () => {
    await s.stop();
    await jira.close();
    captured.dispose();
  });

  /** What `/nexus <text>` opened (null: no form), and what the bot answered instead. */
  async function open(text: string, who: { user_id?: string } = {}) {
    const before = s.fake.callsTo('views.open').length;
    const typed = await s.command('/nexus', text, who);
    const opened = s.fake.callsTo('views.open').slice(before);
    return { view: (opened[0]?.body.view ?? null) as View | null, replies: typed.replies };
  }
  const block = (view: View, id: string) => view.blocks.find((b) => b.block_id === id)!;
  const values = (v: FormValues = {}) => ({
    url: { value: { type: 'plain_text_input', value: v.url ?? jira.url } },
    token: { value: { type: 'plain_text_input', value: v.token ?? jira.token } },
    query: { value: { type: 'plain_text_input', value: v.query ?? null } },
    since: { value: { type: 'datepicker', selected_date: v.since ?? '2025-09-03' } },
  });
  /** Submits the form; the ack Slack got: the errors beside the fields, or null when the form closed. */
  async function submit(view: View, v: FormValues = {}, user = 'U_NIT') {
    const answer = await s.slack.submitView(view, values(v), 'V2', user);
    expect(answer.status).toBe(200);
    return answer.text
      ? (JSON.parse(answer.text) as { response_action: string; errors: Record<string, string> })
      : null;
  }
  const toldPrivately = () =>
    s.fake.callsTo('chat.postEphemeral').map((c) => ({ user: c.body.user, text: c.body.text }));

  test('opens with the address, a token box that says it is kept sealed, the query as typed and since 180 days ago', async () => {
    const { view, replies } = await open('import jira project = ED AND "Epic Link" = ED-1');
    expect(replies).toEqual([]);
    expect(view!.callback_id).toBe('nexus.import');
    expect(view!.title.text).toBe('Import from Jira');
    const url = block(view!, 'url').element;
    expect(url.initial_value).toBeUndefined(); // Jira has no cloud address: every site has its own
    expect(url.placeholder.text).toBe('https://your-site.atlassian.net');
    const token = block(view!, 'token');
    expect(token.element).toMatchObject({
      type: 'plain_text_input',
      placeholder: { text: 'you@example.com:<API token>' },
    });
    expect(token.element.initial_value).toBeUndefined();
    expect(token.hint.text).toContain('Atlassian account → Security → API tokens');
    expect(token.hint.text).toContain('kept sealed');
    expect(token.hint.text).toContain('never shown again');
    expect(block(view!, 'query').element.initial_value).toBe('project = ED AND "Epic Link" = ED-1');
    expect(block(view!, 'since').element).toMatchObject({ type: 'datepicker', initial_date: '2025-09-03' });

    const typed = (await open(`import jira --url <${jira.url}> --since 2026-01-01`)).view!;
    expect(block(typed, 'url').element.initial_value).toBe(jira.url);
    expect(block(typed, 'query').element.initial_value).toBeUndefined();
    expect(block(typed, 'since').element.initial_date).toBe('2026-01-01');

    DEFAULT_URLS.jira = 'https://jira.example.com'; // a tracker with a cloud address fills it in
    try {
      expect(block((await open('import JIRA')).view!, 'url').element.initial_value).toBe('https://jira.example.com');
    } finally {
      delete DEFAULT_URLS.jira;
    }
    expect(await open(`import jira --url ${jira.url} --token nit@example.com:wrong`)).toMatchObject({ view: null });
  });

  test('a wrong token, a bad address or a rejected query is shown beside its field; the form stays open, nothing is stored', async () => {
    const view = (await open('import jira')).view!;
    const wrongToken = 'nit@example.com:ATATT3x-wrong-secret-4711';
    const refused = await submit(view, { token: wrongToken });
    expect(refused).toEqual({ response_action: 'errors', errors: { token: expect.any(String) } });
    expect(refused!.errors.token).toContain('Jira refused the token (401): give a token of a user');
    expect((await submit(view, { url: 'jira at work' }))!.errors).toEqual({
      url: 'jira at work is not a web address; write it like https://your-site.atlassian.net.',
    });
    expect((await submit(view, { url: 'http://127.0.0.1:9' }))!.errors.url).toContain(
      'Jira did not answer at http://127.0.0.1:9 (ECONNREFUSED)',
    );
    jira.rejectJql((jql) => jql.includes('nonsense'));
    expect((await submit(view, { query: 'project = ED AND nonsense' }))!.errors.query).toContain(
      "Jira rejected the query (400): Error in the JQL Query: Expecting operator but got 'nonsense'.",
    );
    expect(await db().prisma.importJob.count()).toBe(0);
    expect(s.fake.callsTo('chat.postEphemeral')).toEqual([]);
    expect(s.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(JSON.stringify(s.fake.calls)).not.toContain('wrong-secret');
    expect(captured.text()).not.toContain('wrong-secret');
  });

  test('a good submission closes the form, answers the NIT member alone and starts the import in a thread; the token shows nowhere', async () => {
    const view = (await open('import jira')).view!;
    expect(await submit(view, { query: 'project = ED', since: '2026-01-01' })).toBeNull();
    const [answer] = toldPrivately();
    expect(answer.user).toBe('U_NIT');
    expect(answer.text).toContain(
      'Importing the history of Jira items matching `project = ED` changed since 2026-01-01',
    );
    expect(answer.text).toContain('about 3 items');
    await s.trackers.imports.idle();
    await s.trackers.worker.idle();
    const posts = s.fake.callsTo('chat.postMessage').map((c) => c.body);
    const started = posts.find((p) => blocksToText(p.blocks).includes('is importing the history of Jira items'))!;
    expect(started).toMatchObject({ channel: 'C1' });
    expect(started.thread_ts).toBeUndefined();
    expect(blocksToText(posts.at(-1)!.blocks)).toContain('The Jira import is done.');
    const nexus = (await s.store.nexuses.findByChannel('T1', 'C1'))!;
    expect(await s.store.pbis.get(nexus.id, 'ED-3')).toMatchObject({ stage: 'integrated' });
    const apiToken = jira.token.split(':')[1];
    expect(JSON.stringify(s.fake.calls)).not.toContain(apiToken);
    expect(captured.text()).not.toContain(apiToken);
    expect((await db().prisma.importJob.findFirstOrThrow()).sealedToken).not.toContain(apiToken);
  });

  test('only the NIT may open the form or submit it; nor does it open for a tracker not connected', async () => {
    const opened = await open('import jira', { user_id: 'U_OTHER' });
    expect(opened.view).toBeNull();
    expect(opened.replies[0].text).toContain('Only the Nexus Integration Team (<@U_NIT>)');
    const view = (await open('import jira')).view!;
    expect(await submit(view, {}, 'U_OTHER')).toBeNull(); // the form closes: nothing in it can make it right
    expect(toldPrivately()).toEqual([
      { user: 'U_OTHER', text: expect.stringContaining('Only the Nexus Integration Team') },
    ]);
    expect(jira.requests).toEqual([]); // Jira is not even asked
    expect(await db().prisma.importJob.count()).toBe(0);

    await s.command('/nexus', 'tracker jira disconnect');
    const unconnected = await open('import jira');
    expect(unconnected.view).toBeNull();
    expect(unconnected.replies[0].text).toContain('Connect Jira first, with `/nexus tracker jira`');
  });

  test('every tracker an import reads gets the form, with its own hints', async () => {
    for (const kind of IMPORTABLE) {
      await s.command('/nexus', `tracker ${kind}`);
      const view = (await open(`import ${kind}`)).view!;
      const hint = IMPORT_HINTS[kind]!;
      expect(view.title.text).toBe(`Import from ${TRACKER_NAMES[kind]}`.slice(0, 24));
      expect(block(view, 'url').element.initial_value).toBe(DEFAULT_URLS[kind]);
      expect(block(view, 'url').element.placeholder.text).toBe(hint.url);
      expect(block(view, 'token').element.placeholder.text).toBe(hint.token);
      expect(block(view, 'token').hint.text).toContain(hint.tokenWhere);
      expect(block(view, 'query').element.placeholder.text).toBe(hint.query);
    }
  });

  test('the query goes in as typed: a project name in quotes is one word, a quote left open is shown on the field', async () => {
    const azure = await startFakeAzure();
    try {
      await s.command('/nexus', 'tracker azure');
      const view = (await open(`import azure "${AZURE_PROJECT}"`)).view!;
      expect(block(view, 'query').element.initial_value).toBe(`"${AZURE_PROJECT}"`);
      const form = { url: azure.url, token: azure.token };
      expect((await submit(view, { ...form, query: `"${AZURE_PROJECT}` }))!.errors.query).toContain('quote');
      expect(await submit(view, { ...form, query: `“${AZURE_PROJECT}” [System.State] = 'Active'` })).toBeNull();
      expect(toldPrivately()[0].text).toContain('Importing the history of Azure DevOps items');
      // exactly what `/nexus import azure "Fabrikam Fiber" [System.State] = 'Active'` would have started
      expect((await db().prisma.importJob.findFirstOrThrow()).query).toBe(
        `"${AZURE_PROJECT}" [System.State] = 'Active'`,
      );
    } finally {
      await s.trackers.imports.idle();
      await azure.close();
    }
  });

  test('a tracker slower to answer than Slack waits for a form: the form closes and the answer comes as a message', async () => {
    const view = (await open('import jira')).view!;
    jira.failNext(1, 429, { headers: { 'retry-after': '3' }, when: (p) => p === '/rest/api/3/status' });
    expect(await submit(view, { token: 'nit@example.com:ATATT3x-wrong-secret-4711' })).toBeNull();
    expect(toldPrivately()).toEqual([
      { user: 'U_NIT', text: expect.stringContaining('Nothing was imported. Jira refused the token (401)') },
    ]);
    expect(await db().prisma.importJob.count()).toBe(0);
  }, 30_000);
});
