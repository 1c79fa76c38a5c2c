import { DateTime } from 'luxon';
import type { TrackerNews } from '../../src/domain/tracker';
import { createLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import type { Database } from '../../src/store/database';
import type { InboxRound } from '../../src/store/inbox-repository';
import { type AnnouncerDeps, startAnnouncer } from '../../src/trackers/announcer';
import { DATABASE_KINDS, freshDatabase } from '../support/databases';
import { inProgressDeliveries } from '../support/deliveries';
import { commandHarness, type Harness } from '../support/harness';

const log = createLogger('silent');
const at = DateTime.fromISO('2026-11-02T10:00:00Z');

describe.each(DATABASE_KINDS)('tracker notices on the %s database', (dbKind) => {
  let db: Database & { dispose(): Promise<void> };
  let h: Harness;
  let nexusId: string;
  let next = 0;
  let lastRound: InboxRound;

  beforeAll(async () => {
    db = await freshDatabase(dbKind);
    h = commandHarness(db);
    await h.run('/nexus setup --teams Alpha,Beta');
    await h.run('/nexus tracker jira');
    nexusId = (await h.nexus()).id;
  });
  afterAll(() => db.dispose());

  /** `count` items moved by the inbox in one round, as a process does before it announces them. */
  async function applied(count: number, now = DateTime.utc()): Promise<string[]> {
    const deliveries = inProgressDeliveries(nexusId, at, count, next);
    next += count;
    await h.store.inbox.receiveMany(deliveries);
    lastRound = await h.store.inbox.applyDue(nexusId, now, 250);
    expect(lastRound.moves).toHaveLength(count);
    return deliveries.map((d) => d.change.item.key);
  }
  const posted = (news: { nexusId: string; news: TrackerNews }[]) =>
    news.flatMap((n) => n.news.moves.map((m) => m.key));
  const waiting = () => db.prisma.trackerNotice.count({ where: { nexusId } });

  function announcer(overrides: Partial<AnnouncerDeps> = {}) {
    const news: { nexusId: string; news: TrackerNews }[] = [];
    const metrics = createMetrics({ inboxBacklog: async () => 0 });
    const running = startAnnouncer({
      store: h.store,
      now: () => DateTime.utc(),
      log,
      metrics,
      post: async (id, n) => void news.push({ nexusId: id, news: n }),
      sweepMs: 50,
      ...overrides,
    });
    const counted = async (outcome: string) =>
      (await metrics.registry.getSingleMetric('nexus_flow_tracker_announcements_total')!.get()).values.find(
        (v) => v.labels.outcome === outcome,
      )?.value ?? 0;
    return { news, counted, announce: running.announce, stop: running.stop };
  }

  test('moves a process applied but died before announcing are announced by the next process, once', async () => {
    const keys = await applied(3);
    expect(await waiting()).toBe(1);
    const next = announcer();
    await waitFor(async () => (await waiting()) === 0);
    await next.stop();
    expect(next.news).toHaveLength(1);
    expect(await next.counted('posted')).toBe(1);
    expect(next.news[0].nexusId).toBe(nexusId);
    expect(posted(next.news).sort()).toEqual(keys.sort());
  });

  test('a failed post is tried again later and given up after 5 tries, each notice counting its own; the moves stay applied', async () => {
    const keys = await applied(2);
    let clock = DateTime.utc().plus({ seconds: 1 }); // the sweep takes notices older than its period
    let tries = 0;
    let slackAway = true;
    const told: TrackerNews[] = [];
    const running = announcer({
      now: () => clock,
      post: async (_id, news) => {
        tries++;
        if (slackAway) throw new Error('Slack is away');
        told.push(news);
      },
    });
    await waitFor(async () => tries === 1);
    await waitFor(
      async () =>
        (await db.prisma.trackerNotice.findFirst({ where: { nexusId } }))!.claimedUntil!.getTime() >
        clock.plus({ minutes: 1 }).toMillis(),
    );
    expect(await waiting()).toBe(1); // kept for the retry, not lost
    for (let attempt = 2; attempt <= 4; attempt++) {
      clock = clock.plus({ minutes: 31 }); // past the longest wait between tries
      await waitFor(async () => tries === attempt);
    }
    await waitFor(
      async () =>
        (await db.prisma.trackerNotice.findFirst({ where: { nexusId } }))!.claimedUntil!.getTime() > clock.toMillis(),
    );
    const later = await applied(1, clock); // a new round, too young for the sweep: posted (and failing) with the old one
    clock = clock.plus({ minutes: 31 });
    await waitFor(async () => tries === 5);
    await waitFor(
      async () =>
        (await db.prisma.trackerNotice.findMany({ where: { nexusId } })).map((n) => n.attempts).join() === '1',
    );
    slackAway = false;
    clock = clock.plus({ minutes: 3 });
    await waitFor(async () => (await waiting()) === 0);
    await running.stop();
    expect(tries).toBe(6);
    expect(told.flatMap((n) => n.moves.map((m) => m.key))).toEqual(later); // the old notice was given up, the new one told
    expect([
      await running.counted('retry'),
      await running.counted('given_up'),
      await running.counted('posted'),
    ]).toEqual([5, 1, 1]);
    expect((await h.store.pbis.get(nexusId, keys[0]))!.stage).toBe('in-progress');
  });

  test('two processes announcing at once post each move once', async () => {
    const keys = [...(await applied(4)), ...(await applied(5)), ...(await applied(6))];
    expect(await waiting()).toBe(3);
    const [a, b] = [announcer(), announcer()];
    await waitFor(async () => (await waiting()) === 0);
    await Promise.all([a.stop(), b.stop()]);
    expect(posted([...a.news, ...b.news]).sort()).toEqual(keys.sort());
  });

  test('a post slower than the claim keeps it: another process does not post the same moves again', async () => {
    const keys = await applied(2);
    let release = () => {};
    const slackSlow = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const slow = announcer({
      claimMs: 300,
      post: async (id, n) => {
        started = true;
        await slackSlow; // Slack answers after several claim periods (rate limits, retries, a slow network)
        slow.news.push({ nexusId: id, news: n });
      },
    });
    await waitFor(async () => started);
    const other = announcer({ claimMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // five claim periods, ~30 sweeps of the other
    release();
    await waitFor(async () => (await waiting()) === 0);
    await Promise.all([slow.stop(), other.stop()]);
    expect(other.news).toEqual([]);
    expect(posted(slow.news).sort()).toEqual(keys.sort());
  });

  test('rounds within the gathering time are posted in one message; stopping posts what is gathered', async () => {
    const gathering = announcer({ gatherMs: 60_000, sweepMs: 60_000 });
    const first = await applied(2);
    gathering.announce(lastRound);
    const second = await applied(3);
    gathering.announce(lastRound);
    expect(gathering.news).toEqual([]);
    await gathering.stop();
    expect(gathering.news).toHaveLength(1);
    expect(posted(gathering.news)).toEqual([...first, ...second]);
    expect(await waiting()).toBe(0);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
