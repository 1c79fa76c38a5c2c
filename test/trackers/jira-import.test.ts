import { Writable } from 'node:stream';
import { DateTime } from 'luxon';
import { consoleImportPoster } from '../../src/console/local-server';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { inChannel } from '../../src/render/reply';
import { type FakeIssue, type FakeJira, jiraIssues, startFakeJira, statusNamed } from '../support/fake-jira';
import { commandHarness, type Harness } from '../support/harness';
import { appliedInOrder, flowView } from '../support/import-expectations';
import { describeEachDatabase } from '../support/setup-db';
import { post, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, importSummary, runImport, serveTrackers, type TrackerServer } from '../support/tracker-server';

const START = DateTime.fromISO('2026-01-05T09:00:00Z');

describeEachDatabase('/nexus import jira', (db) => {
  let h: Harness;
  let jira: FakeJira;
  let trackers: TrackerServer;
  let nexusId: string;
  let secret: string;

  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta');
    nexusId = (await h.nexus()).id;
    secret = await connectTracker(h, 'jira');
    jira = await startFakeJira();
    trackers = await serveTrackers(h, () => h.now);
  });
  afterEach(async () => {
    await trackers.close();
    await jira.close();
  });

  const line = (extra = '') =>
    `/nexus import jira ${extra} --url ${jira.url} --token ${jira.token}`.replace(/ +/g, ' ');
  const importing = (extra = '') => runImport(h, trackers, line(extra));
  const events = () =>
    db().prisma.event.findMany({ where: { nexusId, pbiKey: { not: null } }, orderBy: { id: 'asc' } });
  const summary = () => importSummary(trackers);
  /** The backlog's keys, top down, as /flow backlog lists them. */
  const backlog = async () => [...(await h.run('/flow backlog')).plain.matchAll(/^\d+\. (ED-\d+)/gm)].map((m) => m[1]);

  test('a full import: every item at its stage with its flow dates, its moves recorded at their times', async () => {
    const issues = [
      ...jiraIssues(START, 3),
      ...jiraIssues(START.plus({ days: 5 }), 1, ['In Progress']).map((i) => ({ ...i, id: '11000', key: 'ED-9' })),
      { ...jiraIssues(START.plus({ days: 6 }), 1, [])[0], id: '12000', key: 'ED-10' },
      { ...jiraIssues(START.plus({ days: 7 }), 1, ['Parked'])[0], id: '13000', key: 'ED-11' },
    ];
    jira.setIssues(issues);
    const reply = await importing();
    expect(reply.visibility).toBe('ephemeral'); // the command carries the token: never echoed in the channel
    expect(reply.plain).toContain('Importing the history of Jira items changed since 2025-09-03');
    expect(reply.plain).toContain('about 6 items');

    const done = await h.store.pbis.get(nexusId, 'ED-1');
    expect(done).toMatchObject({ stage: 'integrated', title: 'Issue 1' });
    expect(done!.url).toBe(`${jira.url}/browse/ED-1`);
    expect(done!.createdAt.toMillis()).toBe(START.toMillis());
    expect(done!.startedAt!.toMillis()).toBe(START.plus({ days: 2 }).toMillis());
    expect(done!.finishedAt!.toMillis()).toBe(START.plus({ days: 2, hours: 1 }).toMillis());
    expect(done!.squares.map((s) => s.team)).toEqual(['Alpha']);
    expect(await h.store.pbis.get(nexusId, 'ED-9')).toMatchObject({ stage: 'in-progress' });
    expect(await h.store.pbis.get(nexusId, 'ED-10')).toMatchObject({ stage: 'discovery' });
    // a status of Jira's "No Category" has no stage: held, and the summary says how to map it
    expect(await h.store.pbis.get(nexusId, 'ED-11')).toMatchObject({ stage: 'discovery' });
    const recorded = await events();
    expect(new Set(recorded.map((e) => e.source))).toEqual(new Set(['import:jira']));
    expect(recorded.filter((e) => e.pbiKey === 'ED-1').map((e) => [e.type, e.occurredAt.toISOString()])).toEqual([
      ['pbi.added', START.toJSDate().toISOString()],
      ['pbi.moved', START.toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2 }).toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2, hours: 1 }).toJSDate().toISOString()],
    ]);

    expect(trackers.news).toEqual([]); // no news per historical move
    const [started, ...thread] = trackers.imports;
    expect(started).toMatchObject({ thread: null });
    expect(started.text).toContain(
      '@U_NIT is importing the history of Jira items changed since 2025-09-03. Jira finds about 6 items.',
    );
    expect(thread.every((m) => m.thread === 'ts-1')).toBe(true);
    expect(thread.at(-1)!.broadcast).toBe(true);
    expect(summary()).toContain('The Jira import is done.');
    expect(summary()).toContain('6 items and 14 status changes read (1 page read)');
    expect(summary()).toContain('13 changes applied');
    expect(summary()).toContain('Parked: 1 change');
    expect(summary()).toContain('/nexus map jira "Parked" <stage>');
    const status = await h.run('/nexus import status');
    expect(status.plain).toContain('The Jira import is done.');
    expect(await db().prisma.importJob.findFirstOrThrow()).toMatchObject({ state: 'done', sealedToken: '' });
  });

  test('"is blocked by" and "blocks" links become dependencies, whichever issue comes first', async () => {
    const [one, two, three] = jiraIssues(START, 3, ['In Progress']);
    // ED-2 names ED-3 before ED-3 exists: ED-3's own "blocks ED-2" brings it; a "relates to" is no dependency
    two.links = [{ blockedBy: 'ED-1' }, { blockedBy: 'ED-3' }, { relatesTo: 'ED-1' }];
    three.links = [{ blocks: 'ED-2' }, { blockedBy: 'ED-99' }];
    jira.setIssues([one, two, three]);
    await importing();
    expect(summary()).toContain('The Jira import is done.');
    expect((await h.store.pbis.get(nexusId, 'ED-2'))!.dependsOn).toEqual(['ED-1', 'ED-3']);
    expect((await h.store.pbis.get(nexusId, 'ED-3'))!.dependsOn).toEqual([]);
    const recorded = (await events()).filter((e) => e.type === 'pbi.dependency-added');
    expect(recorded.map((e) => [e.pbiKey, e.source])).toEqual([
      ['ED-2', 'import:jira'],
      ['ED-2', 'import:jira'],
    ]);
  });

  test("Jira's rank orders its PBIs; a /pbi rank stands until Jira reorders the issue (import or webhook)", async () => {
    const issues = jiraIssues(START, 4, ['In Progress']);
    const ranks = ['0|i0000m:', '0|i0000c:', '0|i0000z:', '0|i00005:'];
    issues.forEach((issue, i) => {
      issue.rank = ranks[i];
    });
    jira.setIssues(issues);
    await importing();
    expect(jira.requests.some((r) => r.path === '/rest/api/3/field')).toBe(true);
    expect(await backlog()).toEqual(['ED-4', 'ED-2', 'ED-1', 'ED-3']);
    const placed = (await events()).filter((e) => e.type === 'pbi.tracker-ordered');
    expect(placed.map((e) => [e.pbiKey, e.source])).toHaveLength(4);

    h.advance({ minutes: 5 });
    await h.run('/pbi rank ED-3 top');
    h.advance({ minutes: 5 });
    await importing(); // Jira's ranks as before: the ranking made here stands
    expect(await backlog()).toEqual(['ED-3', 'ED-4', 'ED-2', 'ED-1']);

    issues[0].rank = '0|i00001:'; // ED-1 dragged to the top of Jira's backlog
    h.advance({ minutes: 5 });
    await importing();
    expect(await backlog()).toEqual(['ED-3', 'ED-1', 'ED-4', 'ED-2']);

    // ED-2 dragged to the top in Jira: its webhook (a Rank change alone) moves it before the top Jira issue
    const { json, deliveryId } = statusChange('jira', 2, 'In Progress', h.now, { createdAt: issues[1].created });
    json.issue.self = `${jira.url}/rest/api/3/issue/${issues[1].id}`;
    json.issue.fields.customfield_10019 = '0|i00000:';
    json.changelog.items = [
      {
        field: 'Rank',
        fieldtype: 'custom',
        fieldId: 'customfield_10019',
        from: '',
        fromString: '',
        to: '',
        toString: 'Ranked higher',
      },
    ];
    expect((await post(trackers.url, 'jira', nexusId, signed('jira', json, deliveryId, secret, h.now))).status).toBe(
      202,
    );
    await trackers.inbox.worker.idle();
    expect(await backlog()).toEqual(['ED-3', 'ED-2', 'ED-1', 'ED-4']);
    expect((await h.run('/pbi show ED-2')).plain).toContain("jira's own order placed it");
  });

  test('links over time: a link removed (webhook) or made again (import) ends as Jira has them; /pbi depends stays', async () => {
    const issues = jiraIssues(START, 3, ['In Progress']);
    issues[1].links = [{ blockedBy: 'ED-1' }];
    issues[0].links = [{ blocks: 'ED-2' }];
    jira.setIssues(issues);
    await importing();
    await h.run('/pbi depends ED-2 on ED-3');
    expect((await h.store.pbis.get(nexusId, 'ED-2'))!.dependsOn).toEqual(['ED-1', 'ED-3']);

    // the link removed in Jira: its jira:issue_updated ("Link" changelog item) on ED-2 has no issuelinks left
    const { json, deliveryId } = statusChange('jira', 2, 'In Progress', h.now, { createdAt: issues[1].created });
    json.issue.self = `${jira.url}/rest/api/3/issue/${issues[1].id}`;
    json.issue.fields.issuelinks = [];
    json.changelog.items = [
      {
        field: 'Link',
        fieldtype: 'jira',
        from: 'ED-1',
        fromString: 'This issue is blocked by ED-1',
        to: null,
        toString: null,
      },
    ];
    expect((await post(trackers.url, 'jira', nexusId, signed('jira', json, deliveryId, secret, h.now))).status).toBe(
      202,
    );
    await trackers.inbox.worker.idle();
    expect((await h.store.pbis.get(nexusId, 'ED-2'))!.dependsOn).toEqual(['ED-3']); // typed here: kept
    expect((await h.run('/pbi show ED-2')).plain).toContain('took away its dependency on ED-1');

    issues[1].links = [];
    issues[0].links = [];
    h.advance({ minutes: 5 });
    await importing(); // Jira as the webhook said: nothing changes
    expect((await h.store.pbis.get(nexusId, 'ED-2'))!.dependsOn).toEqual(['ED-3']);
    issues[2].links = [{ blockedBy: 'ED-1' }]; // a link made in Jira meanwhile, brought by the next import
    issues[0].links = [{ blocks: 'ED-3' }];
    h.advance({ minutes: 5 });
    await importing();
    expect((await h.store.pbis.get(nexusId, 'ED-3'))!.dependsOn).toEqual(['ED-1']);
    issues[2].links = [];
    issues[0].links = [];
    h.advance({ minutes: 5 });
    await importing(); // and taken away by the one after it was removed
    expect((await h.store.pbis.get(nexusId, 'ED-3'))!.dependsOn).toEqual([]);
  });

  test("links that would close a cycle are left out, and the import's summary says which", async () => {
    const issues = jiraIssues(START, 2, ['In Progress']);
    issues[0].links = [{ blockedBy: 'ED-2' }, { blocks: 'ED-2' }];
    issues[1].links = [{ blocks: 'ED-1' }, { blockedBy: 'ED-1' }];
    jira.setIssues(issues);
    await importing();
    const one = (await h.store.pbis.get(nexusId, 'ED-1'))!.dependsOn;
    const two = (await h.store.pbis.get(nexusId, 'ED-2'))!.dependsOn;
    expect([...one, ...two]).toHaveLength(1); // the first read stands; its reverse would close a cycle
    expect(summary()).toMatch(
      /Skipped \d+ items?: a link of ED-\d that would close a dependency cycle \(ED-\d → ED-\d → ED-\d\)/,
    );
  });

  test('the tables an import grew have their statistics gathered when it ends, not at the next check', async () => {
    jira.setIssues(jiraIssues(START, 300));
    await importing();
    expect(summary()).toContain('The Jira import is done.');
    // ANALYZE of a table this small reads every row: its estimate is then exactly what the import left
    const [row] = await db().prisma.$queryRaw<{ estimated: number; stored: bigint }[]>`
      SELECT (SELECT reltuples::int FROM pg_class WHERE oid = '"Delivery"'::regclass) AS estimated,
        (SELECT count(*) FROM "Delivery") AS stored`;
    expect(Number(row.stored)).toBeGreaterThan(900);
    expect(row.estimated).toBe(Number(row.stored));
  });

  test('a second import changes nothing, even once the inbox forgot the first', async () => {
    jira.setIssues(jiraIssues(START, 4));
    await importing();
    const first = await events();
    const pbis = await db().prisma.pbi.findMany({ orderBy: { key: 'asc' } });

    await importing();
    expect(await events()).toEqual(first);
    expect(summary()).toContain('12 changes an earlier import had brought');
    // applied deliveries are pruned after INBOX_KEEP_DAYS: their ids no longer tell a change was seen
    await db().prisma.delivery.deleteMany({});
    await importing();
    expect(await events()).toEqual(first);
    expect(summary()).toContain('0 changes applied to the history; 12 were already in it');
    expect(await db().prisma.pbi.findMany({ orderBy: { key: 'asc' } })).toEqual(
      pbis.map((p) => ({ ...p, version: expect.any(Number), revision: expect.any(Number) })),
    );
  });

  test('an import while the same items’ webhooks arrive ends as every change replayed in order', async () => {
    const issues = jiraIssues(START, 30, ['In Progress', 'Done']);
    jira.setIssues(issues);
    // the webhooks of every issue's moves, sent while the import reads and applies the same moves
    const webhooks = issues.flatMap((issue) => issue.moves.map((move, k) => webhook(issue, k, move)));
    const sending = (async () => {
      for (const w of webhooks) expect((await w()).status).toBe(202);
    })();
    await importing();
    await sending;
    await trackers.inbox.worker.idle();

    const nexus = await h.nexus();
    for (const issue of issues) {
      const history = (await h.store.pbis.history(nexusId, issue.key)) as PbiEvent[];
      expect(history.filter((e) => e.type === 'pbi.moved')).toHaveLength(1 + issue.moves.length);
      expect(flowView(await h.store.pbis.get(nexusId, issue.key))).toEqual(flowView(replay(history, nexus.workflow)!));
      expect(flowView(await h.store.pbis.get(nexusId, issue.key))).toEqual(flowView(inOrder(issue)));
    }
  });

  test('a token Jira refuses, a query it rejects, an address that does not answer: one clear refusal, nothing stored', async () => {
    const wrong = await h.run(`/nexus import jira --url ${jira.url} --token nit@example.com:wrong`);
    expect(wrong.plain).toContain('Nothing was imported. Jira refused the token (401)');
    jira.rejectJql((jql) => jql.includes('nonsense'));
    const bad = await h.run(line('project = ED AND nonsense'));
    expect(bad.plain).toContain(
      "Jira rejected the query (400): Error in the JQL Query: Expecting operator but got 'nonsense'",
    );
    const away = await h.run(`/nexus import jira --url http://127.0.0.1:9 --token ${jira.token}`);
    expect(away.plain).toContain('Jira did not answer at http://127.0.0.1:9 (ECONNREFUSED)');
    // the console has no form to ask for a token (Slack's opens one): it says how to give it
    expect((await h.run(`/nexus import jira --url ${jira.url}`)).plain).toContain(
      'Give a token that can read it: --token you@example.com:<API token> (Atlassian account → Security → API tokens).',
    );
    expect((await h.run('/nexus help')).plain).toContain('in Slack, typed without --token it opens a form');
    expect(await db().prisma.importJob.count()).toBe(0);
    expect(await db().prisma.delivery.count()).toBe(0);
  });

  test('a token refused in the middle of an import ends it, naming Jira and what the token lacks', async () => {
    jira.setIssues(jiraIssues(START, 3));
    jira.failNext(1, 403, {
      body: { errorMessages: ['You do not have permission'], errors: {} },
      when: (p) => p.endsWith('/search/jql'),
    });
    await importing();
    expect(summary()).toContain(
      "The Jira import stopped: Jira answered 403: the token's user lacks the Browse projects permission",
    );
    expect((await db().prisma.importJob.findFirstOrThrow()).state).toBe('failed');
    expect(await db().prisma.pbi.count()).toBe(0);
  });

  test('Jira asking to slow down (429 with Retry-After) is obeyed, and the import completes', async () => {
    jira.setIssues(jiraIssues(START, 3));
    jira.failNext(2, 429, { headers: { 'Retry-After': '1' }, when: (p) => p.endsWith('/bulkfetch') });
    await importing();
    const limited = jira.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    const retried = jira.requests.filter((r) => r.path.endsWith('/bulkfetch') && r.at >= limited[1].at + 1_000);
    expect(retried.length).toBeGreaterThan(0);
    expect(summary()).toContain('The Jira import is done.');
    expect(await h.store.pbis.get(nexusId, 'ED-3')).toMatchObject({ stage: 'integrated' });
  });

  test('a page’s changelogs come in one bulk request; a Jira without it is read issue by issue, skipping one gone', async () => {
    jira.setIssues(jiraIssues(START, 3));
    await importing();
    expect(jira.requests.filter((r) => r.path.endsWith('/changelog'))).toEqual([]);
    expect(jira.requests.filter((r) => r.path.endsWith('/bulkfetch'))).toHaveLength(1);
    const first = await events();

    const old = jira;
    jira = await startFakeJira({ issues: jiraIssues(START, 5), bulkChangelogs: false });
    await old.close();
    jira.failNext(1, 404, {
      body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
      when: (p) => p === '/rest/api/3/issue/10004/changelog',
    });
    await importing();
    expect(jira.requests.filter((r) => r.path.endsWith('/bulkfetch')).map((r) => r.status)).toEqual([404]);
    expect(jira.requests.filter((r) => r.path.endsWith('/changelog'))).toHaveLength(5);
    expect(summary()).toContain('Skipped 1 item: gone from Jira (or hidden from the token) while it was read.');
    expect(await h.store.pbis.get(nexusId, 'ED-4')).toMatchObject({ stage: 'integrated' });
    expect(await h.store.pbis.get(nexusId, 'ED-5')).toBeNull();
    expect((await events()).slice(0, first.length)).toEqual(first);
  });

  test('one import at a time; status follows it; cancel stops it', async () => {
    await trackers.inbox.imports.stop(); // the import waits for a worker: this test looks at it before it runs
    jira.setIssues(jiraIssues(START, 3));
    await h.run(line());
    const again = await h.run(line());
    expect(again.plain).toContain('An import from Jira is under way');
    expect((await h.run('/nexus import status')).plain).toContain('Importing Jira items changed since 2025-09-03');
    const cancelled = await h.run('/nexus import cancel');
    expect(cancelled.visibility).toBe('channel');
    expect(cancelled.plain).toContain('@U_NIT cancelled the Jira import');
    expect((await h.run('/nexus import cancel')).plain).toContain('No import is under way');
    trackers.inbox.imports.kick();
    await trackers.inbox.imports.idle();
    expect(await db().prisma.delivery.count()).toBe(0);
  });

  test('Jira must be connected first; generic webhooks have no history to read', async () => {
    await h.run('/nexus tracker jira disconnect');
    expect((await h.run(line())).plain).toContain('Connect Jira first, with /nexus tracker jira');
    expect((await h.run(`/nexus import generic --url ${jira.url} --token x`)).plain).toContain(
      'Generic webhooks have no API to read history from: bring it as a CSV file instead',
    );
  });

  /** The webhook Jira sends for the issue's k-th move, as the fake Jira's own issue says it. */
  function webhook(issue: FakeIssue, k: number, move: FakeIssue['moves'][number]) {
    const from = k === 0 ? issue.initial : issue.moves[k - 1].to;
    const { json, deliveryId } = statusChange('jira', Number(issue.key.slice(3)), move.to, move.at, {
      from,
      createdAt: issue.created,
    });
    json.issue.self = `${jira.url}/rest/api/3/issue/${issue.id}`;
    json.issue.fields.summary = issue.summary;
    json.issue.fields.labels = [];
    json.issue.fields.status = statusNamed(move.to);
    json.changelog.items[0] = { ...json.changelog.items[0], from: statusNamed(from).id, to: statusNamed(move.to).id };
    return () => post(trackers.url, 'jira', nexusId, signed('jira', json, deliveryId, secret, DateTime.utc()));
  }

  /** The issue as its changes make it applied one by one, in order: its creation, then each move. */
  function inOrder(issue: FakeIssue): Pbi {
    const stages: Record<string, string> = { 'To Do': 'discovery', 'In Progress': 'in-progress', Done: 'integrated' };
    const entries = [
      { at: issue.created, stage: stages[issue.initial] },
      ...issue.moves.map((m) => ({ at: m.at, stage: stages[m.to] })),
    ];
    return appliedInOrder({ key: issue.key, title: issue.summary, created: issue.created, entries }, 'jira');
  }
});

describe('an import in the console', () => {
  test('its messages are printed: the first as the channel’s, the rest as its thread’s', async () => {
    let printed = '';
    const output = new Writable({
      write(chunk, _encoding, done) {
        printed += String(chunk);
        done();
      },
    });
    const post = consoleImportPoster(output);
    const ts = await post('n1', inChannel('📥 Importing'), null);
    expect(await post('n1', inChannel('✅ Done'), { ts: ts!, broadcast: true })).toBeNull();
    expect(printed).toBe("[posted in the Nexus channel]\n📥 Importing\n\n[in the import's thread]\n✅ Done\n\n");
  });
});
