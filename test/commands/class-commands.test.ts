import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP =
  '/nexus setup --teams Alpha,Beta --stages "refining,ready,doing:2,integrated" --start doing --finish integrated';

describeEachDatabase('/pbi class and /nexus class', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db()); // Mon 2 Mar 2026, 09:00 Berlin
    await h.run(SETUP);
    for (const title of ['Checkout', 'Search', 'Refunds']) await h.run(`/pbi add ${title} --teams Alpha`);
  });

  test("the Nexus's own classes: added with an SLE and WIP limit, listed, given to a PBI, removed when unused", async () => {
    const added = await h.run('/nexus class add integration-risk --sle 20 --wip 2');
    expect(added.visibility).toBe('channel');
    expect(added.plain).toContain(
      'added the class of service integration-risk with an SLE of 20 days and a WIP limit of 2',
    );
    expect((await h.run('/nexus class add Expedite --wip 1')).plain).toContain('gave expedite a WIP limit of 1');
    h.as('U_DEV'); // anyone may list them and give a PBI one
    const listed = await h.run('/nexus class');
    expect(listed.visibility).toBe('ephemeral');
    expect(listed.plain).toContain(
      'Classes of service: standard, expedite (WIP limit 1), fixed-date, intangible, integration-risk (SLE 20 days, WIP limit 2).',
    );
    const given = await h.run('/pbi class pbi-1 Integration-Risk');
    expect(given.visibility).toBe('channel');
    expect(given.plain).toContain('@U_DEV made PBI-1 integration-risk');
    expect(given.plain).toContain('PBI-1 Checkout · 🏷 integration-risk · ☐ Alpha');
    const fixed = await h.run('/pbi class PBI-2 fixed-date --date 2026-04-01');
    expect(fixed.plain).toContain('made PBI-2 fixed-date, due Wed 1 Apr');
    expect((await h.run('/pbi class PBI-2 fixed-date --date 2026-04-01')).plain).toContain(
      'PBI-2 is already fixed-date, due Wed 1 Apr.',
    );
    // today is still a date ahead enough: due by the end of it
    expect((await h.run('/pbi class PBI-3 fixed-date --date 2026-03-02')).plain).toContain('due Mon 2 Mar');
    expect((await h.run('/pbi show PBI-2')).plain).toContain('@U_DEV made it fixed-date, due Wed 1 Apr');
    expect((await h.run('/flow backlog')).plain).toMatch(/2\. PBI-2 Search · 📅 due Wed 1 Apr · ☐ Alpha/);
    expect((await h.run('/nexus class remove integration-risk')).plain).toContain('Only the Nexus Integration Team');
    h.as('U_NIT');
    const inUse = await h.run('/nexus class remove integration-risk');
    expect(inUse.plain).toContain(
      'integration-risk is still the class of open PBIs (PBI-1); give them another first, like /pbi class PBI-1 standard.',
    );
    await h.run('/pbi class PBI-1 standard');
    expect((await h.run('/nexus class remove integration-risk')).plain).toContain(
      'removed the class of service integration-risk',
    );
    expect((await h.run('/pbi class PBI-1 integration-risk')).plain).toContain(
      'There is no class of service integration-risk. Classes: standard, expedite, fixed-date, intangible.',
    );
    const types = (await db().prisma.event.findMany({ where: { pbiKey: null }, orderBy: { id: 'asc' } })).map(
      (e) => e.type,
    );
    expect(types.filter((t) => t === 'nexus.classes-changed')).toHaveLength(3);
  });

  test('bad classes, dates and limits get one clear line and change nothing', async () => {
    await h.run('/nexus class add integration-risk');
    const before = await db().prisma.event.count();
    const refusals: [string, string][] = [
      [
        '/pbi class PBI-1 fixed-date',
        'A fixed-date PBI needs the date it is due by: /pbi class PBI-1 fixed-date --date',
      ],
      ['/pbi class PBI-1 fixed-date --date 1/4/2026', '1/4/2026 is not a date; write it as YYYY-MM-DD'],
      ['/pbi class PBI-1 fixed-date --date 2026-02-30', '2026-02-30 is not a date'],
      ['/pbi class PBI-1 expedite --date 2026-04-01', 'Only a fixed-date PBI has a date; expedite takes none'],
      ['/pbi class PBI-1 urgent', 'There is no class of service urgent. Classes: standard, expedite'],
      ['/pbi class PBI-1', 'Give the PBI and one class'],
      ['/pbi class PBI-9 expedite', 'There is no PBI PBI-9 in this Nexus'],
      ['/pbi class PBI-1 standard', 'PBI-1 is already standard.'],
      [
        '/pbi class PBI-1 fixed-date --date 2026-03-01',
        '2026-03-01 is before today, Mon 2 Mar: a fixed-date PBI is due by a date still ahead. If PBI-1 is already late, give the date now agreed.',
      ],
      ['/nexus class add integration-risk', 'integration-risk already has no SLE or WIP limit of its own'],
      ['/nexus class add integration risk', 'A class name has no spaces'],
      ['/nexus class add risk! --wip 2', 'risk! is not a class name'],
      ['/nexus class add risk --sle 0', "--sle is the class's SLE in days, a whole number from 1 to 365"],
      ['/nexus class remove expedite', 'expedite is a built-in class and stays'],
      ['/nexus class remove nothing', 'There is no class of service nothing'],
      ['/nexus class rename risk', 'Say add or remove, then the class'],
    ];
    for (const [line, said] of refusals) {
      const reply = await h.run(line);
      expect({ line, visibility: reply.visibility }).toEqual({ line, visibility: 'ephemeral' });
      expect(reply.plain).toContain(said);
    }
    expect(await db().prisma.event.count()).toBe(before);
  });

  test("expedite work is shown apart and outside stage WIP limits; a class WIP limit is checked like a stage's", async () => {
    await h.run('/nexus class add expedite --wip 1');
    await h.run('/pbi class PBI-3 expedite');
    for (const key of ['PBI-1', 'PBI-2', 'PBI-3']) await h.run(`/pbi move ${key} doing`);
    const board = (await h.run('/flow board')).plain;
    expect(board).toContain("⚡ Expedite  1  (shown apart: not counted against the stages' WIP limits)");
    expect(board).toContain('• PBI-3 Refunds · ⚡ expedite · ☐ Alpha · 1d · in doing');
    expect(board).toContain('doing  2/2 (+1 ⚡ expedite, not counted)');
    expect(board).not.toContain('over limit');
    expect((await h.run('/flow wip')).plain).toContain('doing  2/2  (+1 ⚡ expedite, not counted)');
    expect((await h.run('/flow digest')).plain).not.toContain('over its WIP limit');
    // a second expedite PBI breaks the class's limit, not the stage's
    await h.run('/pbi add Outage --teams Beta');
    await h.run('/pbi class PBI-4 expedite');
    const started = await h.run('/pbi move PBI-4 doing');
    expect(started.plain).not.toContain('now over its WIP limit');
    expect(started.followUp?.text).toContain(
      'You just started PBI-4 while the class `expedite` is over its WIP limit (2/1)',
    );
    expect((await h.run('/pbi show PBI-4')).plain).toContain(
      "Stage doing · Class expedite, shown apart on the board, outside the stages' WIP limits, its own WIP limit of 1",
    );
    const digest = (await h.run('/flow digest')).plain;
    expect(digest).toContain('⚠ Class expedite 2/1 in progress: over its WIP limit.');
    expect(digest).not.toContain('⚠ doing');
    // a standard PBI is counted: the stage goes over its limit
    await h.run('/pbi add Invoices --teams Beta');
    const over = await h.run('/pbi move PBI-5 doing');
    expect(over.plain).toContain('doing is now over its WIP limit: 3/2');
    expect((await h.run('/flow digest')).plain).toContain(
      '⚠ doing 3/2: over its WIP limit (besides 2 expedite PBIs, not counted).',
    );
  });

  test("a class's own SLE ages its PBIs; the digest warns of a fixed-date PBI whose 85% forecast is after its date", async () => {
    // six PBIs with no teams finished in 6 days each: the cycle times a PBI without teams is forecast from
    for (let i = 4; i <= 9; i++) await h.run(`/pbi add "Done ${i}" --stage doing`);
    h.advance({ days: 5 }); // Sat 7 Mar
    for (let i = 4; i <= 9; i++) await h.run(`/pbi move PBI-${i} integrated`);
    await h.run('/nexus sle 85 10');
    await h.run('/nexus class add quick --sle 2');
    const titles = ['Quick', 'Slow', 'Launch', 'Later']; // PBI-10 … PBI-13
    const classes = ['quick', 'standard', 'fixed-date --date 2026-03-09', 'fixed-date --date 2026-06-01'];
    for (const [i, title] of titles.entries()) {
      await h.run(`/pbi add ${title} --stage doing`);
      await h.run(`/pbi class PBI-${10 + i} ${classes[i]}`);
    }
    h.advance({ days: 2 }); // Mon 9 Mar: all four 3 days old
    const aging = (await h.run('/flow aging')).plain;
    expect(aging).toContain('• PBI-10 Quick · 🏷 quick · 3d 🔴 past SLE · in doing');
    expect(aging).toContain('• PBI-11 Slow · 3d · in doing');
    expect(aging).toContain('Classes of service with their own SLE, which their PBIs age against: quick 2 days.');
    expect((await h.run('/pbi show PBI-10')).plain).toContain(
      'SLE of the class quick: 85% of its PBIs finish within 2 days (its own, set by the Nexus)',
    );
    // PBI-12 is 3 days old: every cycle time that long is 6 days, 3 days to go: 85% by Thu 12 Mar, after its date
    expect((await h.run('/forecast PBI-12')).plain).toContain('85%: on or before Thu 12 Mar');
    const digest = await h.run('/flow digest');
    expect(digest.plain).toContain('🔴 1 past the SLE, 🟡 0 at risk — oldest PBI-10, 3 days.');
    expect(digest.plain).toContain(
      '📅 1 fixed-date PBI likely late — PBI-12 is due Mon 9 Mar, 85% by Thu 12 Mar. Swarm on it or agree a new date.',
    );
    expect(JSON.stringify(digest.thread)).toContain('*PBI-12* Launch · due Mon 9 Mar · 85% by Thu 12 Mar');
    expect(JSON.stringify(digest.thread)).not.toContain('PBI-13');
  });
});
