import { DateTime } from 'luxon';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { splitProject, wiql } from '../../src/trackers/history/azure';
import { AZURE_PROJECT, azureItems, type FakeAzure, type FakeWorkItem, startFakeAzure } from '../support/fake-azure';
import { commandHarness, type Harness } from '../support/harness';
import { appliedInOrder, flowView } from '../support/import-expectations';
import { describeEachDatabase } from '../support/setup-db';
import { post, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, importSummary, runImport, serveTrackers, type TrackerServer } from '../support/tracker-server';

const START = DateTime.fromISO('2026-01-05T09:00:00Z');
const STAGES: Record<string, string> = { New: 'discovery', Active: 'in-progress', Closed: 'integrated' };

describeEachDatabase('/nexus import azure', (db) => {
  let h: Harness;
  let azure: FakeAzure;
  let trackers: TrackerServer;
  let nexusId: string;
  let secret: string;

  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta');
    nexusId = (await h.nexus()).id;
    secret = await connectTracker(h, 'azure');
    // Azure DevOps states have no category: the Nexus maps them by name, as it does a webhook's
    for (const [state, stage] of Object.entries(STAGES)) await h.run(`/nexus map azure "${state}" ${stage}`);
    azure = await startFakeAzure();
    trackers = await serveTrackers(h, () => h.now);
  });
  afterEach(async () => {
    await trackers.close();
    await azure.close();
  });

  const line = (extra = '') =>
    `/nexus import azure "${AZURE_PROJECT}" ${extra} --url ${azure.url} --token ${azure.token}`.replace(/ +/g, ' ');
  const importing = (extra = '') => runImport(h, trackers, line(extra));
  const events = () =>
    db().prisma.event.findMany({ where: { nexusId, pbiKey: { not: null } }, orderBy: { id: 'asc' } });
  const summary = () => importSummary(trackers);
  const wiqls = () =>
    azure.requests.filter((r) => r.path.endsWith('/wiql')).map((r) => (JSON.parse(r.body) as { query: string }).query);

  test('a full import: every item at its stage with its flow dates, its moves recorded at their times', async () => {
    azure.setItems([
      ...azureItems(START, 3),
      { ...azureItems(START.plus({ days: 5 }), 1, ['Active'])[0], id: 209 },
      { ...azureItems(START.plus({ days: 6 }), 1, [])[0], id: 210 },
      { ...azureItems(START.plus({ days: 7 }), 1, ['Resolved'])[0], id: 211 },
    ]);
    const reply = await importing();
    expect(reply.visibility).toBe('ephemeral'); // the command carries the token: never echoed in the channel
    expect(reply.plain).toContain(
      'Importing the history of Azure DevOps items matching "Fabrikam Fiber" changed since 2025-09-03',
    );
    expect(reply.plain).toContain('about 6 items');
    expect(wiqls()[0]).toBe(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.ChangedDate] >= '2025-09-03' ORDER BY [System.Id] ASC",
    );

    const done = await h.store.pbis.get(nexusId, 'AB#101');
    expect(done).toMatchObject({ stage: 'integrated', title: 'Work item 1' });
    expect(done!.url).toBe(`${azure.url}/Fabrikam%20Fiber/_workitems/edit/101`);
    expect(done!.createdAt.toMillis()).toBe(START.toMillis());
    // a move's time is its update's System.ChangedDate, not its revisedDate (when the next update superseded it)
    expect(done!.startedAt!.toMillis()).toBe(START.plus({ days: 2 }).toMillis());
    expect(done!.finishedAt!.toMillis()).toBe(START.plus({ days: 2, hours: 1 }).toMillis());
    expect(done!.squares.map((s) => s.team)).toEqual(['Alpha']); // the area path's last segment, as a webhook's
    expect(await h.store.pbis.get(nexusId, 'AB#209')).toMatchObject({ stage: 'in-progress' });
    expect(await h.store.pbis.get(nexusId, 'AB#210')).toMatchObject({ stage: 'discovery' });
    // a state no one mapped has no stage: held, and the summary says how to map it
    expect(await h.store.pbis.get(nexusId, 'AB#211')).toMatchObject({ stage: 'discovery' });
    const recorded = await events();
    expect(new Set(recorded.map((e) => e.source))).toEqual(new Set(['import:azure']));
    expect(recorded.filter((e) => e.pbiKey === 'AB#101').map((e) => [e.type, e.occurredAt.toISOString()])).toEqual([
      ['pbi.added', START.toJSDate().toISOString()],
      ['pbi.moved', START.toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2 }).toJSDate().toISOString()],
      ['pbi.moved', START.plus({ days: 2, hours: 1 }).toJSDate().toISOString()],
    ]);

    expect(trackers.news).toEqual([]); // no news per historical move
    const [started] = trackers.imports;
    expect(started.text).toContain('Azure DevOps finds about 6 items.');
    expect(summary()).toContain('The Azure DevOps import is done.');
    expect(summary()).toContain('6 items and 14 status changes read (1 page read)');
    expect(summary()).toContain('13 changes applied');
    expect(summary()).toContain('Resolved: 1 change');
    expect(summary()).toContain('/nexus map azure "Resolved" <stage>');
    expect(await db().prisma.importJob.findFirstOrThrow()).toMatchObject({ state: 'done', sealedToken: '' });
  });

  test('predecessor links (Dependency-Reverse) become dependencies; related links and hyperlinks do not', async () => {
    const items = azureItems(START, 3, ['Active']);
    items[1].predecessors = [101, 999]; // 999: a work item the Nexus does not have
    items[2].related = [101];
    azure.setItems(items);
    await importing();
    expect(summary()).toContain('The Azure DevOps import is done.');
    expect((await h.store.pbis.get(nexusId, 'AB#102'))!.dependsOn).toEqual(['AB#101']);
    expect((await h.store.pbis.get(nexusId, 'AB#103'))!.dependsOn).toEqual([]);
    expect((await h.store.pbis.get(nexusId, 'AB#101'))!.dependsOn).toEqual([]);
  });

  test('a second import changes nothing, even once the inbox forgot the first', async () => {
    azure.setItems(azureItems(START, 4));
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

  test('pages of 100 after the last id read, a WIQL condition kept, an item’s updates read 200 at a time, one deleted skipped', async () => {
    const many = azureItems(START, 105, []);
    many[3] = {
      ...many[3],
      moves: Array.from({ length: 120 }, (_, k) => ({
        at: many[3].created.plus({ hours: k + 1 }),
        to: k % 2 ? 'New' : 'Active',
      })),
    };
    azure.setItems(many);
    await h.run(line("[System.WorkItemType] = 'Product Backlog Item'"));
    azure.deleteItems([150]); // deleted between the count and the read: the batch omits it
    trackers.inbox.imports.kick();
    await trackers.inbox.imports.idle();
    await trackers.inbox.worker.idle();

    const condition = "([System.WorkItemType] = 'Product Backlog Item')";
    expect(wiqls()).toEqual([
      expect.stringContaining(`>= '2025-09-03' AND ${condition} ORDER BY [System.Id] ASC`),
      expect.stringContaining(`>= '2025-09-03' AND ${condition} ORDER BY`),
      expect.stringContaining(`AND [System.Id] > 200 AND ${condition}`),
    ]);
    expect(azure.requests.filter((r) => r.path.endsWith('/wiql')).map((r) => r.query.get('$top'))).toEqual([
      '20000',
      '100',
      '100',
    ]);
    const updates104 = azure.requests.filter((r) => r.path.endsWith('/workItems/104/updates'));
    expect(updates104.map((r) => [r.query.get('$top'), r.query.get('$skip')])).toEqual([
      ['200', null],
      ['200', '200'],
    ]);
    expect(summary()).toContain('104 items and 224 status changes read (2 pages read)');
    expect(summary()).toContain('Skipped 1 item: gone from Azure DevOps (or hidden from the token) while it was read.');
    expect(await h.store.pbis.get(nexusId, 'AB#104')).toMatchObject({ stage: 'discovery' });
    expect((await h.store.pbis.history(nexusId, 'AB#104')).filter((e) => e.type === 'pbi.moved')).toHaveLength(121);
    expect(await h.store.pbis.get(nexusId, 'AB#150')).toBeNull();
    expect(await h.store.pbis.get(nexusId, 'AB#205')).toMatchObject({ stage: 'discovery' });
  });

  test('an import while the same items’ webhooks arrive ends as every change replayed in order', async () => {
    const items = azureItems(START, 30);
    azure.setItems(items);
    const webhooks = items.flatMap((item) => item.moves.map((move, k) => webhook(item, k, move)));
    const sending = (async () => {
      for (const w of webhooks) expect((await w()).status).toBe(202);
    })();
    await importing();
    await sending;
    await trackers.inbox.worker.idle();

    const nexus = await h.nexus();
    for (const item of items) {
      const key = `AB#${item.id}`;
      const history = (await h.store.pbis.history(nexusId, key)) as PbiEvent[];
      expect(history.filter((e) => e.type === 'pbi.moved')).toHaveLength(1 + item.moves.length);
      expect(flowView(await h.store.pbis.get(nexusId, key))).toEqual(flowView(replay(history, nexus.workflow)!));
      expect(flowView(await h.store.pbis.get(nexusId, key))).toEqual(flowView(inOrder(item)));
    }
  });

  test('a token Azure DevOps refuses, a query it rejects, a project it lacks, an address that is not it: one clear refusal each, nothing stored', async () => {
    const wrong = await h.run(`/nexus import azure "${AZURE_PROJECT}" --url ${azure.url} --token wrong`);
    expect(wrong.plain).toContain('Nothing was imported. Azure DevOps refused the token (401)');
    expect(wrong.plain).toContain('Personal access tokens, with the Work Items (Read) scope');
    expect(azure.requests.at(-1)).toMatchObject({ path: '/fabrikam/_apis/connectionData', status: 401 });
    azure.rejectWiql((query) => query.includes('nonsense'));
    const bad = await h.run(line('[nonsense] = 1'));
    expect(bad.plain).toContain(
      'Azure DevOps rejected the query (400): TF51005: The query references a field that does not exist. The error is caused by «[nonsense]».',
    );
    const none = await h.run(`/nexus import azure Nope --url ${azure.url} --token ${azure.token}`);
    expect(none.plain).toContain('no project "Nope" in this organisation (or the token cannot see it)');
    const notAzure = await h.run(`/nexus import azure Nope --url ${azure.host} --token ${azure.token}`);
    expect(notAzure.plain).toContain(
      `Azure DevOps did not answer at ${azure.host} (no Azure DevOps organisation there): is it your address, such as https://dev.azure.com/your-org?`,
    );
    const away = await h.run(`/nexus import azure Nope --url http://127.0.0.1:9 --token ${azure.token}`);
    expect(away.plain).toContain('Azure DevOps did not answer at http://127.0.0.1:9 (ECONNREFUSED)');
    const noProject = await h.run(`/nexus import azure --url ${azure.url} --token ${azure.token}`);
    expect(noProject.plain).toContain('Say which project to read: /nexus import azure <project> [<WIQL condition>]');
    expect(await db().prisma.importJob.count()).toBe(0);
    expect(await db().prisma.delivery.count()).toBe(0);
  });

  test('a sign-in page (203) for the token, at the start or in the middle of an import, is a token refused', async () => {
    await azure.close();
    azure = await startFakeAzure({ signInPage: true, items: azureItems(START, 3) });
    const wrong = await h.run(`/nexus import azure "${AZURE_PROJECT}" --url ${azure.url} --token wrong`);
    expect(azure.requests.at(-1)).toMatchObject({ path: '/fabrikam/_apis/connectionData', status: 203 });
    expect(wrong.plain).toContain('Nothing was imported. Azure DevOps refused the token (401)');

    azure.revokeTokenAt((p) => p.endsWith('/workItems/102/updates')); // it expires while the first page is read
    await importing();
    expect(summary()).toContain('The Azure DevOps import stopped: Azure DevOps refused the token (401)');
    expect((await db().prisma.importJob.findFirstOrThrow()).state).toBe('failed');
    expect(await db().prisma.pbi.count()).toBe(0);
  });

  test('a token refused in the middle of an import ends it, naming Azure DevOps and the scope the token lacks', async () => {
    azure.setItems(azureItems(START, 3));
    azure.failNext(1, 403, { body: azure.errors.forbidden, when: (p) => p.endsWith('/workItemsBatch') });
    await importing();
    expect(summary()).toContain(
      "The Azure DevOps import stopped: Azure DevOps answered 403: the token's user lacks the Work Items (Read) permission",
    );
    expect((await db().prisma.importJob.findFirstOrThrow()).state).toBe('failed');
    expect(await db().prisma.pbi.count()).toBe(0);
  });

  test('Azure DevOps asking to slow down (429 with Retry-After) is obeyed, and the import completes', async () => {
    azure.setItems(azureItems(START, 3));
    azure.failNext(2, 429, { headers: { 'Retry-After': '1' }, when: (p) => p.endsWith('/updates') });
    await importing();
    const limited = azure.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    const retried = azure.requests.filter((r) => r.path.endsWith('/updates') && r.at >= limited[1].at + 1_000);
    expect(retried.length).toBeGreaterThan(0);
    expect(summary()).toContain('The Azure DevOps import is done.');
    expect(await h.store.pbis.get(nexusId, 'AB#103')).toMatchObject({ stage: 'integrated' });
  });

  /** The service hook Azure DevOps sends for the item's k-th move, as the fake's own work item says it. */
  function webhook(item: FakeWorkItem, k: number, move: FakeWorkItem['moves'][number]) {
    const from = k === 0 ? item.initial : item.moves[k - 1].to;
    const { json, deliveryId } = statusChange('azure', item.id, move.to, move.at, { from, createdAt: item.created });
    json.resource.revision.fields['System.Title'] = item.title;
    json.resource.revision.fields['System.AreaPath'] = item.area;
    return () => post(trackers.url, 'azure', nexusId, signed('azure', json, deliveryId, secret, DateTime.utc()));
  }
});

/** The item as its changes make it applied one by one, in order: its creation, then each move. */
function inOrder(item: FakeWorkItem): Pbi {
  const key = `AB#${item.id}`;
  const entries = [
    { at: item.created, stage: STAGES[item.initial] },
    ...item.moves.map((m) => ({ at: m.at, stage: STAGES[m.to] })),
  ];
  return appliedInOrder({ key, title: item.title, created: item.created, entries }, 'azure');
}

describe('the WIQL an Azure DevOps import reads with', () => {
  test('the project first, quoted when its name has spaces, then the condition', () => {
    expect(splitProject('"Fabrikam Fiber" [System.State] = \'Active\'')).toEqual({
      project: 'Fabrikam Fiber',
      condition: "[System.State] = 'Active'",
    });
    expect(splitProject('Fabrikam')).toEqual({ project: 'Fabrikam', condition: '' });
  });

  test('a page after the last id read, in id order, the condition in parentheses', () => {
    expect(wiql("[System.State] = 'Active' OR [System.State] = 'New'", '2026-01-01', '342')).toBe(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.ChangedDate] >= '2026-01-01' AND [System.Id] > 342 AND ([System.State] = 'Active' OR [System.State] = 'New') ORDER BY [System.Id] ASC",
    );
  });
});
