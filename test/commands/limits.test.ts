import { DateTime } from 'luxon';
import type { PbiEvent } from '../../src/domain/events';
import {
  MAX_KEY,
  MAX_NEXUS_NAME,
  MAX_OPEN_PBIS,
  MAX_STAGE_NAME,
  MAX_STAGES,
  MAX_TEAMS,
  MAX_TITLE,
} from '../../src/domain/limits';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';
import { post, signed, statusChange } from '../support/tracker-payloads';
import { connectTracker, serveTrackers, waitFor } from '../support/tracker-server';

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describeEachDatabase('limits of one Nexus', (db) => {
  let h: Harness;
  beforeEach(() => {
    h = commandHarness(db());
  });

  test('/nexus setup refuses more stages or teams than a Nexus holds, long names, and changes nothing', async () => {
    const refusals = [
      [
        `--stages "${names('s', MAX_STAGES + 1).join(',')}"`,
        `A workflow has at most ${MAX_STAGES} stages (this lists ${MAX_STAGES + 1})`,
      ],
      [`--stages "${names('s', 10_000).join(',')}"`, `A workflow has at most ${MAX_STAGES} stages (this lists 10000)`],
      [
        `--stages "ready,${'x'.repeat(MAX_STAGE_NAME + 1)},done"`,
        `is not a stage name: letters, digits, spaces, -_., at most ${MAX_STAGE_NAME}`,
      ],
      [`--teams ${names('T', MAX_TEAMS + 1).join(',')}`, `A Nexus has at most ${MAX_TEAMS} Scrum Teams`],
      [`--name "${'n'.repeat(MAX_NEXUS_NAME + 1)}"`, `A Nexus name is at most ${MAX_NEXUS_NAME} characters`],
    ];
    for (const [flags, said] of refusals) {
      const reply = await h.run(`/nexus setup ${flags}`);
      expect(reply.plain).toContain(said);
      expect(reply.plain.length).toBeLessThan(1_000);
    }
    expect(await h.store.nexuses.findByChannel('T1', 'C1')).toBeNull();
    await h.run(
      `/nexus setup --stages "${names('s', MAX_STAGES).join(',')}" --teams ${names('T', MAX_TEAMS).join(',')}`,
    );
    const nexus = await h.nexus();
    expect([nexus.workflow.stages.length, nexus.teams.length]).toEqual([MAX_STAGES, MAX_TEAMS]);
  });

  test('/nexus stage add and /nexus teams add stop at the limit; removing still works', async () => {
    await h.run(
      `/nexus setup --stages "${names('s', MAX_STAGES).join(',')}" --teams ${names('T', MAX_TEAMS - 1).join(',')}`,
    );
    expect((await h.run('/nexus stage add extra')).plain).toContain(
      `A workflow has at most ${MAX_STAGES} stages (this would make ${MAX_STAGES + 1})`,
    );
    expect((await h.run('/nexus teams add Last Over')).plain).toContain(
      `A Nexus has at most ${MAX_TEAMS} Scrum Teams (this would make ${MAX_TEAMS + 1})`,
    );
    expect((await h.nexus()).teams).toHaveLength(MAX_TEAMS - 1);
    expect((await h.run('/nexus teams add Last')).plain).toContain('Last');
    expect((await h.nexus()).teams).toHaveLength(MAX_TEAMS);
    expect((await h.run('/nexus stage remove s2')).plain).not.toContain('at most');
    expect((await h.nexus()).workflow.stages).toHaveLength(MAX_STAGES - 1);
  });

  test(`/pbi add refuses a title over ${MAX_TITLE} characters and a PBI past ${MAX_OPEN_PBIS} open ones`, async () => {
    await h.run('/nexus setup --stages "ready,doing,done" --start doing --finish done');
    expect((await h.run(`/pbi add "${'t'.repeat(60_000)}"`)).plain).toContain(
      `A title is at most ${MAX_TITLE} characters`,
    );
    const nexus = await h.nexus();
    const at = DateTime.fromISO('2026-03-01T09:00:00Z');
    const added: PbiEvent[] = Array.from({ length: MAX_OPEN_PBIS }, (_, i) => ({
      type: 'pbi.added',
      key: `OLD-${i}`,
      title: `Old ${i}`,
      url: null,
      stage: 'ready',
      teams: [],
      at,
      actor: 'U_NIT',
    }));
    await h.store.pbis.importHistory(nexus, added);
    const refused = await h.run('/pbi add "One more"');
    expect(refused.plain).toContain(`This Nexus already has ${MAX_OPEN_PBIS} open PBIs, the most Nexus Flow serves`);
    expect(refused.plain).not.toMatch(/added/);
    expect(await h.store.pbis.listOpen(nexus.id)).toHaveLength(MAX_OPEN_PBIS);
    await h.run('/pbi discard OLD-1');
    expect((await h.run('/pbi add "Now it fits"')).plain).toContain('added');
  });

  test(`a tracker title over ${MAX_TITLE} characters is shortened, not refused: the delivery is applied`, async () => {
    await h.run('/nexus setup --stages "ready,doing,done" --start doing --finish done');
    const nexusId = (await h.nexus()).id;
    const app = await serveTrackers(h);
    try {
      const secret = await connectTracker(h, 'generic');
      const now = DateTime.utc();
      const { json, deliveryId } = statusChange('generic', 1, 'doing', now);
      json.item.title = `${'Long 🚀 '.repeat(7_500)}end`; // 60,003 characters
      expect((await post(app.url, 'generic', nexusId, signed('generic', json, deliveryId, secret, now))).status).toBe(
        202,
      );
      await waitFor(async () => (await h.store.inbox.backlog()) === 0);
      const pbi = (await h.store.pbis.get(nexusId, 'G-1'))!;
      expect([...pbi.title]).toHaveLength(MAX_TITLE);
      expect(pbi.title).toMatch(/^Long 🚀 Long/);
      expect(pbi.title.endsWith('…')).toBe(true);
      expect(pbi.title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // not cut inside an emoji
    } finally {
      await app.close();
    }
  });

  test('a GitHub item of the longest owner/repository#number is created and reachable by its key', async () => {
    await h.run('/nexus setup --stages "ready,doing,done" --start doing --finish done');
    const nexusId = (await h.nexus()).id;
    const app = await serveTrackers(h);
    try {
      const secret = await connectTracker(h, 'github');
      const now = DateTime.utc();
      const { json, deliveryId } = statusChange('github', 4_294_967_295, 'doing', now);
      json.repository.full_name = `${'o'.repeat(39)}/${'r'.repeat(100)}`;
      const key = `${json.repository.full_name}#4294967295`;
      expect(key).toHaveLength(MAX_KEY - 9);
      expect((await post(app.url, 'github', nexusId, signed('github', json, deliveryId, secret, now))).status).toBe(
        202,
      );
      await waitFor(async () => (await h.store.inbox.backlog()) === 0);
      const shown = (await h.run(`/pbi show ${key}`)).plain;
      expect(shown).not.toContain('is not a PBI key');
      expect(shown).toContain('History');
      expect((await h.run(`/pbi add "Same length by hand" --key ${key.replace('#', '-')}`)).plain).toContain('added');
      expect((await h.run(`/pbi add "Too long" --key ${'k'.repeat(MAX_KEY + 1)}`)).plain).toContain(
        `at most ${MAX_KEY}`,
      );
    } finally {
      await app.close();
    }
  });
});
