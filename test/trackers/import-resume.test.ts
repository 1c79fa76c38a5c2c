import { DateTime } from 'luxon';
import { createLogger } from '../../src/log';
import { jiraHistory } from '../../src/trackers/history/jira';
import { startImportWorker } from '../../src/trackers/import-worker';
import { jiraIssues, startFakeJira } from '../support/fake-jira';
import { commandHarness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';
import { connectTracker, serveTrackers, waitFor } from '../support/tracker-server';

const START = DateTime.fromISO('2026-01-05T09:00:00Z');
const log = createLogger('silent');

describeEachDatabase('an import resumes where it stopped', (db) => {
  test('a process that dies mid-import: another takes it over once its claim lapses, after the last page stored', async () => {
    const h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta');
    const nexusId = (await h.nexus()).id;
    await connectTracker(h, 'jira');
    const jira = await startFakeJira({ issues: jiraIssues(START, 250) });
    expect((await h.run(`/nexus import jira --url ${jira.url} --token ${jira.token}`)).plain).toContain(
      'about 250 items',
    );

    // process A stores the first page, then hangs in the second read as a killed process would, holding its claim
    let kill: ((error: Error) => void) | null = null;
    const a = startImportWorker({
      store: h.store,
      now: () => h.now,
      log,
      replica: 'A',
      post: async () => 'ts-a',
      stored: () => {},
      history: (_job, source) => {
        const real = jiraHistory(source);
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
    expect(job.sealedToken).not.toContain(jira.token.split(':')[1]); // sealed while the import needs it

    // process B, its clock past A's claim: it takes the import up from A's cursor
    const early = await serveTrackers(h, () => h.now.plus({ seconds: 30 }), undefined, log, 'B');
    early.inbox.imports.kick();
    await early.inbox.imports.idle();
    expect((await db().prisma.importJob.findFirstOrThrow()).claimedBy).toBe('A'); // not lapsed yet: left alone
    await early.close();
    const b = await serveTrackers(h, () => h.now.plus({ seconds: 90 }), undefined, log, 'B');
    b.inbox.imports.kick();
    await b.inbox.imports.idle();
    await b.inbox.worker.idle();
    kill!(new Error('killed'));
    await a.stop();
    await b.close();
    await jira.close();

    expect(await db().prisma.importJob.findFirstOrThrow()).toMatchObject({
      state: 'done',
      pagesRead: 3,
      itemsRead: 250,
      changesRead: 750,
      changesKnown: 0,
      running: null,
    });
    const searches = jira.requests.filter((r) => r.path === '/rest/api/3/search/jql');
    expect(searches.map((r) => r.query.has('nextPageToken'))).toEqual([false, true, true]);
    expect(await db().prisma.pbi.count({ where: { nexusId, stage: 'integrated' } })).toBe(250);
    expect(await db().prisma.event.count({ where: { nexusId, type: 'pbi.moved' } })).toBe(750);
    expect(await db().prisma.delivery.count({ where: { nexusId, state: 'applied' } })).toBe(750);
  }, 120_000);
});
