import { DateTime } from 'luxon';
import { TRACKER_IMPORT_FORMS } from '../../src/commands/nexus/import-tracker';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { createLogger } from '../../src/log';
import { githubHistory, nextPage } from '../../src/trackers/history/github';
import { readFailure } from '../../src/trackers/history/github-answers';
import { startImportWorker } from '../../src/trackers/import-worker';
import { closedPort } from '../support/fake-api';
import {
  type FakeGitHub,
  type FakeGitHubIssue,
  githubIssues,
  REPOSITORY,
  startFakeGitHub,
} from '../support/fake-github';
import { commandHarness, type Harness } from '../support/harness';
import { appliedInOrder, flowView } from '../support/import-expectations';
import { describeEachDatabase } from '../support/setup-db';
import { post, signed, statusChange } from '../support/tracker-payloads';
import {
  connectTracker,
  importSummary,
  runImport,
  serveTrackers,
  type TrackerServer,
  waitFor,
} from '../support/tracker-server';

const START = DateTime.fromISO('2026-01-05T09:00:00Z');
const key = (n: number) => `${REPOSITORY}#${n}`;

describeEachDatabase('/nexus import github', (db) => {
  let h: Harness;
  let github: FakeGitHub;
  let trackers: TrackerServer;
  let nexusId: string;
  let secret: string;

  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta');
    nexusId = (await h.nexus()).id;
    secret = await connectTracker(h, 'github');
    // an open issue is in the backlog here; a label names the stage it moved to
    await h.run('/nexus map github open discovery');
    github = await startFakeGitHub();
    trackers = await serveTrackers(h, () => h.now);
  });
  afterEach(async () => {
    await trackers.close();
    await github.close();
  });

  const line = (extra = '', repository = REPOSITORY) =>
    `/nexus import github ${repository} ${extra} --url ${github.url} --token ${github.token}`.replace(/ +/g, ' ');
  const importing = (extra = '') => runImport(h, trackers, line(extra));
  const events = () =>
    db().prisma.event.findMany({ where: { nexusId, pbiKey: { not: null } }, orderBy: { id: 'asc' } });
  const summary = () => importSummary(trackers);

  test('"blocked by" issue dependencies become dependencies, whichever issue comes first', async () => {
    const [one, two, three] = githubIssues(START, 3, ['In Progress']);
    two.blockedBy = [1, 3]; // issue 3 is read after 2: its own "blocking 2" brings that one
    github.setIssues([one, two, three]);
    await importing();
    expect(summary()).toContain('The GitHub import is done.');
    expect((await h.store.pbis.get(nexusId, key(2)))!.dependsOn).toEqual([key(1), key(3)]);
    // the summary says who has none: those issues' dependencies are not asked for
    const asked = github.requests
      .filter((r) => r.path.includes('/dependencies/'))
      .map((r) => r.path.split('/issues/')[1]);
    expect(asked.sort()).toEqual(['1/dependencies/blocking', '2/dependencies/blocked_by', '3/dependencies/blocking']);
  });

  test('a full import: every issue at its stage with its flow dates, its moves recorded at their times; pull requests left out', async () => {
    const reopened = githubIssues(START.plus({ days: 5 }), 1, ['In Progress', 'closed', 'reopened'])[0];
    const issues: FakeGitHubIssue[] = [
      ...githubIssues(START, 3),
      { ...reopened, id: 2_000, number: 9 },
      { ...githubIssues(START.plus({ days: 6 }), 1, [])[0], id: 2_001, number: 10, labels: ['bug'] },
      { ...githubIssues(START.plus({ days: 7 }), 1, ['closed'])[0], id: 2_002, number: 11, pullRequest: true },
    ];
    // a label taken off is no status change (nor is its webhook); a rename neither
    issues[0].events.push(
      { id: 6_000_001, at: START.plus({ days: 3 }), event: 'unlabeled', label: 'In Progress' },
      { id: 6_000_002, at: START.plus({ days: 3, hours: 1 }), event: 'renamed' },
    );
    github.setIssues(issues);
    const reply = await importing();
    expect(reply.visibility).toBe('ephemeral'); // the command carries the token: never echoed in the channel
    expect(reply.plain).toContain(
      `Importing the history of GitHub items matching ${REPOSITORY} changed since 2025-09-03`,
    );
    expect(reply.plain).toContain('about 5 items');

    const done = await h.store.pbis.get(nexusId, key(1));
    expect(done).toMatchObject({
      stage: 'integrated',
      title: 'Issue 1',
      url: `https://github.com/${REPOSITORY}/issues/1`,
    });
    expect(done!.createdAt.toMillis()).toBe(START.toMillis());
    expect(done!.startedAt!.toMillis()).toBe(START.plus({ days: 2 }).toMillis());
    expect(done!.finishedAt!.toMillis()).toBe(START.plus({ days: 2, hours: 1 }).toMillis());
    expect(done!.squares.map((s) => s.team)).toEqual(['Alpha']);
    expect(await h.store.pbis.get(nexusId, key(9))).toMatchObject({ stage: 'discovery' });
    expect(await h.store.pbis.get(nexusId, key(10))).toMatchObject({ stage: 'discovery' });
    expect(await h.store.pbis.get(nexusId, key(11))).toBeNull();
    const recorded = await events();
    expect(new Set(recorded.map((e) => e.source))).toEqual(new Set(['import:github']));
    expect(recorded.filter((e) => e.pbiKey === key(1)).map((e) => [e.type, e.occurredAt.toISOString()])).toEqual([
      ['pbi.added', START.toJSDate().toISOString()],
      ['pbi.moved', START.toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2 }).toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2, hours: 1 }).toJSDate().toISOString()],
    ]);
    // only the issues' events were read, never a pull request's
    expect(github.requests.filter((r) => r.path.endsWith('/events')).map((r) => r.path.split('/').at(-2))).toEqual(
      expect.not.arrayContaining(['11']),
    );

    expect(trackers.news).toEqual([]); // no news per historical move
    const [started, ...thread] = trackers.imports;
    expect(started.text).toContain(
      `@U_NIT is importing the history of GitHub items matching ${REPOSITORY} changed since 2025-09-03. GitHub finds about 5 items.`,
    );
    expect(thread.every((m) => m.thread === 'ts-1')).toBe(true);
    expect(summary()).toContain('The GitHub import is done.');
    // 3 × (created, Alpha, In Progress, closed) + (created, Alpha, In Progress, closed, reopened) + (created, Alpha)
    expect(summary()).toContain('5 items and 19 status changes read (1 page read)');
    // the Alpha labels (a team, no stage) change nothing
    expect(summary()).toContain('14 changes applied');
    expect(await db().prisma.importJob.findFirstOrThrow()).toMatchObject({ state: 'done', sealedToken: '' });
  });

  test('pages follow GitHub’s Link header, and a second import changes nothing', async () => {
    // one past a page: the second page is one issue
    github.setIssues(githubIssues(START, 101));
    await importing();
    const lists = github.requests.filter((r) => r.path.endsWith(`${REPOSITORY}/issues`));
    expect(lists.map((r) => r.query.get('page'))).toEqual([null, '2']);
    expect(lists[0].query.get('state')).toBe('all');
    expect(lists[0].query.get('per_page')).toBe('100');
    expect(summary()).toContain('101 items and 404 status changes read (2 pages read)');
    const first = await events();
    const pbis = await db().prisma.pbi.findMany({ orderBy: { key: 'asc' } });

    await importing();
    expect(await events()).toEqual(first);
    expect(summary()).toContain('404 changes an earlier import had brought');
    await db().prisma.delivery.deleteMany({});
    await importing();
    expect(await events()).toEqual(first);
    expect(await db().prisma.pbi.findMany({ orderBy: { key: 'asc' } })).toEqual(
      pbis.map((p) => ({ ...p, version: expect.any(Number), revision: expect.any(Number) })),
    );
  }, 120_000); // three imports of two pages: slow on a loaded machine

  test('a process that dies mid-import: another resumes from the Link header’s next page, the last stored', async () => {
    github.setIssues(githubIssues(START, 101));
    await trackers.inbox.imports.stop(); // A and B below run it
    await h.run(line());
    let kill: ((error: Error) => void) | null = null;
    const a = startImportWorker({
      store: h.store,
      now: () => h.now,
      log: createLogger('silent'),
      replica: 'A',
      post: async () => 'ts-a',
      stored: () => {},
      history: (_job, source) => {
        const real = githubHistory(source);
        let pages = 0;
        return {
          check: real.check,
          page: (cursor) => (pages++ === 0 ? real.page(cursor) : new Promise((_, reject) => (kill = reject))),
        };
      },
    });
    a.kick();
    await waitFor(async () => kill !== null);
    const job = await db().prisma.importJob.findFirstOrThrow();
    expect(job).toMatchObject({ pagesRead: 1, itemsRead: 100, state: 'reading', claimedBy: 'A' });
    expect(new URLSearchParams(job.cursor!).get('page')).toBe('2');

    const b = await serveTrackers(h, () => h.now.plus({ seconds: 90 }), undefined, createLogger('silent'), 'B');
    b.inbox.imports.kick();
    await b.inbox.imports.idle();
    await b.inbox.worker.idle();
    kill!(new Error('killed'));
    await a.stop();
    await b.close();
    const lists = github.requests.filter((r) => r.path.endsWith(`${REPOSITORY}/issues`));
    expect(lists.map((r) => r.query.get('page'))).toEqual([null, '2']);
    expect(await db().prisma.importJob.findFirstOrThrow()).toMatchObject({
      state: 'done',
      pagesRead: 2,
      itemsRead: 101,
      changesRead: 404,
    });
    expect(await db().prisma.pbi.count({ where: { nexusId, stage: 'integrated' } })).toBe(101);
  }, 120_000);

  test('an import while the same issues’ webhooks arrive ends as every change replayed in order', async () => {
    const issues = githubIssues(START, 30);
    github.setIssues(issues);
    const webhooks = issues.flatMap((issue) => issue.events.slice(1).map((e) => webhook(issue, e)));
    const sending = (async () => {
      for (const w of webhooks) expect((await w()).status).toBe(202);
    })();
    await importing();
    await sending;
    await trackers.inbox.worker.idle();

    const nexus = await h.nexus();
    for (const issue of issues) {
      const history = (await h.store.pbis.history(nexusId, key(issue.number))) as PbiEvent[];
      expect(history.filter((e) => e.type === 'pbi.moved')).toHaveLength(3);
      expect(flowView(await h.store.pbis.get(nexusId, key(issue.number)))).toEqual(
        flowView(replay(history, nexus.workflow)!),
      );
      expect(flowView(await h.store.pbis.get(nexusId, key(issue.number)))).toEqual(flowView(inOrder(issue)));
    }
  });

  test('a token GitHub refuses, a repository it does not show, an address that does not answer: one clear refusal, nothing stored', async () => {
    const wrong = await h.run(`/nexus import github ${REPOSITORY} --url ${github.url} --token ghp_wrong`);
    expect(wrong.plain).toContain('Nothing was imported. GitHub refused the token (401)');
    expect(wrong.plain).toContain('Issues: Read');
    const unseen = await h.run(line('', 'Codertocat/Secret-World'));
    expect(unseen.plain).toContain(
      'GitHub rejected the query (404): there is no repository Codertocat/Secret-World the token can see',
    );
    const closed = await closedPort();
    const away = await h.run(
      `/nexus import github ${REPOSITORY} --url http://127.0.0.1:${closed} --token ${github.token}`,
    );
    expect(away.plain).toContain(`GitHub did not answer at http://127.0.0.1:${closed} (ECONNREFUSED)`);
    const unnamed = await h.run(`/nexus import github --url ${github.url} --token ${github.token}`);
    expect(unnamed.plain).toContain('Say which repository to read: /nexus import github <owner>/<repo> --token');
    const halfNamed = await h.run(`/nexus import github Hello-World --url ${github.url} --token ${github.token}`);
    expect(halfNamed.plain).toContain('Say which repository to read, as <owner>/<repo> (not Hello-World)');
    expect(github.requests.filter((r) => r.status === 200)).toEqual([]);
    expect(await db().prisma.importJob.count()).toBe(0);
    expect(await db().prisma.delivery.count()).toBe(0);
  });

  test('without --url it reads api.github.com', () => {
    expect(TRACKER_IMPORT_FORMS[0].parse(['github', REPOSITORY, '--token', 'ghp_x'])).toMatchObject({
      kind: 'github',
      query: REPOSITORY,
      url: 'https://api.github.com',
    });
  });

  test('a token refused in the middle of an import ends it, naming GitHub and what the token lacks', async () => {
    github.setIssues(githubIssues(START, 3));
    github.failNext(1, 403, { body: github.errors.forbidden, when: (p) => p.endsWith('/events') });
    await importing();
    expect(summary()).toContain(
      "The GitHub import stopped: GitHub answered 403: the token's user lacks the Issues: Read permission on the repository",
    );
    expect((await db().prisma.importJob.findFirstOrThrow()).state).toBe('failed');
    expect(await db().prisma.pbi.count()).toBe(0);
  });

  test('GitHub’s rate limits are obeyed (a secondary limit’s Retry-After, the hour’s limit until its reset, 429), and the import completes', async () => {
    github.setIssues(githubIssues(START, 3));
    github.failNext(1, 403, { headers: { 'retry-after': '1' }, when: (p) => p.endsWith(`${REPOSITORY}/issues`) });
    github.failNext(1, 403, {
      body: github.errors.primaryRateLimit,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1),
      },
      when: (p) => p.endsWith('/1/events'),
    });
    github.failNext(1, 429, { headers: { 'retry-after': '1' }, when: (p) => p.endsWith('/2/events') });
    await importing();
    const limited = github.requests.filter((r) => r.status === 403 || r.status === 429);
    expect(limited).toHaveLength(3);
    const list = github.requests.filter((r) => r.path.endsWith(`${REPOSITORY}/issues`));
    expect(list.map((r) => r.status)).toEqual([403, 200]);
    expect(list[1].at - list[0].at).toBeGreaterThanOrEqual(1_000);
    for (const n of [1, 2]) {
      const reads = github.requests.filter((r) => r.path.endsWith(`/${n}/events`));
      expect(reads.map((r) => r.status)).toEqual([n === 1 ? 403 : 429, 200]);
      expect(reads[1].at - reads[0].at).toBeGreaterThanOrEqual(n === 1 ? 0 : 1_000);
    }
    expect(summary()).toContain('The GitHub import is done.');
    expect(await h.store.pbis.get(nexusId, key(3))).toMatchObject({ stage: 'integrated' });
  });

  test('an issue deleted while its page is read is skipped, and the rest imported', async () => {
    github.setIssues(githubIssues(START, 3));
    github.failNext(1, 404, { body: github.errors.notFound, when: (p) => p.endsWith('/2/events') });
    await importing();
    expect(summary()).toContain('Skipped 1 item: gone from GitHub (or hidden from the token) while it was read.');
    expect(await h.store.pbis.get(nexusId, key(2))).toBeNull();
    expect(await h.store.pbis.get(nexusId, key(3))).toMatchObject({ stage: 'integrated' });
  });

  /** The webhook GitHub sends for one of the issue's events (@octokit/webhooks-examples' `issues.labeled`). */
  function webhook(issue: FakeGitHubIssue, e: FakeGitHubIssue['events'][number]) {
    const { json, deliveryId } = statusChange('github', issue.number, e.label ?? '', e.at, {
      createdAt: issue.created,
    });
    json.issue.title = issue.title;
    json.issue.html_url = `https://github.com/${REPOSITORY}/issues/${issue.number}`;
    json.issue.labels = issue.labels.map((name) => ({ ...json.label, name }));
    if (e.event === 'closed') {
      json.action = 'closed';
      delete json.label;
      json.issue.closed_at = e.at.toUTC().toISO();
    }
    return () => post(trackers.url, 'github', nexusId, signed('github', json, deliveryId, secret, DateTime.utc()));
  }

  /** The issue as its changes make it applied one by one, in order: its creation (open), then each move. */
  function inOrder(issue: FakeGitHubIssue): Pbi {
    const stages: Record<string, string> = { 'In Progress': 'in-progress', closed: 'integrated' };
    const entries = [
      { at: issue.created, stage: 'discovery' },
      ...issue.events
        .filter((e) => stages[e.label ?? e.event])
        .map((e) => ({ at: e.at, stage: stages[e.label ?? e.event] })),
    ];
    return appliedInOrder({ key: key(issue.number), title: issue.title, created: issue.created, entries }, 'github');
  }
});

describe('GitHub’s answers', () => {
  const failed = (status: number, headers: Record<string, string>, data: unknown = {}) =>
    Object.assign(new Error('x'), { name: 'HttpError', status, response: { status, headers, data } });
  const now = Date.parse('2026-01-05T09:00:00Z');

  test.each([
    ['401', failed(401, {}), { problem: 'unauthorized' }, null],
    ['a secondary limit (403, retry-after)', failed(403, { 'retry-after': '60' }), { problem: 'rate-limited' }, 60_000],
    [
      'the hour spent (403, x-ratelimit-remaining 0)',
      failed(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 900) }),
      { problem: 'rate-limited' },
      900_000,
    ],
    ['429 without a wait', failed(429, {}), { problem: 'rate-limited' }, null],
    [
      'another 403',
      failed(403, { 'x-ratelimit-remaining': '4999' }),
      { problem: 'forbidden', permission: 'Issues: Read' },
      null,
    ],
    [
      '422',
      failed(422, {}, { message: 'Validation Failed' }),
      { problem: 'bad-query', message: 'Validation Failed' },
      null,
    ],
    ['502', failed(502, {}), { problem: 'tracker-failed', status: 502 }, null],
  ])('%s', (_name, error, failure, wait) => {
    expect(readFailure(error, 'https://api.github.com', now)).toEqual({ failure, retryAfterMs: wait });
  });

  test('the next page is the query of the Link header’s rel="next"; none on the last', () => {
    expect(
      nextPage(
        '<https://api.github.com/repositories/1/issues?state=all&page=2>; rel="next", <https://api.github.com/repositories/1/issues?state=all&page=5>; rel="last"',
      ),
    ).toBe('state=all&page=2');
    expect(
      nextPage('<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=1>; rel="first"'),
    ).toBeNull();
    expect(nextPage(undefined)).toBeNull();
  });
});
