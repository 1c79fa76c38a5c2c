import { DateTime } from 'luxon';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { closedPort } from '../support/fake-api';
import {
  type FakeLinear,
  type FakeLinearIssue,
  linearIssues,
  linearState,
  startFakeLinear,
} from '../support/fake-linear';
import { commandHarness, type Harness } from '../support/harness';
import { appliedInOrder, flowView } from '../support/import-expectations';
import { describeEachDatabase } from '../support/setup-db';
import { post, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, importSummary, runImport, serveTrackers, type TrackerServer } from '../support/tracker-server';

const START = DateTime.fromISO('2026-01-05T09:00:00Z');

describeEachDatabase('/nexus import linear', (db) => {
  let h: Harness;
  let linear: FakeLinear;
  let trackers: TrackerServer;
  let nexusId: string;
  let secret: string;

  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta');
    nexusId = (await h.nexus()).id;
    secret = await connectTracker(h, 'linear');
    linear = await startFakeLinear();
    trackers = await serveTrackers(h, () => h.now);
  });
  afterEach(async () => {
    await trackers.close();
    await linear.close();
  });

  const line = (extra = '') =>
    `/nexus import linear ${extra} --url ${linear.url} --token ${linear.token}`.replace(/ +/g, ' ');
  const importing = (extra = '') => runImport(h, trackers, line(extra));
  const events = () =>
    db().prisma.event.findMany({ where: { nexusId, pbiKey: { not: null } }, orderBy: { id: 'asc' } });
  const summary = () => importSummary(trackers);
  /** The backlog's keys, top down, as /flow backlog lists them. */
  const backlog = async () => [...(await h.run('/flow backlog')).plain.matchAll(/^\d+\. (ENG-\d+)/gm)].map((m) => m[1]);
  const one = (at: DateTime, n: number, path: string[], extra: Partial<FakeLinearIssue> = {}) => ({
    ...linearIssues(at, 1, path).map((i) => ({ ...i, moves: i.moves.map((m) => ({ ...m, id: `${m.id}-${n}` })) }))[0],
    id: `5a1e0000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    identifier: `ENG-${n}`,
    ...extra,
  });

  test('a full import: every issue at its stage with its flow dates, its moves recorded at their times', async () => {
    linear.setIssues([
      ...linearIssues(START, 3),
      one(START.plus({ days: 5 }), 9, ['In Progress']),
      one(START.plus({ days: 6 }), 10, []),
      one(START.plus({ days: 7 }), 11, ['Canceled']),
      one(START.plus({ days: 8 }), 12, ['In Progress'], { trashed: true }),
    ]);
    const reply = await importing();
    expect(reply.visibility).toBe('ephemeral'); // the command carries the token: never echoed in the channel
    expect(reply.plain).toContain('Importing the history of Linear items changed since 2025-09-03');

    const done = await h.store.pbis.get(nexusId, 'ENG-1');
    expect(done).toMatchObject({ stage: 'integrated', title: 'Issue 1', url: 'https://linear.app/acme/issue/ENG-1' });
    expect(done!.createdAt.toMillis()).toBe(START.toMillis());
    expect(done!.startedAt!.toMillis()).toBe(START.plus({ days: 2 }).toMillis());
    expect(done!.finishedAt!.toMillis()).toBe(START.plus({ days: 2, hours: 1 }).toMillis());
    expect(done!.squares.map((s) => s.team)).toEqual(['Alpha']); // the team key ENG, then the label Alpha
    expect(await h.store.pbis.get(nexusId, 'ENG-9')).toMatchObject({ stage: 'in-progress' });
    expect(await h.store.pbis.get(nexusId, 'ENG-10')).toMatchObject({ stage: 'discovery' });
    // Linear's "canceled" type has no place in the flow: held, and the summary says how to map it
    expect(await h.store.pbis.get(nexusId, 'ENG-11')).toMatchObject({ stage: 'discovery' });
    expect(await h.store.pbis.get(nexusId, 'ENG-12')).toBeNull();
    const recorded = await events();
    expect(new Set(recorded.map((e) => e.source))).toEqual(new Set(['import:linear']));
    expect(recorded.filter((e) => e.pbiKey === 'ENG-1').map((e) => [e.type, e.occurredAt.toISOString()])).toEqual([
      ['pbi.added', START.toJSDate().toISOString()],
      ['pbi.moved', START.toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2 }).toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2, hours: 1 }).toJSDate().toISOString()],
    ]);

    expect(trackers.news).toEqual([]); // no news per historical move
    const [started, ...thread] = trackers.imports;
    expect(started.text).toContain('@U_NIT is importing the history of Linear items changed since 2025-09-03.');
    expect(thread.at(-1)!.broadcast).toBe(true);
    expect(summary()).toContain('The Linear import is done.');
    expect(summary()).toContain('6 items and 14 status changes read (1 page read)');
    expect(summary()).toContain('13 changes applied');
    expect(summary()).toContain('Canceled: 1 change');
    expect(summary()).toContain('/nexus map linear "Canceled" <stage>');
    expect(summary()).toContain("Skipped 1 item: in Linear's trash (deleted there).");
    // the workflow states once, then the page's issues with their histories in one request
    expect(linear.requests.map((r) => r.operation)).toEqual(['viewer', 'workflowStates', 'issues']);
    expect(await db().prisma.importJob.findFirstOrThrow()).toMatchObject({ state: 'done', sealedToken: '' });
  });

  test('a team’s issues only, by its key; a history longer than the page’s is read on, issue by issue', async () => {
    linear.setIssues([
      ...linearIssues(START, 2),
      one(START.plus({ days: 3 }), 5, ['In Progress', 'Done'], { noise: 95 }),
      one(START.plus({ days: 4 }), 6, ['In Progress'], { team: 'OPS', identifier: 'OPS-6' }),
    ]);
    await importing('eng');
    expect(summary()).toContain('3 items and 9 status changes read');
    expect(await h.store.pbis.get(nexusId, 'ENG-5')).toMatchObject({ stage: 'integrated' });
    expect(await h.store.pbis.get(nexusId, 'OPS-6')).toBeNull();
    // 97 entries: 40 with the issue, then 57 in one more request
    expect(linear.requests.filter((r) => r.operation === 'issue').map((r) => r.variables.id)).toEqual([
      '5a1e0000-0000-4000-9000-000000000005',
    ]);
  });

  test("Linear's sortOrder orders its PBIs; an issue dragged to another place moves by its webhook", async () => {
    const issues = linearIssues(START, 3, ['In Progress']).map((issue, i) => ({
      ...issue,
      sortOrder: [30, 10, 20][i],
    }));
    linear.setIssues(issues);
    await importing();
    expect(await backlog()).toEqual(['ENG-2', 'ENG-3', 'ENG-1']);

    // ENG-1 dragged to the top: an Issue update with its old sortOrder in updatedFrom, no state change
    const { json, deliveryId } = statusChange('linear', 1, 'In Progress', h.now, { createdAt: issues[0].created });
    json.data.state = linearState('In Progress');
    json.data.team.key = issues[0].team;
    json.data.sortOrder = 5.5;
    json.updatedFrom = { updatedAt: json.data.updatedAt, sortOrder: 30 };
    expect(
      (await post(trackers.url, 'linear', nexusId, signed('linear', json, deliveryId, secret, h.now))).status,
    ).toBe(202);
    await trackers.inbox.worker.idle();
    expect(await backlog()).toEqual(['ENG-1', 'ENG-2', 'ENG-3']);
  });

  test('"blocks" relations become dependencies, from either issue; "related" ones do not', async () => {
    const issues = linearIssues(START, 3, ['In Progress']);
    issues[0].blocks = ['ENG-2'];
    issues[2].relatedTo = ['ENG-1'];
    issues[2].blocks = ['ENG-404'];
    linear.setIssues(issues);
    await importing();
    expect(summary()).toContain('The Linear import is done.');
    expect((await h.store.pbis.get(nexusId, 'ENG-2'))!.dependsOn).toEqual(['ENG-1']);
    expect((await h.store.pbis.get(nexusId, 'ENG-1'))!.dependsOn).toEqual([]);
    expect((await h.store.pbis.get(nexusId, 'ENG-3'))!.dependsOn).toEqual([]);
    const added = (await events()).filter((e) => e.type === 'pbi.dependency-added');
    expect(added.map((e) => [e.pbiKey, e.source])).toEqual([['ENG-2', 'import:linear']]);
  });

  test('a second import changes nothing, even once the inbox forgot the first', async () => {
    linear.setIssues(linearIssues(START, 4));
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
    const issues = linearIssues(START, 30, ['In Progress', 'Done']);
    linear.setIssues(issues);
    const webhooks = issues.flatMap((issue) => issue.moves.map((move, k) => webhook(issue, k, move)));
    const sending = (async () => {
      for (const w of webhooks) expect((await w()).status).toBe(202);
    })();
    await importing();
    await sending;
    await trackers.inbox.worker.idle();

    const nexus = await h.nexus();
    for (const issue of issues) {
      const history = (await h.store.pbis.history(nexusId, issue.identifier)) as PbiEvent[];
      expect(history.filter((e) => e.type === 'pbi.moved')).toHaveLength(1 + issue.moves.length);
      expect(flowView(await h.store.pbis.get(nexusId, issue.identifier))).toEqual(
        flowView(replay(history, nexus.workflow)!),
      );
      expect(flowView(await h.store.pbis.get(nexusId, issue.identifier))).toEqual(flowView(inOrder(issue)));
    }
  });

  test('a token Linear refuses, a team it does not have, an address that does not answer: one clear refusal, nothing stored', async () => {
    linear.setIssues(linearIssues(START, 2));
    const wrong = await h.run(`/nexus import linear --url ${linear.url} --token lin_api_wrong`);
    expect(wrong.plain).toContain('Nothing was imported. Linear refused the token (401)');
    expect(wrong.plain).toContain('Linear → Settings → API → Personal API keys');
    const bad = await h.run(line('NOPE'));
    expect(bad.plain).toContain('Linear rejected the query (400): Linear has no team with the key NOPE');
    const closed = await closedPort();
    const away = await h.run(`/nexus import linear --url http://127.0.0.1:${closed} --token ${linear.token}`);
    expect(away.plain).toContain(`Linear did not answer at http://127.0.0.1:${closed} (ECONNREFUSED)`);
    expect(await db().prisma.importJob.count()).toBe(0);
    expect(await db().prisma.delivery.count()).toBe(0);
  });

  test('a token refused in the middle of an import ends it, naming Linear and what the token lacks', async () => {
    linear.setIssues(linearIssues(START, 3));
    linear.failNext(1, linear.forbidden, { when: (op) => op === 'issues' });
    await importing();
    expect(summary()).toContain(
      "The Linear import stopped: Linear answered 403: the token's user lacks the read permission",
    );
    expect((await db().prisma.importJob.findFirstOrThrow()).state).toBe('failed');
    expect(await db().prisma.pbi.count()).toBe(0);
  });

  test('Linear’s rate limit (RATELIMITED until its reset) is obeyed, and the import completes', async () => {
    linear.setIssues(linearIssues(START, 3));
    linear.rateLimited(2, 1_000, (op) => op === 'issues');
    await importing();
    const limited = linear.requests.filter((r) => r.operation === 'issues' && r.status === 400);
    expect(limited).toHaveLength(2);
    const retried = linear.requests.filter((r) => r.operation === 'issues' && r.status === 200);
    expect(retried).toHaveLength(1);
    expect(retried[0].at).toBeGreaterThanOrEqual(limited[1].at + 900);
    expect(summary()).toContain('The Linear import is done.');
    expect(await h.store.pbis.get(nexusId, 'ENG-3')).toMatchObject({ stage: 'integrated' });
  });

  /** The webhook Linear sends for the issue's k-th move, with the fake Linear's own states, team and labels. */
  function webhook(issue: FakeLinearIssue, k: number, move: FakeLinearIssue['moves'][number]) {
    const from = k === 0 ? issue.initial : issue.moves[k - 1].to;
    const { json, deliveryId } = statusChange('linear', Number(issue.identifier.slice(4)), move.to, move.at, {
      from,
      createdAt: issue.created,
    });
    json.data.title = issue.title;
    json.data.url = `https://linear.app/acme/issue/${issue.identifier}`;
    json.data.state = linearState(move.to);
    json.data.team.key = issue.team;
    json.data.labels = (issue.labels ?? []).map((name) => ({ name }));
    json.updatedFrom.stateId = linearState(from).id;
    return () => post(trackers.url, 'linear', nexusId, signed('linear', json, deliveryId, secret, h.now));
  }

  /** The issue as its changes make it applied one by one, in order: its creation, then each move. */
  function inOrder(issue: FakeLinearIssue): Pbi {
    const stages: Record<string, string> = { Todo: 'discovery', 'In Progress': 'in-progress', Done: 'integrated' };
    const entries = [
      { at: issue.created, stage: stages[issue.initial] },
      ...issue.moves.map((m) => ({ at: m.at, stage: stages[m.to] })),
    ];
    return appliedInOrder({ key: issue.identifier, title: issue.title, created: issue.created, entries }, 'linear');
  }
});
