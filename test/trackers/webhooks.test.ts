import { DateTime } from 'luxon';
import { TRACKER_KINDS, type TrackerKind } from '../../src/domain/tracker';
import type { Database } from '../../src/store/database';
import { DATABASE_KINDS, freshDatabase } from '../support/databases';
import { commandHarness, type Harness } from '../support/harness';
import { deletion, itemKey, post, SENDS_DELETIONS, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, serveTrackers, waitFor } from '../support/tracker-server';

/** Azure DevOps and GitLab authenticate the sender with a shared secret but do not sign the body. */
const SIGNS_BODY: TrackerKind[] = ['jira', 'github', 'linear', 'generic'];
const day = (d: number, hour = 10) =>
  DateTime.fromISO(`2026-11-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`);

/** `/nexus tracker <kind>`; Linear's secret is Linear's own, given with --secret. */
const connect = (h: Harness, kind: TrackerKind) =>
  connectTracker(h, kind, kind === 'linear' ? 'lin_wh_0123456789abcdef0123' : undefined);
const serve = (h: Harness) => serveTrackers(h);

describe.each(DATABASE_KINDS)('tracker webhooks on the %s database', (dbKind) => {
  let db: Database & { dispose(): Promise<void> };
  let h: Harness;
  let app: Awaited<ReturnType<typeof serve>>;
  let nexusId: string;
  const secrets = new Map<TrackerKind, string>();

  beforeAll(async () => {
    db = await freshDatabase(dbKind);
    h = commandHarness(db);
    await h.run('/nexus setup --teams Alpha,Beta');
    nexusId = (await h.nexus()).id;
    for (const kind of TRACKER_KINDS) secrets.set(kind, await connect(h, kind));
    app = await serve(h);
  });
  afterAll(async () => {
    await app.close();
    await db.dispose();
  });

  const send = (
    kind: TrackerKind,
    n: number,
    to: string,
    at: DateTime,
    opts: { from?: string; deliveryId?: string } = {},
  ) => {
    const { json, deliveryId } = statusChange(kind, n, to, at, opts);
    return post(app.url, kind, nexusId, signed(kind, json, deliveryId, secrets.get(kind)!, DateTime.utc()));
  };
  const settle = () => app.inbox.worker.idle();
  const pbi = (kind: TrackerKind, n: number) => h.store.pbis.get(nexusId, itemKey(kind, n));
  const moves = async (kind: TrackerKind, n: number) =>
    (await h.store.pbis.history(nexusId, itemKey(kind, n)))
      .filter((e) => e.type === 'pbi.moved')
      .map((e) => (e as { to: string }).to);

  describe.each(TRACKER_KINDS)('%s', (kind) => {
    test('a status change creates the item with its title and URL and moves it', async () => {
      const answer = await send(kind, 1, 'in progress', day(10), { from: 'ready' });
      expect(answer.status).toBe(202);
      await settle();
      const item = await pbi(kind, 1);
      expect(item).toMatchObject({ stage: 'in-progress' });
      expect(item!.title.length).toBeGreaterThan(3);
      expect(item!.startedAt!.toMillis()).toBe(day(10).toMillis());
    });

    test('the same delivery sent again is answered 2xx and applied once', async () => {
      const first = statusChange(kind, 2, 'in progress', day(11));
      const delivery = signed(kind, first.json, first.deliveryId, secrets.get(kind)!, DateTime.utc());
      expect((await post(app.url, kind, nexusId, delivery)).status).toBe(202);
      await settle();
      const again = await post(app.url, kind, nexusId, delivery);
      expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
      await settle();
      expect(await moves(kind, 2)).toEqual(['in-progress']);
    });

    test('changes delivered out of order end in the latest stage with every change in history', async () => {
      await send(kind, 3, 'integrated', day(14));
      await settle();
      await send(kind, 3, 'in progress', day(12));
      await send(kind, 3, 'ready', day(11));
      await settle();
      const item = await pbi(kind, 3);
      expect(item!.stage).toBe('integrated');
      expect(item!.startedAt!.toMillis()).toBe(day(12).toMillis());
      expect(item!.finishedAt!.toMillis()).toBe(day(14).toMillis());
      const history = await h.store.pbis.history(nexusId, itemKey(kind, 3));
      expect(history.filter((e) => e.type === 'pbi.moved').map((e) => e.at.toMillis())).toEqual(
        [day(11), day(12), day(14)].map((d) => d.toMillis()),
      );
    });

    test('a body over 1 MiB is refused with 413, signed or not, and nothing is stored', async () => {
      const { json, deliveryId } = statusChange(kind, 5, 'integrated', day(15));
      json.padding = 'x'.repeat(1024 * 1024);
      const answer = await post(
        app.url,
        kind,
        nexusId,
        signed(kind, json, deliveryId, secrets.get(kind)!, DateTime.utc()),
      );
      expect(answer).toMatchObject({ status: 413, body: { error: 'the body is over 1 MiB' } });
      expect(
        await db.prisma.delivery.count({
          where: {
            kind,
            receivedAt: { gte: new Date(Date.now() - 60_000) },
            change: { path: ['item', 'key'], equals: itemKey(kind, 5) },
          },
        }),
      ).toBe(0);
    });

    test('deliveries stored but not applied before a restart are applied after it, in order', async () => {
      await app.inbox.worker.stop(); // answered and stored, then the process "died"
      expect((await send(kind, 6, 'integrated', day(17))).status).toBe(202);
      expect((await send(kind, 6, 'in progress', day(16))).status).toBe(202);
      expect(await pbi(kind, 6)).toBeNull();
      app = await reopen(app);
      await waitFor(async () => (await pbi(kind, 6))?.stage === 'integrated');
      expect((await pbi(kind, 6))!.startedAt!.toMillis()).toBe(day(16).toMillis());
    });

    test('a forged signature is refused with 401 and nothing is stored', async () => {
      const { json, deliveryId } = statusChange(kind, 4, 'integrated', day(15));
      const forged = signed(kind, json, deliveryId, 'not-the-secret-at-all-0123456789', DateTime.utc());
      const answer = await post(app.url, kind, nexusId, forged);
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatch(/match/);
      if (SIGNS_BODY.includes(kind)) {
        const tampered = signed(kind, json, deliveryId, secrets.get(kind)!, DateTime.utc());
        expect(
          (await post(app.url, kind, nexusId, { ...tampered, body: tampered.body.replace('integrated', 'released') }))
            .status,
        ).toBe(401);
      }
      await settle();
      expect(await pbi(kind, 4)).toBeNull();
      expect(await db.prisma.delivery.count({ where: { deliveryId } })).toBe(0);
    });
  });

  test('an item renamed in the tracker is renamed here by its next status change, and the history says so', async () => {
    await send('jira', 50, 'in progress', day(10));
    await settle();
    const original = (await pbi('jira', 50))!.title;
    const { json, deliveryId } = statusChange('jira', 50, 'integrated', day(12));
    json.issue.fields.summary = 'Pay with <Apple Pay> and Google Pay';
    expect(
      (await post(app.url, 'jira', nexusId, signed('jira', json, deliveryId, secrets.get('jira')!, DateTime.utc())))
        .status,
    ).toBe(202);
    await send('jira', 50, 'ready', day(11)); // late, with the old title: changes neither title nor stage
    await settle();
    expect(await pbi('jira', 50)).toMatchObject({ title: 'Pay with <Apple Pay> and Google Pay', stage: 'integrated' });
    const shown = await h.run(`/pbi show ${itemKey('jira', 50)}`);
    expect(shown.plain).toContain('renamed it “Pay with <Apple Pay> and Google Pay”');
    expect(JSON.stringify(shown.blocks)).toContain('&lt;Apple Pay&gt;');
    expect(original).not.toBe('Pay with <Apple Pay> and Google Pay');
  });

  describe.each(SENDS_DELETIONS)('an item deleted in %s', (kind) => {
    const sendDeletion = (n: number, at: DateTime) => {
      const { json, deliveryId } = deletion(kind, n, at);
      return post(app.url, kind, nexusId, signed(kind, json, deliveryId, secrets.get(kind)!, DateTime.utc()));
    };

    test('leaves the flow: discarded once, however often it is sent, and told in the channel', async () => {
      await send(kind, 70, 'in progress', day(10));
      await settle();
      const { json, deliveryId } = deletion(kind, 70, day(12));
      const delivery = signed(kind, json, deliveryId, secrets.get(kind)!, DateTime.utc());
      expect((await post(app.url, kind, nexusId, delivery)).status).toBe(202);
      expect((await post(app.url, kind, nexusId, delivery)).status).toBe(200);
      await settle();
      const item = await pbi(kind, 70);
      expect(item!.discardedAt!.toMillis()).toBe(day(12).toMillis());
      expect(item!.startedAt!.toMillis()).toBe(day(10).toMillis());
      const history = await h.store.pbis.history(nexusId, itemKey(kind, 70));
      expect(history.filter((e) => e.type === 'pbi.discarded').map((e) => (e as { reason: string }).reason)).toEqual([
        'deleted in the tracker',
      ]);
      const closed = app;
      app = await reopen(app); // the closed one posts what it gathered
      expect(
        closed.news
          .flatMap((n) => n.moves)
          .filter((m) => m.key === itemKey(kind, 70) && m.to === 'deleted')
          .map((m) => m.from),
      ).toEqual(['in-progress']);
    });

    test('a finished item stays finished, and an item never seen is not created', async () => {
      await send(kind, 71, 'integrated', day(10));
      await settle();
      expect((await sendDeletion(71, day(12))).status).toBe(202);
      expect((await sendDeletion(72, day(12))).status).toBe(202);
      await settle();
      expect((await pbi(kind, 71))!.discardedAt).toBeNull();
      expect(await pbi(kind, 72)).toBeNull();
    });
  });

  test('teams come from the tracker: by their own name, or through /nexus map <tracker> team', async () => {
    await send('jira', 30, 'in progress', day(22));
    await h.run('/nexus map linear team ENG Alpha');
    await send('linear', 30, 'in progress', day(22));
    await settle();
    expect((await pbi('jira', 30))!.squares.map((s) => s.team)).toEqual(['Alpha']);
    expect((await pbi('linear', 30))!.squares.map((s) => s.team)).toEqual(['Alpha', 'Beta']);
  });

  test("a delivery signed with another Nexus's secret is refused at this Nexus's URL", async () => {
    const other = commandHarness(db, { channelId: 'C2' });
    await other.run('/nexus setup --teams Gamma');
    const otherSecret = /Secret: (\S+)/.exec((await other.run('/nexus tracker jira')).plain)![1];
    const { json, deliveryId } = statusChange('jira', 40, 'integrated', day(23));
    const answer = await post(app.url, 'jira', nexusId, signed('jira', json, deliveryId, otherSecret, DateTime.utc()));
    expect(answer.status).toBe(401);
    expect(await db.prisma.delivery.count({ where: { deliveryId } })).toBe(0);
    const otherId = (await other.nexus()).id;
    expect(
      (await post(app.url, 'jira', otherId, signed('jira', json, deliveryId, otherSecret, DateTime.utc()))).status,
    ).toBe(202);
    await settle();
    expect(await h.store.pbis.get(nexusId, 'ED-40')).toBeNull();
    expect((await other.store.pbis.get(otherId, 'ED-40'))!.stage).toBe('integrated');
  });

  test('a connection whose secret has no key material (stored before such secrets were refused) takes no delivery', async () => {
    const other = commandHarness(db, { channelId: 'C-weak' });
    await other.run('/nexus setup --teams Gamma');
    const otherId = (await other.nexus()).id;
    for (const [kind, weak] of [
      ['generic', 'whsec_################'],
      ['jira', '################'],
    ] as const) {
      await other.store.trackers.connect(otherId, kind, weak, DateTime.utc(), 'U_OLD');
      const { json, deliveryId } = statusChange(kind, 41, 'integrated', day(23));
      // an empty key for the generic secret (its base64 decodes to nothing), the string itself for Jira
      const answer = await post(app.url, kind, otherId, signed(kind, json, deliveryId, weak, DateTime.utc()));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toContain(`/nexus tracker ${kind}`);
      expect(answer.body).toEqual({
        error: `this connection's secret has too little key material; a NIT member gives it a new one with /nexus tracker ${kind}`,
      });
      expect(await db.prisma.delivery.count({ where: { deliveryId } })).toBe(0);
    }
  });

  /** The header each of these senders names its delivery with, which its signature does not cover. */
  const UNSIGNED_ID = {
    jira: 'x-atlassian-webhook-identifier',
    github: 'x-github-delivery',
    linear: 'linear-delivery',
    gitlab: 'idempotency-key',
  } as const;

  test.each(Object.keys(UNSIGNED_ID) as (keyof typeof UNSIGNED_ID)[])(
    'a signed %s body sent again under a new delivery id is refused as a replay and applied once',
    async (kind) => {
      const { json, deliveryId } = statusChange(kind, 80, 'in progress', day(10));
      const delivery = signed(kind, json, deliveryId, secrets.get(kind)!, DateTime.utc());
      expect((await post(app.url, kind, nexusId, delivery)).status).toBe(202);
      for (let i = 0; i < 3; i++) {
        const replay = {
          ...delivery,
          headers: { ...delivery.headers, [UNSIGNED_ID[kind]]: `replayed-${i}-${deliveryId}` },
        };
        const answer = await post(app.url, kind, nexusId, replay);
        expect(answer.status).toBe(409);
        expect(answer.body.error).toContain('replay');
      }
      expect(await post(app.url, kind, nexusId, delivery)).toMatchObject({ status: 200, body: { duplicate: true } });
      await settle();
      expect(await moves(kind, 80)).toEqual(['in-progress']);
      expect(
        await db.prisma.delivery.count({
          where: { kind, change: { path: ['item', 'key'], equals: itemKey(kind, 80) } },
        }),
      ).toBe(1);
    },
  );

  /** What a refused sender reads in the 401 body, byte for byte: without its credentials, and with forged ones. */
  const REJECTED = {
    jira: ['the X-Hub-Signature header is missing', 'the X-Hub-Signature signature does not match'],
    github: ['the X-Hub-Signature-256 header is missing', 'the X-Hub-Signature-256 signature does not match'],
    linear: ['the linear-signature header is missing', 'the linear-signature does not match'],
    gitlab: ['the X-Gitlab-Token header is missing', 'the X-Gitlab-Token does not match'],
    azure: ['basic authentication is missing', 'the basic authentication password does not match'],
    generic: ['webhook-id, webhook-timestamp and webhook-signature are required', 'no webhook-signature matches'],
  } satisfies Record<TrackerKind, [string, string]>;

  test.each(TRACKER_KINDS)('a refused %s delivery is told why in the 401 body', async (kind) => {
    const { json, deliveryId } = statusChange(kind, 42, 'integrated', day(15));
    const forged = signed(kind, json, deliveryId, 'not-the-secret-at-all-0123456789', DateTime.utc());
    const bare = { ...forged, headers: { 'content-type': 'application/json' } };
    const [missing, mismatch] = REJECTED[kind];
    expect(await post(app.url, kind, nexusId, bare)).toEqual({ status: 401, body: { error: missing } });
    expect(await post(app.url, kind, nexusId, forged)).toEqual({ status: 401, body: { error: mismatch } });
  });

  test('a missing signature is 401, an unknown Nexus 404, an unknown tracker 404, a body over 1 MiB 413', async () => {
    const { json, deliveryId } = statusChange('jira', 5, 'integrated', day(15));
    const good = signed('jira', json, deliveryId, secrets.get('jira')!, DateTime.utc());
    const { 'x-hub-signature': _, ...unsigned } = good.headers;
    expect((await post(app.url, 'jira', nexusId, { ...good, headers: unsigned })).status).toBe(401);
    expect((await post(app.url, 'jira', 'no-such-nexus', good)).status).toBe(404);
    const unknown = await fetch(`${app.url}/webhooks/trello/${nexusId}`, { method: 'POST', body: good.body });
    expect(unknown.status).toBe(404);
    const huge = JSON.stringify({ ...json, padding: 'x'.repeat(1024 * 1024) });
    const tooBig = await post(
      app.url,
      'jira',
      nexusId,
      signed('jira', JSON.parse(huge), deliveryId, secrets.get('jira')!, DateTime.utc()),
    );
    expect(tooBig).toMatchObject({ status: 413, body: { error: 'the body is over 1 MiB' } });
    expect(await db.prisma.delivery.count({ where: { deliveryId } })).toBe(0);
  });

  test('a signed payload that does not parse is 400 with the reason, kept for inspection, never applied', async () => {
    const bad = signed(
      'jira',
      { webhookEvent: 'jira:issue_updated', timestamp: 'yesterday' },
      'bad-1',
      secrets.get('jira')!,
      DateTime.utc(),
    );
    const answer = await post(app.url, 'jira', nexusId, bad);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/timestamp/);
    const kept = await db.prisma.delivery.findFirstOrThrow({ where: { deliveryId: 'bad-1' } });
    expect(kept).toMatchObject({ state: 'invalid', body: bad.body });
  });

  test('an event with no status change is answered 202 and ignored', async () => {
    const { json } = statusChange('jira', 60, 'integrated', day(15));
    json.changelog.items = [
      { field: 'summary', fieldtype: 'jira', from: null, fromString: 'Old', to: null, toString: 'New' },
    ];
    const answer = await post(
      app.url,
      'jira',
      nexusId,
      signed('jira', json, 'summary-1', secrets.get('jira')!, DateTime.utc()),
    );
    expect(answer).toMatchObject({ status: 202, body: { ignored: 'no status change' } });
    expect(await pbi('jira', 60)).toBeNull();
  });

  test("Jira's Flagged blocks the PBI and taking the flag off unblocks it: blocked days from Jira's times", async () => {
    await send('jira', 61, 'in progress', day(16, 8));
    await settle();
    const flag = async (id: string, at: DateTime, toString: string) => {
      const { json } = statusChange('jira', 61, 'in progress', at);
      json.changelog.items = [
        {
          field: 'Flagged',
          fieldtype: 'custom',
          fieldId: 'customfield_10021',
          from: null,
          fromString: null,
          to: null,
          toString,
        },
      ];
      const answer = await post(
        app.url,
        'jira',
        nexusId,
        signed('jira', json, id, secrets.get('jira')!, DateTime.utc()),
      );
      expect(answer.status).toBe(202);
      await settle();
    };
    await flag('flag-61', day(17, 9), 'Impediment');
    expect((await pbi('jira', 61))!.blocked).toMatchObject({ reason: 'flagged in the tracker' });
    await flag('unflag-61', day(18, 9), '');
    expect((await pbi('jira', 61))!.blocked).toBeNull();
    const history = await h.store.pbis.history(nexusId, itemKey('jira', 61));
    expect(history.filter((e) => e.type.endsWith('blocked')).map((e) => [e.type, e.at.toMillis()])).toEqual([
      ['pbi.blocked', day(17, 9).toMillis()],
      ['pbi.unblocked', day(18, 9).toMillis()],
    ]);
  });

  test('an unmapped status is held, reported to the NIT once, and applied once /nexus map names its stage', async () => {
    await send('jira', 7, 'QA Review', day(16));
    await send('jira', 8, 'QA Review', day(16));
    await settle();
    await app.inbox.stop(); // flushes what was gathered
    expect(await pbi('jira', 7)).toBeNull();
    const reported = app.news.flatMap((n) => n.unmapped);
    expect(reported).toEqual([{ kind: 'jira', status: 'QA Review', waiting: expect.any(Number) }]);
    expect(await db.prisma.delivery.count({ where: { state: 'unmapped' } })).toBe(2);
    app = await reopen(app);
    await send('jira', 9, 'QA Review', day(17));
    await settle();
    expect(app.news.flatMap((n) => n.unmapped)).toEqual([]);
    const mapped = await h.run('/nexus map jira "qa review" in-progress');
    expect(mapped.plain).toContain('3 held moves are being applied now');
    await waitFor(async () => (await pbi('jira', 9))?.stage === 'in-progress');
    expect((await pbi('jira', 7))!.stage).toBe('in-progress');
  });

  test('a delivery that fails to apply keeps its error and waits for a retry; the others go through', async () => {
    await db.prisma.delivery.create({
      data: {
        nexusId,
        kind: 'generic',
        deliveryId: 'broken-1',
        receivedAt: new Date(),
        change: { item: { key: 'G-99' } },
        state: 'pending',
      },
    });
    await send('generic', 21, 'in progress', day(20));
    await settle();
    await waitFor(async () => (await pbi('generic', 21))?.stage === 'in-progress');
    const broken = await db.prisma.delivery.findFirstOrThrow({ where: { deliveryId: 'broken-1' } });
    expect(broken).toMatchObject({ state: 'failed', attempts: 1 });
    expect(broken.error).toBeTruthy();
    expect(broken.retryAt!.getTime()).toBeGreaterThan(Date.now());
  });

  test('moves that arrive together are announced in one message', async () => {
    app = await reopen(app); // what earlier tests gathered is announced and gone
    await Promise.all([22, 23, 24].map((n) => send('generic', n, 'in progress', day(21))));
    await settle();
    await app.inbox.stop();
    expect(app.news).toHaveLength(1);
    expect(app.news[0].moves.map((m) => m.key).sort()).toEqual(['G-22', 'G-23', 'G-24']);
    app = await reopen(app);
  });

  async function reopen(current: typeof app): Promise<typeof app> {
    await current.close();
    return serve(h);
  }
});
