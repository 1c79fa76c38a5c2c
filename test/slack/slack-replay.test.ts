import { CLAIM_WAIT_MS } from '../../src/slack/refuse-replays';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { sign } from '../support/slack-requests';

/** A slash command body as Slack signs it once; sending the same bytes and headers again is a replay. */
function signedCommand(s: SlackApp, text: string) {
  const responseUrl = s.fake.responseUrl();
  const body = new URLSearchParams({
    token: 'x',
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U_NIT',
    user_name: 'u',
    trigger_id: 'trig-replay',
    command: '/pbi',
    text,
    response_url: responseUrl,
  }).toString();
  return { body, headers: sign(body), responseUrl };
}

describeEachDatabase('a Slack request sent again (a replay)', (db) => {
  let first: SlackApp;
  let second: SlackApp;
  beforeEach(async () => {
    // two replicas on one database, as behind a load balancer
    first = await startSlackApp(db());
    second = await startSlackApp(db());
    await first.command('/nexus', 'setup --teams Alpha');
  });
  afterEach(async () => {
    await first.stop();
    await second.stop();
  });

  test("the same signed slash command sent twice within Slack's 5 minutes runs once, on whichever replica it reaches", async () => {
    const { body, headers, responseUrl } = signedCommand(first, 'add "Pay by invoice" --teams Alpha');
    const once = await first.slack.post(body, 'application/x-www-form-urlencoded', headers);
    expect(once.status).toBe(200);
    expect(first.fake.respondedTo(responseUrl)).toHaveLength(1);
    const again = await first.slack.post(body, 'application/x-www-form-urlencoded', headers);
    const elsewhere = await second.slack.post(body, 'application/x-www-form-urlencoded', headers);
    for (const replay of [again, elsewhere]) expect(replay.status).toBe(200);
    // acknowledged empty before the claim (a busy database must not hold the ack), told through the response URL
    const told = first.fake.respondedTo(responseUrl).slice(1);
    expect(told.map((m) => (m as { text: string }).text)).toEqual([
      expect.stringContaining('already received'),
      expect.stringContaining('already received'),
    ]);
    const nexus = (await first.store.nexuses.findByChannel('T1', 'C1'))!;
    const added = await db().prisma.event.count({ where: { nexusId: nexus.id, type: 'pbi.added' } });
    expect(added).toBe(1);
  });

  test('the same command typed again is a new request, and runs again', async () => {
    for (const sent of [
      signedCommand(first, 'add "Twice on purpose"'),
      signedCommand(first, 'add "Twice on purpose"'),
    ]) {
      expect((await first.slack.post(sent.body, 'application/x-www-form-urlencoded', sent.headers)).status).toBe(200);
    }
    const nexus = (await first.store.nexuses.findByChannel('T1', 'C1'))!;
    expect(await db().prisma.event.count({ where: { nexusId: nexus.id, type: 'pbi.added' } })).toBe(2);
  });
  test('a command that comes while the database is slow to claim its signature still runs once, when it answers', async () => {
    // the claim used to hold the acknowledgement, so past CLAIM_WAIT_MS the command was dropped with an apology
    let held!: () => void;
    const locked = new Promise<void>((taken) => {
      void db().prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`LOCK TABLE "SeenRequest" IN EXCLUSIVE MODE`;
          taken();
          await new Promise<void>((release) => (held = release));
        },
        { timeout: 30_000 },
      );
    });
    await locked;
    const sent = first.command('/pbi', 'add "Held up" --teams Alpha');
    setTimeout(() => held(), CLAIM_WAIT_MS + 1_000);
    const { status, reply } = await sent;
    expect(status).toBe(200);
    expect(reply.text).toContain('added *PBI-1*');
    const nexus = (await first.store.nexuses.findByChannel('T1', 'C1'))!;
    expect(await db().prisma.event.count({ where: { nexusId: nexus.id, type: 'pbi.added' } })).toBe(1);
  });
});
