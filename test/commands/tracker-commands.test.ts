import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { TRACKER_KINDS } from '../../src/domain/tracker';
import { brokenInvariants } from '../support/consistency';
import { inProgressDeliveries } from '../support/deliveries';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

describeEachDatabase('/nexus tracker and /nexus map', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --teams Alpha,Beta');
  });

  test('connecting shows the URL and a new secret to the NIT member alone; again, a new secret replaces it', async () => {
    const reply = await h.run('/nexus tracker jira');
    const nexus = await h.nexus();
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(`URL: http://localhost:3000/webhooks/jira/${nexus.id}`);
    const secret = /Secret: (\S+)/.exec(reply.plain)![1];
    expect((await h.store.trackers.withSecret(nexus.id, 'jira'))!.secret).toBe(secret);
    const sealed = await db().prisma.trackerConnection.findFirstOrThrow();
    expect(sealed.sealedSecret).not.toContain(secret);
    const again = /Secret: (\S+)/.exec((await h.run('/nexus tracker jira')).plain)![1];
    expect(again).not.toBe(secret);
    expect((await h.store.trackers.withSecret(nexus.id, 'jira'))!.secret).toBe(again);
  });

  test("Standard Webhooks secrets look like whsec_…; the tracker's own secret can be given", async () => {
    expect((await h.run('/nexus tracker generic')).plain).toMatch(/Secret: whsec_[A-Za-z0-9+/]{43}=/);
    expect((await h.run('/nexus tracker linear --secret lin_wh_abcdefghijklmnopqrstuvwxyz')).plain).toContain(
      'Secret: lin_wh_abcdefghijklmnopqrstuvwxyz',
    );
    expect((await h.run('/nexus tracker linear --secret short')).plain).toContain('too short');
  });

  test.each(TRACKER_KINDS)(
    'a %s secret with too little key material is refused with what is needed, and nothing is connected',
    async (kind) => {
      for (const weak of [
        '"################"',
        'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        'abababababababababababab',
        'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ]) {
        const reply = await h.run(`/nexus tracker ${kind} --secret ${weak}`);
        expect(reply.visibility).toBe('ephemeral');
        expect(reply.plain).toMatch(/too little key material/);
        expect(reply.plain).toMatch(/at least 64 bits/);
      }
      expect(await db().prisma.trackerConnection.count()).toBe(0);
      const strong = randomBytes(20).toString('hex');
      expect(
        (
          await h.run(
            `/nexus tracker ${kind} --secret ${kind === 'generic' ? `whsec_${randomBytes(24).toString('base64')}` : strong}`,
          )
        ).plain,
      ).toContain('is connected');
    },
  );

  test('a Standard Webhooks secret that decodes to too few bytes is refused, saying so', async () => {
    const reply = await h.run('/nexus tracker generic --secret "################"');
    expect(reply.plain).toContain('decodes to 0 bytes');
    expect(reply.plain).toContain('whsec_');
    expect(
      (await h.run(`/nexus tracker generic --secret whsec_${randomBytes(12).toString('base64')}`)).plain,
    ).toContain('decodes to 12 bytes');
  });

  test('bad input says what is wrong and changes nothing; only the NIT may connect', async () => {
    expect((await h.run('/nexus tracker trello')).plain).toContain('`trello` is not a tracker'.replace(/`/g, ''));
    h.as('U_DEV');
    expect((await h.run('/nexus tracker jira')).plain).toMatch(/Nexus Integration Team/);
    expect(await db().prisma.trackerConnection.count()).toBe(0);
  });

  test('with no tracker named, lists the connections, their mappings and their inbox', async () => {
    expect((await h.run('/nexus tracker')).plain).toContain('No tracker is connected yet');
    await h.run('/nexus tracker gitlab');
    await h.run('/nexus map gitlab "In Review" integrated');
    await h.run('/nexus map gitlab team "team::payments" Alpha');
    const list = await h.run('/nexus tracker');
    expect(list.plain).toContain('GitLab — no deliveries yet');
    expect(list.plain).toContain('"In Review" → integrated');
    expect(list.plain).toContain('"team::payments" → Alpha');
  });

  test('the list shows whether the webhook works: deliveries by state, the last one, the latest that went wrong', async () => {
    await h.run('/nexus tracker jira');
    const nexusId = (await h.nexus()).id;
    const invalid = { nexusId, kind: 'jira' as const, at: h.now.minus({ hours: 2 }), body: '{}' };
    await h.store.inbox.keepInvalid({ ...invalid, deliveryId: 'bad-1', error: 'timestamp: Required' });
    await h.store.inbox.keepInvalid({
      ...invalid,
      deliveryId: 'bad-2',
      at: h.now.minus({ hours: 3 }),
      error: 'older reason',
    });
    await h.store.inbox.receiveMany(inProgressDeliveries(nexusId, h.now.minus({ minutes: 3 }), 1));
    const list = await h.run('/nexus tracker');
    expect(list.plain).toContain('Jira — deliveries: 2 invalid, 1 pending; the last 3 minutes ago');
    expect(list.plain).toContain('⚠️ Latest invalid delivery (2 hours ago): timestamp: Required');
    expect(list.plain).not.toContain('older reason');
  });

  test('a tracker key in other letters moves the PBI that has it (keys are unique ignoring case)', async () => {
    await h.run('/nexus tracker jira');
    await h.run('/pbi add "Checkout" --key NX-0');
    const nexusId = (await h.nexus()).id;
    const [delivery] = inProgressDeliveries(nexusId, h.now.plus({ minutes: 1 }), 1);
    const lower = { ...delivery, change: { ...delivery.change, item: { ...delivery.change.item, key: 'nx-0' } } };
    await h.store.inbox.receiveMany([
      lower,
      { ...lower, deliveryId: 'd-again', change: { ...lower.change, item: { ...lower.change.item, key: 'Nx-0' } } },
    ]);
    const round = await h.store.inbox.applyDue(nexusId, h.now.plus({ minutes: 2 }), 250);
    expect(round.failed).toBe(0);
    expect(await h.store.pbis.countByStage(nexusId)).toEqual(new Map([['in-progress', 1]]));
    expect((await h.store.pbis.get(nexusId, 'nx-0'))?.key).toBe('NX-0');
    // the second spelling reports the same transition (same status, same instant): it reaches NX-0 and counts once
    expect((await h.store.pbis.history(nexusId, 'NX-0')).map((e) => e.type)).toEqual([
      'pbi.added',
      'pbi.renamed',
      'pbi.moved',
    ]);
    expect((await db().prisma.delivery.findMany({ orderBy: { id: 'asc' } })).map((d) => d.state)).toEqual([
      'applied',
      'ignored',
    ]);
  });

  test('a change dated in the future counts from when it arrived: the table and the history agree, no age is negative', async () => {
    await h.run('/nexus tracker jira');
    const nexusId = (await h.nexus()).id;
    const [soon, far] = inProgressDeliveries(nexusId, h.now, 2);
    const y2030 = DateTime.fromISO('2030-01-01T09:00:00Z');
    await h.store.inbox.receiveMany([
      { ...soon, change: { ...soon.change, at: h.now.plus({ seconds: 5 }) } },
      { ...far, change: { ...far.change, at: y2030, item: { ...far.change.item, createdAt: y2030 } } },
    ]);
    await h.store.inbox.applyDue(nexusId, h.now, 250);
    // typed the moment the tracker's change arrived, by a clock a few seconds behind the tracker's
    expect((await h.run('/pbi move NX-0 ready')).plain).toContain('moved NX-0 in-progress → ready');
    expect(await brokenInvariants(db(), nexusId, h.now.toJSDate())).toEqual([]);
    expect((await h.store.pbis.get(nexusId, 'NX-0'))?.stage).toBe('ready');
    const far2030 = await h.store.pbis.get(nexusId, 'NX-1');
    expect(far2030?.createdAt.toMillis()).toBe(h.now.toMillis());
    expect((await h.run('/pbi show NX-1')).plain).not.toMatch(/-\d+d/);
  });

  test('disconnect removes the connection, its secret and mappings, in the channel; the PBIs it brought stay', async () => {
    await h.run('/nexus tracker linear');
    await h.run('/nexus map linear "In Review" integrated');
    const nexusId = (await h.nexus()).id;
    await h.store.inbox.receiveMany(inProgressDeliveries(nexusId, h.now.minus({ hours: 1 }), 1));
    h.as('U_DEV');
    expect((await h.run('/nexus tracker linear disconnect')).plain).toMatch(/Nexus Integration Team/);
    h.as('U_NIT');
    expect((await h.run('/nexus tracker linear disconnect --secret abcdefghijklmnopqrstu')).plain).toContain(
      'without a secret',
    );
    expect((await h.run('/nexus tracker linear off')).plain).toContain('/nexus tracker linear disconnect');
    const done = await h.run('/nexus tracker Linear DISCONNECT');
    expect(done.visibility).toBe('channel');
    expect(done.plain).toContain('Linear is disconnected from this Nexus');
    expect(await h.store.trackers.withSecret(nexusId, 'linear')).toBeNull();
    expect(await db().prisma.delivery.count({ where: { nexusId } })).toBe(1);
    expect((await h.run('/nexus tracker')).plain).toContain('No tracker is connected yet');
    expect((await h.run('/nexus tracker linear disconnect')).plain).toContain('Linear is not connected to this Nexus');
    expect((await h.run('/nexus map linear "In Review" integrated')).plain).toContain('Linear is not connected');
    await h.run('/nexus tracker linear');
    expect((await h.store.trackers.list(nexusId))[0].connection.mapping.statuses).toEqual({});
  });

  test('removing a team unmaps the tracker labels that meant it, in the same change, and the channel hears which', async () => {
    await h.run('/nexus tracker jira');
    await h.run('/nexus tracker linear');
    await h.run('/nexus map jira team comp-a Alpha');
    await h.run('/nexus map jira team comp-b Beta');
    await h.run('/nexus map linear team ALP alpha');
    const nexusId = (await h.nexus()).id;
    const teamMaps = async () =>
      Object.fromEntries(
        (await h.store.trackers.list(nexusId)).map((c) => [c.connection.kind, c.connection.mapping.teams]),
      );

    const removed = await h.run('/nexus teams remove alpha');
    expect(removed.visibility).toBe('channel');
    expect(removed.plain).toContain('removed Alpha. Teams: Beta.');
    expect(removed.plain).toContain(
      'Tracker labels that meant a removed team now mean no team: Jira "comp-a" (Alpha), Linear "ALP" (Alpha)',
    );
    expect(await teamMaps()).toEqual({ jira: { 'comp-b': 'Beta' }, linear: {} });
    expect((await h.run('/nexus tracker')).plain).not.toContain('comp-a');

    // a team of that name added later is a new team: the old label does not come back to it
    await h.run('/nexus teams add Alpha');
    const [delivery] = inProgressDeliveries(nexusId, h.now, 1);
    await h.store.inbox.receiveMany([{ ...delivery, change: { ...delivery.change, teamHints: ['comp-a', 'comp-b'] } }]);
    expect((await h.store.inbox.applyDue(nexusId, h.now, 250)).failed).toBe(0);
    expect((await h.store.pbis.get(nexusId, 'NX-0'))?.squares.map((s) => s.team)).toEqual(['Beta']);

    // a removal refused (an open PBI needs the team) unmaps nothing
    expect((await h.run('/nexus teams remove Beta')).plain).toContain('NX-0');
    expect(await teamMaps()).toEqual({ jira: { 'comp-b': 'Beta' }, linear: {} });
  });

  test('removing a stage unmaps the tracker statuses that meant it, in the same change, and the channel hears which', async () => {
    await h.run('/nexus tracker jira');
    await h.run('/nexus tracker linear');
    await h.run('/nexus map jira "In Review" learning');
    await h.run('/nexus map jira "Shipped" released');
    await h.run('/nexus map linear "Verify" LEARNING');
    const nexusId = (await h.nexus()).id;
    const statusMaps = async () =>
      Object.fromEntries(
        (await h.store.trackers.list(nexusId)).map((c) => [c.connection.kind, c.connection.mapping.statuses]),
      );

    const removed = await h.run('/nexus stage remove learning');
    expect(removed.visibility).toBe('channel');
    expect(removed.plain).toContain('removed the stage learning.');
    expect(removed.plain).toContain(
      'Tracker statuses that meant a removed stage are unmapped: Jira "In Review" (learning), Linear "Verify" (learning)',
    );
    expect(await statusMaps()).toEqual({ jira: { Shipped: 'released' }, linear: {} });
    expect((await h.run('/nexus tracker')).plain).not.toContain('In Review');
    expect(await brokenInvariants(db(), nexusId, h.now.toJSDate())).toEqual([]);

    // the status is now read as any status no one mapped (here by its category), and a stage of that name added later
    // is a new stage: the old mapping does not come back to it, nor are its moves held for a stage that is gone
    await h.run('/nexus stage add learning');
    const [delivery] = inProgressDeliveries(nexusId, h.now, 1);
    await h.store.inbox.receiveMany([
      { ...delivery, change: { ...delivery.change, to: { id: null, name: 'In Review', category: 'indeterminate' } } },
    ]);
    expect((await h.store.inbox.applyDue(nexusId, h.now, 250)).failed).toBe(0);
    expect((await h.store.pbis.get(nexusId, 'NX-0'))?.stage).toBe('in-progress');

    // a removal refused (a PBI is still in the stage) unmaps nothing
    await h.run('/pbi move NX-0 released');
    expect((await h.run('/nexus stage remove released')).plain).toContain('released still holds 1 PBI');
    expect(await statusMaps()).toEqual({ jira: { Shipped: 'released' }, linear: {} });
  });

  test('a PBI a tracker finished with squares not done keeps them as they are: no square changes, done included', async () => {
    await h.run('/nexus tracker jira');
    const nexusId = (await h.nexus()).id;
    const [delivery] = inProgressDeliveries(nexusId, h.now.minus({ hours: 1 }), 1);
    await h.store.inbox.receiveMany([
      {
        ...delivery,
        change: { ...delivery.change, to: { id: null, name: 'Done', category: 'done' }, teamHints: ['Alpha', 'Beta'] },
      },
    ]);
    expect((await h.store.inbox.applyDue(nexusId, h.now, 250)).failed).toBe(0);
    const finished = await h.store.pbis.get(nexusId, 'NX-0');
    expect(finished).toMatchObject({
      stage: 'integrated',
      squares: [{ state: 'not-started' }, { state: 'not-started' }],
    });
    const events = () => db().prisma.event.count({ where: { nexusId, pbiKey: 'NX-0' } });
    const before = await events();
    for (const line of ['/pbi team NX-0 Alpha done', '/pbi team NX-0 beta start', '/pbi team NX-0 Alpha reset']) {
      const refused = await h.run(line);
      expect(refused.visibility).toBe('ephemeral');
      expect(refused.plain).toContain(
        'NX-0 is finished: its team squares are final. Move it back first (/pbi move NX-0 <stage>)',
      );
    }
    expect(await h.store.pbis.get(nexusId, 'NX-0')).toEqual(finished);
    expect(await events()).toBe(before);
    // its card offers no square buttons it would refuse
    expect(JSON.stringify((await h.run('/pbi show NX-0')).blocks)).not.toContain('pbi.square');
  });

  test('map refuses an unknown stage, team or tracker not connected, and says so in the channel when done', async () => {
    expect((await h.run('/nexus map jira "QA" integrated')).plain).toContain('Jira is not connected');
    await h.run('/nexus tracker jira');
    expect((await h.run('/nexus map jira "QA" testing')).plain).toContain(
      'There is no stage testing. Stages: discovery',
    );
    expect((await h.run('/nexus map jira team comp Gamma')).plain).toContain('There is no team Gamma. Teams: Alpha');
    expect((await h.run('/nexus map trello "QA" integrated')).plain).toContain('Name the tracker first');
    const done = await h.run('/nexus map jira "QA" Integrated');
    expect(done.visibility).toBe('channel');
    expect(done.plain).toContain('@U_NIT mapped Jira status QA to integrated: the status now moves PBIs there.');
    expect((await h.store.trackers.list((await h.nexus()).id))[0].connection.mapping.statuses).toEqual({
      QA: 'integrated',
    });
  });

  test('a team mapping is told to the channel with who made it, as a status mapping and every setting are', async () => {
    await h.run('/nexus tracker jira');
    const team = await h.run('/nexus map jira team "Payments Squad" alpha');
    expect(team.visibility).toBe('channel');
    expect(team.plain).toContain(
      '@U_NIT mapped Jira label Payments Squad to team Alpha: PBIs the tracker creates with that label need Alpha.',
    );
    const refused = await h.run('/nexus map jira team comp Gamma');
    expect(refused.visibility).toBe('ephemeral');
    expect((await h.store.trackers.list((await h.nexus()).id))[0].connection.mapping.teams).toEqual({
      'Payments Squad': 'Alpha',
    });
  });
});
