import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { CLOSED, OPENED } from '../../src/trackers/gitlab';
import { labelEvent, stateEvent, statusChanges } from '../../src/trackers/history/gitlab';
import { gitlabAnswer, readFailure } from '../../src/trackers/history/gitlab-answers';
import { type FakeGitlab, type FakeGitlabIssue, gitlabIssues, startFakeGitlab } from '../support/fake-gitlab';
import { commandHarness, type Harness } from '../support/harness';
import { appliedInOrder, flowView } from '../support/import-expectations';
import { describeEachDatabase } from '../support/setup-db';
import { post, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, importSummary, runImport, serveTrackers, type TrackerServer } from '../support/tracker-server';

const START = DateTime.fromISO('2026-01-05T09:00:00Z');
const KEY = 'gitlabhq/gitlab-test';

describeEachDatabase('/nexus import gitlab', (db) => {
  let h: Harness;
  let gitlab: FakeGitlab;
  let trackers: TrackerServer;
  let nexusId: string;
  let secret: string;

  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta');
    nexusId = (await h.nexus()).id;
    secret = await connectTracker(h, 'gitlab');
    gitlab = await startFakeGitlab();
    trackers = await serveTrackers(h, () => h.now);
  });
  afterEach(async () => {
    await trackers.close();
    await gitlab.close();
  });

  const line = (project = KEY, extra = '') =>
    `/nexus import gitlab ${project} ${extra} --url ${gitlab.url} --token ${gitlab.token}`.replace(/ +/g, ' ');
  const importing = (project = KEY, extra = '') => runImport(h, trackers, line(project, extra));
  const events = () =>
    db().prisma.event.findMany({ where: { nexusId, pbiKey: { not: null } }, orderBy: { id: 'asc' } });
  const summary = () => importSummary(trackers);

  test('a full import: every issue at its stage with its flow dates, its moves recorded at their times', async () => {
    gitlab.setIssues([
      ...gitlabIssues(START, 3),
      ...gitlabIssues(START.plus({ days: 5 }), 1, ['In Progress'], 9),
      ...gitlabIssues(START.plus({ days: 6 }), 1, [], 10),
      ...gitlabIssues(START.plus({ days: 7 }), 1, ['Parked'], 11),
      ...gitlabIssues(START.plus({ days: 8 }), 1, ['In Progress', 'closed', 'reopened'], 12),
    ]);
    const reply = await importing();
    expect(reply.visibility).toBe('ephemeral'); // the command carries the token: never echoed in the channel
    expect(reply.plain).toContain(`Importing the history of GitLab items matching ${KEY} changed since 2025-09-03`);
    expect(reply.plain).toContain('about 7 items');

    const done = await h.store.pbis.get(nexusId, `${KEY}#1`);
    expect(done).toMatchObject({ stage: 'integrated', title: 'Issue 1' });
    expect(done!.url).toBe(`${gitlab.url}/${KEY}/-/issues/1`);
    expect(done!.createdAt.toMillis()).toBe(START.toMillis());
    expect(done!.startedAt!.toMillis()).toBe(START.plus({ days: 2 }).toMillis());
    expect(done!.finishedAt!.toMillis()).toBe(START.plus({ days: 2, hours: 1 }).toMillis());
    expect(done!.squares.map((s) => s.team)).toEqual(['Alpha']);
    expect(await h.store.pbis.get(nexusId, `${KEY}#9`)).toMatchObject({ stage: 'in-progress' });
    expect(await h.store.pbis.get(nexusId, `${KEY}#10`)).toMatchObject({ stage: 'ready' });
    // workflow::Parked has no stage: held, and the summary says how to map it
    expect(await h.store.pbis.get(nexusId, `${KEY}#11`)).toMatchObject({ stage: 'ready' });
    // closed, then reopened: back in progress, no longer finished
    expect(await h.store.pbis.get(nexusId, `${KEY}#12`)).toMatchObject({ stage: 'in-progress', finishedAt: null });
    const recorded = await events();
    expect(new Set(recorded.map((e) => e.source))).toEqual(new Set(['import:gitlab']));
    expect(recorded.filter((e) => e.pbiKey === `${KEY}#1`).map((e) => [e.type, e.occurredAt.toISOString()])).toEqual([
      ['pbi.added', START.toJSDate().toISOString()],
      ['pbi.moved', START.toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2 }).toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2, hours: 1 }).toJSDate().toISOString()],
    ]);

    expect(trackers.news).toEqual([]); // no news per historical move
    const [started, ...thread] = trackers.imports;
    expect(started.text).toContain(`@U_NIT is importing the history of GitLab items matching ${KEY} changed since`);
    expect(started.text).toContain('GitLab finds about 7 items.');
    expect(thread.every((m) => m.thread === 'ts-1')).toBe(true);
    expect(summary()).toContain('The GitLab import is done.');
    expect(summary()).toContain('7 items and 18 status changes read (1 page read)');
    expect(summary()).toContain('17 changes applied');
    expect(summary()).toContain('Parked: 1 change');
    expect(summary()).toContain('/nexus map gitlab "Parked" <stage>');
    expect(await db().prisma.importJob.findFirstOrThrow()).toMatchObject({ state: 'done', sealedToken: '' });
    // the issues updated since the date, oldest created first, a page of 100
    const listed = gitlab.requests.filter((r) => r.path.endsWith('/issues'));
    expect(listed.at(-1)!.query.get('updated_after')).toBe('2025-09-03T00:00:00.000Z');
    expect(listed.at(-1)!.query.get('order_by')).toBe('created_at');
    expect(listed.at(-1)!.query.get('sort')).toBe('asc');
    expect(listed.at(-1)!.query.get('per_page')).toBe('100');
  });

  test('a second import changes nothing, even once the inbox forgot the first', async () => {
    gitlab.setIssues(gitlabIssues(START, 4));
    await importing();
    const first = await events();
    const pbis = await db().prisma.pbi.findMany({ orderBy: { key: 'asc' } });

    await importing();
    expect(await events()).toEqual(first);
    expect(summary()).toContain('12 changes an earlier import had brought');
    await db().prisma.delivery.deleteMany({});
    await importing();
    expect(await events()).toEqual(first);
    expect(summary()).toContain('0 changes applied to the history; 12 were already in it');
    expect(await db().prisma.pbi.findMany({ orderBy: { key: 'asc' } })).toEqual(
      pbis.map((p) => ({ ...p, version: expect.any(Number), revision: expect.any(Number) })),
    );
  });

  test('an import while the same issues’ webhooks arrive ends as every change replayed in order', async () => {
    const issues = gitlabIssues(START, 30, ['In Progress', 'Integrated']);
    gitlab.setIssues(issues);
    // the webhooks of every issue's moves, sent while the import reads and applies the same moves
    const webhooks = issues.flatMap((issue) => issue.moves.map((_, k) => webhook(issue, k)));
    const sending = (async () => {
      for (const w of webhooks) expect((await w()).status).toBe(202);
    })();
    await importing();
    await sending;
    await trackers.inbox.worker.idle();

    const nexus = await h.nexus();
    for (const issue of issues) {
      const key = `${KEY}#${issue.iid}`;
      const history = (await h.store.pbis.history(nexusId, key)) as PbiEvent[];
      expect(history.filter((e) => e.type === 'pbi.moved')).toHaveLength(1 + issue.moves.length);
      expect(flowView(await h.store.pbis.get(nexusId, key))).toEqual(flowView(replay(history, nexus.workflow)!));
      expect(flowView(await h.store.pbis.get(nexusId, key))).toEqual(flowView(inOrder(issue)));
    }
  });

  test('a token GitLab refuses, a project it has not, an address that does not answer: one clear refusal, nothing stored', async () => {
    const wrong = await h.run(`/nexus import gitlab ${KEY} --url ${gitlab.url} --token glpat-wrong`);
    expect(wrong.plain).toContain('Nothing was imported. GitLab refused the token (401)');
    expect(wrong.plain).toContain('read_api');
    const missing = await h.run(line('gitlabhq/nope'));
    expect(missing.plain).toContain(
      'GitLab rejected the query (404): there is no project gitlabhq/nope, or the token cannot see it',
    );
    const closed = await startFakeGitlab();
    await closed.close(); // a port nothing listens on any more
    const away = await h.run(`/nexus import gitlab ${KEY} --url ${closed.url} --token ${gitlab.token}`);
    expect(away.plain).toContain(`GitLab did not answer at ${closed.url} (ECONNREFUSED)`);
    expect(away.plain).toContain('https://gitlab.example.com');
    // no project named: refused before GitLab is asked
    const asked = gitlab.requests.length;
    const unnamed = await h.run(`/nexus import gitlab --url ${gitlab.url} --token ${gitlab.token}`);
    expect(unnamed.plain).toContain('Say which project to read: /nexus import gitlab <group/project>');
    expect((await h.run(line('gitlab-test'))).plain).toContain(
      'Say which project to read, as <group/project> (not gitlab-test)',
    );
    expect(gitlab.requests).toHaveLength(asked);
    expect(await db().prisma.importJob.count()).toBe(0);
    expect(await db().prisma.delivery.count()).toBe(0);
  });

  test('a token refused in the middle of an import ends it, naming GitLab and the scope it lacks', async () => {
    gitlab.setIssues(gitlabIssues(START, 3));
    gitlab.failNext(1, 403, {
      body: gitlab.errors.insufficientScope,
      when: (p) => p.endsWith('/resource_label_events'),
    });
    await importing();
    expect(summary()).toContain('The GitLab import stopped: GitLab answered 403: the token lacks the read_api scope');
    expect((await db().prisma.importJob.findFirstOrThrow()).state).toBe('failed');
    expect(await db().prisma.pbi.count()).toBe(0);
  });

  test('GitLab asking to slow down (429 with Retry-After) is obeyed, and the import completes', async () => {
    gitlab.setIssues(gitlabIssues(START, 3));
    const reset = String(Math.ceil(Date.now() / 1000) + 60);
    gitlab.failNext(2, 429, {
      headers: { 'Retry-After': '1', 'RateLimit-Reset': reset, 'RateLimit-Remaining': '0' },
      when: (p) => p.endsWith('/issues/2/resource_state_events'),
    });
    await importing();
    const limited = gitlab.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    expect(limited[1].at - limited[0].at).toBeGreaterThanOrEqual(1_000);
    const retried = gitlab.requests.filter(
      (r) => r.path.endsWith('/issues/2/resource_state_events') && r.status === 200,
    );
    expect(retried).toHaveLength(1);
    expect(retried[0].at).toBeGreaterThanOrEqual(limited[1].at + 1_000);
    expect(summary()).toContain('The GitLab import is done.');
    expect(await h.store.pbis.get(nexusId, `${KEY}#2`)).toMatchObject({ stage: 'integrated' });
  });

  test('issues come a page of 100 at a time and events page by page; an issue gone meanwhile is skipped', async () => {
    const old = gitlab;
    gitlab = await startFakeGitlab({ issues: gitlabIssues(START, 101, ['In Progress']), eventsPerPage: 2 });
    await old.close();
    gitlab.failNext(1, 404, {
      body: gitlab.errors.notFound,
      when: (p) => p.endsWith('/issues/7/resource_label_events'),
    });
    await importing();
    const listed = gitlab.requests.filter((r) => r.path.endsWith('/issues') && r.query.get('per_page') === '100');
    expect(listed.map((r) => r.query.get('page'))).toEqual(['1', '2']);
    // four label events (Alpha and workflow::Ready at creation, then In Progress added and Ready removed), two a page
    expect(gitlab.requests.filter((r) => r.path.endsWith('/issues/1/resource_label_events'))).toHaveLength(2);
    expect(summary()).toContain('Skipped 1 item: gone from GitLab (or hidden from the token) while it was read.');
    expect(summary()).toContain('100 items and 200 status changes read (2 pages read)');
    expect(await h.store.pbis.get(nexusId, `${KEY}#101`)).toMatchObject({ stage: 'in-progress' });
    expect(await h.store.pbis.get(nexusId, `${KEY}#7`)).toBeNull();
  });

  /** The webhook GitLab sends for the issue's k-th move (a workflow label replacing the one before). */
  function webhook(issue: FakeGitlabIssue, k: number) {
    const move = issue.moves[k];
    const from = k === 0 ? issue.initial : issue.moves[k - 1].to;
    const { json, deliveryId } = statusChange('gitlab', issue.iid, move.to, move.at, {
      from,
      createdAt: issue.created,
    });
    json.object_attributes.title = issue.title;
    json.object_attributes.url = `${gitlab.url}/${KEY}/-/issues/${issue.iid}`;
    json.labels = [{ title: 'Alpha' }, { title: `workflow::${move.to}` }];
    return () => post(trackers.url, 'gitlab', nexusId, signed('gitlab', json, deliveryId, secret, DateTime.utc()));
  }

  /** The issue as its changes make it applied one by one, in order: its creation in Ready, then each move. */
  function inOrder(issue: FakeGitlabIssue): Pbi {
    const stages: Record<string, string> = { Ready: 'ready', 'In Progress': 'in-progress', Integrated: 'integrated' };
    const entries = [
      { at: issue.created, stage: stages[issue.initial!] },
      ...issue.moves.map((m) => ({ at: m.at, stage: stages[m.to] })),
    ];
    const key = `${KEY}#${issue.iid}`;
    return appliedInOrder({ key, title: issue.title, created: issue.created, entries }, 'gitlab');
  }
});

describe("GitLab's answers, read as the import reads them", () => {
  const fixture = (name: string) =>
    JSON.parse(readFileSync(path.join(__dirname, '../fixtures/trackers/gitlab-api', name), 'utf8'));

  test('the published examples: a reopen, a label added as another is removed at that instant (one change, after the reopen), a close', () => {
    const states = z.array(stateEvent).parse(fixture('resource-state-events.json'));
    const labels = z.array(labelEvent).parse(fixture('resource-label-events.json'));
    const changes = statusChanges(states, [
      ...labels,
      // a label deleted since: GitLab keeps its events with `label: null`
      { ...labels[0], id: 150, label: null, created_at: labels[0].created_at.plus({ hours: 1 }) },
    ]);
    expect(changes.map((c) => [c.id, c.at.toISO(), c.from, c.to])).toEqual([
      ['state-142', '2018-08-20T13:38:20.077Z', CLOSED, OPENED],
      [
        'label-142',
        '2018-08-20T13:38:20.077Z',
        { id: 'p1', name: 'p1', category: 'label' },
        { id: 'a1', name: 'a1', category: 'label' },
      ],
      ['state-143', '2018-08-21T14:38:20.077Z', OPENED, CLOSED],
    ]);
  });

  test('a workflow label added with others is the change, from the workflow label removed with it', () => {
    const at = '2026-01-05T09:00:00.000Z';
    const event = (id: number, name: string, action: string) =>
      labelEvent.parse({ id, created_at: at, action, label: { name } });
    const changes = statusChanges(
      [],
      [
        event(1, 'Alpha', 'add'),
        event(2, 'workflow::Doing', 'add'),
        event(3, 'Beta', 'remove'),
        event(4, 'workflow::Todo', 'remove'),
      ],
    );
    expect(changes).toEqual([
      {
        id: 'label-2',
        at: DateTime.fromISO(at, { zone: 'utc' }),
        from: { id: 'workflow::Todo', name: 'Todo', category: null },
        to: { id: 'workflow::Doing', name: 'Doing', category: null },
      },
    ]);
  });

  test('a 429 without Retry-After waits until RateLimit-Reset; a 400 gives GitLab’s reason; a timeout is no answer', () => {
    const now = Date.now();
    const limited = readFailure(
      gitlabAnswer({
        status: 429,
        headers: new Headers({ 'RateLimit-Reset': String(Math.ceil(now / 1000) + 30) }),
        body: 'Retry later\n',
      }),
      'https://gitlab.example.com',
      KEY,
    );
    expect(limited.failure).toEqual({ problem: 'rate-limited' });
    expect(limited.retryAfterMs).toBeGreaterThan(28_000);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(31_000);
    const bad = readFailure(
      gitlabAnswer({ status: 400, headers: new Headers(), body: { message: { updated_after: ['is invalid'] } } }),
      'https://gitlab.example.com',
      KEY,
    );
    expect(bad.failure).toEqual({ problem: 'bad-query', message: 'updated_after is invalid' });
    const slow = readFailure(
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      'https://gitlab.example.com',
      KEY,
    );
    expect(slow.failure).toEqual({
      problem: 'unreachable',
      url: 'https://gitlab.example.com',
      reason: 'no answer in time',
    });
  });
});
