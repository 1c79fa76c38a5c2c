import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config';
import { localDate } from '../../src/domain/calendar';
import type { Nexus } from '../../src/domain/nexus';
import { createLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import type { Reply } from '../../src/render/reply';
import { postDueReports } from '../../src/schedule/scheduler';
import { slackDigestPoster } from '../../src/slack/digest-poster';
import { workspaceClients } from '../../src/slack/workspace-client';
import { openStore, type Store } from '../../src/store';
import { startFakeSlack } from '../support/fake-slack';
import { describeEachDatabase } from '../support/setup-db';
import { SIGNING_SECRET } from '../support/slack-requests';

const ZONE = 'Europe/Berlin';
const log = createLogger('silent');
const metrics = createMetrics({ inboxBacklog: async () => 0 });
type Post = { nexus: string; at: DateTime; text: string };
/** What a post is, by its first line: the digest, or a Sprint report. */
const reportOf = ({ text }: Post) =>
  text.includes('Nexus Sprint Review') ? 'review' : text.includes('Nexus Sprint Retrospective') ? 'retro' : 'digest';
/** "2026-03-27 09:30 review": each post's local day, time and report, in the order posted. */
const posted = (posts: Post[]) =>
  posts.map((p) => `${localDate(p.at, ZONE)} ${p.at.setZone(ZONE).toFormat('HH:mm')} ${reportOf(p)}`);
const WEEKDAYS: Nexus['digest']['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** A Nexus with this digest and, when given, a cadence of 14-day Sprints from `sprintStart` and its Sprint reports. */
async function createNexus(
  store: Store,
  digest: Nexus['digest'],
  sprint: { sprintStart: string; sprintReports: Nexus['sprintReports'] } | null = null,
): Promise<Nexus> {
  const settings: Omit<Nexus, 'id'> = {
    workspaceId: 'T1',
    channelId: 'C1',
    name: 'Shop',
    teams: ['Alpha'],
    workflow: {
      stages: [
        { name: 'ready', wipLimit: null },
        { name: 'doing', wipLimit: null },
        { name: 'done', wipLimit: null },
      ],
      startStage: 'doing',
      finishStage: 'done',
    },
    sle: { percentile: 85, days: null, historyDays: 90 },
    timeZone: ZONE,
    digest,
    forecast: { days: 'calendar', sprintDays: 14, sprintStart: sprint?.sprintStart ?? null },
    sprintReports: sprint?.sprintReports ?? { review: false, retro: false },
    teamChannels: [],
    classes: [],
    nit: ['U1'],
    createdBy: 'U1',
  };
  return (await store.nexuses.create(settings, {
    type: 'nexus.created',
    at: DateTime.utc(2026, 1, 1),
    actor: 'U1',
    value: settings,
  })) as Nexus;
}

describeEachDatabase('daily digest schedule', (db) => {
  let store: Store;
  let posts: Post[];
  let clock: DateTime;
  const recorder =
    (_replica: string) =>
    async (nexus: Nexus, reply: Reply): Promise<void> =>
      void posts.push({ nexus: nexus.id, at: clock, text: reply.text });
  beforeEach(() => {
    store = openStore(db(), 'setup');
    posts = [];
  });

  /** Two replicas, each with its own store, run a round every 15 minutes on the fake clock. */
  async function tick(from: DateTime, to: DateTime, poster = recorder) {
    const replicas = ['replica-a', 'replica-b'].map((replica) => ({ replica, store: openStore(db(), replica) }));
    for (clock = from; clock <= to; clock = clock.plus({ minutes: 15 })) {
      const at = clock;
      await Promise.all(
        replicas.map(({ replica, store }) =>
          postDueReports({ store, now: () => at, replica, post: poster(replica), log, metrics }),
        ),
      );
    }
  }

  test('a week with a weekend and the spring DST change: exactly one digest per working day, at 09:30 local', async () => {
    await createNexus(store, { time: '09:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: true });
    await tick(
      DateTime.fromISO('2026-03-26T00:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-31T23:45', { zone: ZONE }),
    );
    expect(posts.map((p) => localDate(p.at, ZONE))).toEqual(['2026-03-26', '2026-03-27', '2026-03-30', '2026-03-31']);
    expect(posts.every((p) => p.at.setZone(ZONE).toFormat('HH:mm') === '09:30')).toBe(true);
  });

  test('a digest time inside the DST gap or the repeated hour still posts once that day', async () => {
    await createNexus(store, { time: '02:30', days: ['sat', 'sun', 'mon'], enabled: true });
    await tick(
      DateTime.fromISO('2026-03-28T23:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-29T12:00', { zone: ZONE }),
    ); // 02:30 does not exist
    await tick(
      DateTime.fromISO('2026-10-24T23:00', { zone: ZONE }),
      DateTime.fromISO('2026-10-25T12:00', { zone: ZONE }),
    ); // 02:30 happens twice
    expect(posts.map((p) => localDate(p.at, ZONE))).toEqual(['2026-03-29', '2026-10-25']);
  });

  test('a replica that crashes between claiming and posting: the claim is taken over after 5 minutes, posted once', async () => {
    await createNexus(store, { time: '09:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: true });
    let failures = 0;
    const crashing = (replica: string) => async (nexus: Nexus, reply: Reply) => {
      if (failures++ === 0) throw new Error(`${replica} died`);
      posts.push({ nexus: nexus.id, at: clock, text: reply.text });
    };
    await tick(
      DateTime.fromISO('2026-03-26T09:30', { zone: ZONE }),
      DateTime.fromISO('2026-03-26T10:30', { zone: ZONE }),
      crashing,
    );
    expect(failures).toBe(2);
    expect(posts.map((p) => p.at.setZone(ZONE).toFormat('HH:mm'))).toEqual(['09:45']);
  });

  test('after a restart a missed slot is caught up within the grace window, never later, never twice', async () => {
    await createNexus(store, { time: '09:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: true });
    await tick(
      DateTime.fromISO('2026-03-26T11:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-26T23:45', { zone: ZONE }),
    ); // down until 11:00
    await tick(
      DateTime.fromISO('2026-03-27T13:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-27T23:45', { zone: ZONE }),
    ); // down until 13:00
    await tick(
      DateTime.fromISO('2026-03-26T12:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-26T12:30', { zone: ZONE }),
    ); // a clock replaying Thursday
    expect(posts.map((p) => `${localDate(p.at, ZONE)} ${p.at.setZone(ZONE).toFormat('HH:mm')}`)).toEqual([
      '2026-03-26 11:00',
    ]);
  });

  test('a Nexus with its digest off gets none; the digest posted is the real one (quiet here)', async () => {
    await createNexus(store, { time: '09:30', days: ['thu'], enabled: true });
    await tick(
      DateTime.fromISO('2026-03-26T09:30', { zone: ZONE }),
      DateTime.fromISO('2026-03-26T09:30', { zone: ZONE }),
    );
    expect(posts[0].text).toContain('Flow is healthy');
    const off = openStore(db(), 'setup');
    const nexus = (await off.nexuses.findByChannel('T1', 'C1'))!;
    await off.nexuses.change(nexus.id, (n) => ({
      after: { ...n, digest: { ...n.digest, enabled: false } },
      event: { type: 'nexus.digest-changed', at: DateTime.utc(), actor: 'U1', value: {} },
    }));
    await tick(
      DateTime.fromISO('2026-04-02T09:30', { zone: ZONE }),
      DateTime.fromISO('2026-04-02T10:00', { zone: ZONE }),
    );
    expect(posts).toHaveLength(1);
  });

  test("the Sprint reports: once each on the Sprint's last working day, after the digest, with two replicas", async () => {
    // Sprints of 14 days from Mon 16 Mar: Sprint 1 ends Sun 29 Mar (the spring DST change), its last working day Fri 27
    await createNexus(
      store,
      { time: '09:30', days: WEEKDAYS, enabled: true },
      { sprintStart: '2026-03-16', sprintReports: { review: true, retro: true } },
    );
    await tick(
      DateTime.fromISO('2026-03-26T00:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-30T23:45', { zone: ZONE }),
    );
    expect(posted(posts)).toEqual([
      '2026-03-26 09:30 digest',
      '2026-03-27 09:30 digest',
      '2026-03-27 09:30 review',
      '2026-03-27 09:30 retro',
      '2026-03-30 09:30 digest',
    ]);
    const runs = await db().prisma.digestRun.findMany({ orderBy: [{ date: 'asc' }, { report: 'asc' }] });
    expect(runs.filter((r) => r.date === '2026-03-27').map((r) => [r.report, r.postedAt !== null])).toEqual([
      ['digest', true],
      ['retro', true],
      ['review', true],
    ]);
  }, 120_000);

  test('Sprints ending on the nights the clocks change, at a time in the gap: each report once, digest off', async () => {
    // Sprint 1 ends Sun 29 Mar 2026 (02:30 does not exist), Sprint 16 ends Sun 25 Oct (02:30 happens twice)
    await createNexus(
      store,
      { time: '02:30', days: ['sat', 'sun', 'mon'], enabled: false },
      { sprintStart: '2026-03-16', sprintReports: { review: true, retro: true } },
    );
    await tick(
      DateTime.fromISO('2026-03-28T23:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-30T12:00', { zone: ZONE }),
    );
    await tick(
      DateTime.fromISO('2026-10-24T23:00', { zone: ZONE }),
      DateTime.fromISO('2026-10-26T12:00', { zone: ZONE }),
    );
    // 02:30 moves to 03:30 summer time in spring; in autumn it is taken at the second 02:30 (winter time)
    expect(posted(posts)).toEqual([
      '2026-03-29 03:30 review',
      '2026-03-29 03:30 retro',
      '2026-10-25 02:30 review',
      '2026-10-25 02:30 retro',
    ]);
  }, 120_000);

  test('only the reports turned on are posted, and none without a cadence or once turned off', async () => {
    const nexus = await createNexus(
      store,
      { time: '09:30', days: WEEKDAYS, enabled: false },
      { sprintStart: '2026-03-16', sprintReports: { review: false, retro: true } },
    );
    await tick(
      DateTime.fromISO('2026-03-27T09:00', { zone: ZONE }),
      DateTime.fromISO('2026-03-27T13:00', { zone: ZONE }),
    );
    expect(posted(posts)).toEqual(['2026-03-27 09:30 retro']);
    await store.nexuses.change(nexus.id, (n) => ({
      after: { ...n, sprintReports: { review: false, retro: false } },
      event: { type: 'nexus.sprint-changed', at: DateTime.utc(), actor: 'U1', value: {} },
    }));
    await tick(
      DateTime.fromISO('2026-04-10T09:00', { zone: ZONE }),
      DateTime.fromISO('2026-04-10T13:00', { zone: ZONE }),
    ); // Sprint 2's last working day
    await store.nexuses.change(nexus.id, (n) => ({
      after: { ...n, forecast: { ...n.forecast, sprintStart: null }, sprintReports: { review: true, retro: true } },
      event: { type: 'nexus.sprint-changed', at: DateTime.utc(), actor: 'U1', value: {} },
    }));
    await tick(
      DateTime.fromISO('2026-04-24T09:00', { zone: ZONE }),
      DateTime.fromISO('2026-04-24T13:00', { zone: ZONE }),
    ); // would be Sprint 3's
    expect(posts).toHaveLength(1);
  });

  test('a review that fails to post: taken over after 5 minutes, posted once; the retrospective is not held back', async () => {
    await createNexus(
      store,
      { time: '09:30', days: WEEKDAYS, enabled: true },
      { sprintStart: '2026-03-16', sprintReports: { review: true, retro: true } },
    );
    let failures = 0;
    const crashing = (replica: string) => async (nexus: Nexus, reply: Reply) => {
      if (reply.text.includes('Nexus Sprint Review') && failures++ === 0) throw new Error(`${replica} died`);
      posts.push({ nexus: nexus.id, at: clock, text: reply.text });
    };
    await tick(
      DateTime.fromISO('2026-03-27T09:30', { zone: ZONE }),
      DateTime.fromISO('2026-03-27T10:30', { zone: ZONE }),
      crashing,
    );
    expect(failures).toBe(2);
    expect(posted(posts)).toEqual(['2026-03-27 09:30 digest', '2026-03-27 09:30 retro', '2026-03-27 09:45 review']);
  });

  test("in Slack the due digest is posted to the Nexus channel with the workspace's bot token", async () => {
    const fake = await startFakeSlack();
    try {
      await createNexus(store, { time: '09:30', days: ['thu'], enabled: true });
      const config = loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-digest',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
      });
      const at = DateTime.fromISO('2026-03-26T09:31', { zone: ZONE });
      const posted = await postDueReports({
        store,
        now: () => at,
        replica: 'r',
        post: slackDigestPoster(workspaceClients(config, db()), log),
        log,
        metrics,
      });
      expect(posted).toBe(1);
      expect(fake.callsTo('chat.postMessage').map((c) => [c.body.channel, c.token])).toEqual([['C1', 'xoxb-digest']]);
      expect(fake.lastCall('chat.postMessage')?.body.text).toContain('Flow is healthy');
    } finally {
      await fake.close();
    }
  });
});
