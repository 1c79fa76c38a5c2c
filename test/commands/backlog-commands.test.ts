import fc from 'fast-check';
import { blocksToText } from '../../src/console/plain-text';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP =
  '/nexus setup --teams Alpha,Beta --stages "refining,ready,doing,integrated" --start doing --finish integrated';

describeEachDatabase('/pbi rank, /flow backlog and /pbi depends', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run(SETUP);
    for (const title of ['Checkout', 'Search', 'Refunds', 'Invoices']) {
      await h.run(`/pbi add ${title} --teams Alpha`);
      h.advance({ minutes: 1 });
    }
  });
  /** The backlog's keys, top down, as /flow backlog lists them. */
  const backlog = async () => [...(await h.run('/flow backlog')).plain.matchAll(/^\d+\. (PBI-\d+)/gm)].map((m) => m[1]);

  test('new PBIs go to the bottom; rank puts one at the top, bottom, before or after another', async () => {
    expect(await backlog()).toEqual(['PBI-1', 'PBI-2', 'PBI-3', 'PBI-4']);
    const top = await h.run('/pbi rank PBI-4 top');
    expect(top.visibility).toBe('channel');
    expect(top.plain).toContain('ranked PBI-4 at the top of the Product Backlog');
    expect(await backlog()).toEqual(['PBI-4', 'PBI-1', 'PBI-2', 'PBI-3']);
    await h.run('/pbi rank pbi-1 after PBI-2');
    expect(await backlog()).toEqual(['PBI-4', 'PBI-2', 'PBI-1', 'PBI-3']);
    expect((await h.run('/pbi rank PBI-3 before pbi-4')).plain).toContain(
      'ranked PBI-3 before PBI-4 in the Product Backlog',
    );
    await h.run('/pbi rank PBI-2 bottom');
    expect(await backlog()).toEqual(['PBI-3', 'PBI-4', 'PBI-1', 'PBI-2']);
    await h.run('/pbi add Exports --teams Beta');
    expect((await backlog()).at(-1)).toBe('PBI-5');
    expect((await h.run('/pbi show PBI-3')).plain).toContain('ranked it before PBI-4');
  });

  test('the backlog leaves finished and discarded PBIs out and lists the first --top', async () => {
    await h.run('/pbi discard PBI-2 duplicate');
    const listed = await h.run('/flow backlog --top 2');
    expect(listed.visibility).toBe('ephemeral');
    expect(listed.plain).toContain('3 open PBIs in the Product Backlog, in order');
    expect(listed.plain).toMatch(/1\. PBI-1 Checkout · ☐ Alpha · in `?refining/);
    expect(listed.plain).toContain('…and 1 more below');
    expect(listed.plain).not.toContain('PBI-2');
    expect((await h.run('/flow backlog --top 1')).plain).toContain('…and 2 more below: /flow backlog --top 3.');
  });

  test('bad places get one clear line and change nothing', async () => {
    const before = await db().prisma.event.count();
    const refusals: [string, string][] = [
      ['/pbi rank PBI-2 before PBI-2', "PBI-2 can't go before or after itself"],
      ['/pbi rank PBI-2 after PBI-99', 'There is no PBI PBI-99 in this Nexus'],
      ['/pbi rank PBI-99 top', 'There is no PBI PBI-99 in this Nexus'],
      ['/pbi rank PBI-2 sideways', 'Say where it goes: top, bottom, before <key> or after <key>'],
      ['/pbi rank PBI-2 before', 'Say where it goes'],
      ['/pbi rank PBI-1 top', 'That changes nothing on PBI-1'],
      ['/flow backlog --top 0', '--top is a whole number from 1 to 200'],
    ];
    for (const [line, said] of refusals) {
      const reply = await h.run(line);
      expect({ line, visibility: reply.visibility }).toEqual({ line, visibility: 'ephemeral' });
      expect(reply.plain).toContain(said);
    }
    await h.run('/pbi discard PBI-3 duplicate');
    expect((await h.run('/pbi rank PBI-3 top')).plain).toContain('PBI-3 is discarded, so it has no place');
    expect((await h.run('/pbi rank PBI-1 after PBI-3')).plain).toContain('PBI-3 is discarded, so it has no place');
    expect(await db().prisma.event.count()).toBe(before + 1); // the discard alone
    expect(await backlog()).toEqual(['PBI-1', 'PBI-2', 'PBI-4']);
  });

  test('a dependency shows on cards, /pbi show, the board and the digest until integrated; remove', async () => {
    const added = await h.run('/pbi depends pbi-2 on pbi-1');
    expect(added.visibility).toBe('channel');
    expect(added.plain).toContain('said PBI-2 depends on PBI-1: it waits for PBI-1 to be integrated');
    expect(added.plain).toContain('🔗 depends on PBI-1');
    await h.run('/pbi depends PBI-2 on PBI-3');
    await h.run('/pbi move PBI-2 doing');
    const show = (await h.run('/pbi show PBI-2')).plain;
    expect(show).toMatch(/Depends on ⏳ PBI-1 in `?refining`?, ⏳ PBI-3 in `?refining/);
    expect(show).toContain('made it depend on PBI-1');
    expect((await h.run('/pbi show PBI-1')).plain).toContain('Needed by PBI-2');
    expect((await h.run('/flow board')).plain).toContain('⏳ waits on PBI-1, PBI-3');
    // the digest names PBIs in progress that can't be integrated yet
    const digest = await h.run('/flow digest');
    expect(digest.plain).toContain('1 PBI in progress waits on PBIs not integrated yet — PBI-2 on PBI-1 and PBI-3.');
    await h.run('/pbi depends PBI-4 on PBI-3');
    await h.run('/pbi move PBI-4 doing');
    expect((await h.run('/flow digest')).plain).toContain(
      '2 PBIs in progress wait on PBIs not integrated yet — PBI-2 on PBI-1 and PBI-3; 1 more in the thread.',
    );
    await h.run('/pbi depends PBI-4 remove PBI-3');
    expect(blocksToText(digest.thread ?? [])).toMatch(/PBI-2 Search waits on PBI-1 \(in `?refining`?\), PBI-3/);
    await h.run('/pbi team PBI-1 Alpha done');
    await h.run('/pbi move PBI-1 integrated');
    await h.run('/pbi discard PBI-3 not needed');
    expect((await h.run('/flow board')).plain).not.toContain('waits on');
    expect((await h.run('/pbi show PBI-2')).plain).toContain('Depends on PBI-1 ✓ integrated, PBI-3 discarded');
    const removed = await h.run('/pbi depends PBI-2 remove pbi-1');
    expect(removed.plain).toContain('said PBI-2 no longer depends on PBI-1');
    expect((await h.run('/pbi show PBI-2')).plain).toContain('took away its dependency on PBI-1');
  });

  test('integrating a PBI before what it depends on is accepted, and said', async () => {
    await h.run('/pbi depends PBI-2 on PBI-1');
    await h.run('/pbi depends PBI-2 on PBI-3');
    await h.run('/pbi depends PBI-4 on PBI-1');
    await h.run('/pbi team PBI-1 Alpha done');
    await h.run('/pbi team PBI-2 Alpha done');
    await h.run('/pbi discard PBI-3 not needed'); // a discarded dependency is never integrated, and holds no one up
    const early = await h.run('/pbi move PBI-2 integrated');
    expect(early.visibility).toBe('channel');
    expect(early.plain).toContain('moved PBI-2 refining → integrated');
    expect(early.plain).toContain('⚠ PBI-2 is integrated before PBI-1, which it depends on.');
    await h.run('/pbi depends PBI-4 on PBI-2');
    await h.run('/pbi team PBI-4 Alpha done');
    expect((await h.run('/pbi move PBI-4 integrated')).plain).toContain(
      '⚠ PBI-4 is integrated before PBI-1, which it depends on.',
    );
    const inOrder = await h.run('/pbi move PBI-1 integrated');
    expect(inOrder.plain).toContain('moved PBI-1');
    expect(inOrder.plain).not.toContain('integrated before');
  });

  test('a stage whose name begins with "in" is not read "in in-progress"', async () => {
    await h.run('/nexus stage add in-progress --after ready');
    await h.run('/pbi move PBI-1 in-progress');
    expect((await h.run('/flow backlog')).plain).toMatch(/1\. PBI-1 Checkout · ☐ Alpha · in the `?in-progress`? stage/);
    expect((await h.run('/pbi move PBI-1 in-progress')).plain).toMatch(/PBI-1 is already in the `?in-progress`? stage/);
  });

  test('starting a PBI whose dependency is not integrated nudges, saying so when no forecast can', async () => {
    await h.run('/pbi depends PBI-2 on PBI-1');
    const started = await h.run('/pbi move PBI-2 doing');
    expect(started.followUp?.visibility).toBe('ephemeral');
    expect(started.followUp?.text).toContain(
      "PBI-1 isn't integrated yet: no forecast can say when yet — start it after, or help finish PBI-1.",
    );
    expect((await h.run('/pbi move PBI-3 doing')).followUp).toBeUndefined();
  });

  test('bad dependencies get one clear line and change nothing', async () => {
    await h.run('/pbi depends PBI-2 on PBI-1');
    await h.run('/pbi depends PBI-3 on PBI-2');
    await h.run('/pbi discard PBI-4 duplicate');
    const before = await db().prisma.event.count();
    const refusals: [string, string][] = [
      [
        '/pbi depends PBI-1 on PBI-3',
        "PBI-1 can't depend on PBI-3: that would make a cycle, PBI-1 → PBI-3 → PBI-2 → PBI-1",
      ],
      ['/pbi depends PBI-1 on pbi-1', "PBI-1 can't depend on itself"],
      ['/pbi depends PBI-1 on PBI-99', 'There is no PBI PBI-99 in this Nexus'],
      ['/pbi depends PBI-99 on PBI-1', 'There is no PBI PBI-99 in this Nexus'],
      ['/pbi depends PBI-1 on PBI-4', "PBI-4 was discarded: it will never be integrated, so PBI-1 can't wait for it"],
      ['/pbi depends PBI-2 on pbi-1', 'PBI-2 already depends on PBI-1.'],
      ['/pbi depends PBI-3 remove PBI-999', 'There is no PBI PBI-999 in this Nexus'],
      ['/pbi depends PBI-3 remove PBI-1', "PBI-3 doesn't depend on PBI-1; it depends on PBI-2"],
      ['/pbi depends PBI-3 after PBI-1', 'Say on <key> or remove <key>, like /pbi depends PBI-5 on PBI-3'],
      ['/pbi depends PBI-3 on', 'Say on <key> or remove <key>'],
    ];
    for (const [line, said] of refusals) {
      const reply = await h.run(line);
      expect({ line, visibility: reply.visibility }).toEqual({ line, visibility: 'ephemeral' });
      expect(reply.plain).toContain(said);
    }
    expect(await db().prisma.event.count()).toBe(before);
  });
  /** Ten days in which Alpha and Beta each finish a square a day, and each PBI is integrated the day its last team
   * finishes; then Joint (PBI-5, Alpha and Beta) and Untouched (PBI-6, no teams). Today is then Thu 12 Mar. */
  async function tenDaysOfOneADay(): Promise<void> {
    for (let n = 0; n < 10; n++) {
      await h.run(`/pbi add "Done ${n}" --teams Alpha,Beta --stage doing --key D-${n}`);
      await h.run(`/pbi team D-${n} Alpha done`);
      await h.run(`/pbi team D-${n} Beta done`);
      await h.run(`/pbi move D-${n} integrated`);
      h.advance({ days: 1 });
    }
    await h.run('/pbi add Joint --teams Alpha,Beta');
    await h.run('/pbi add Untouched');
  }

  test('/forecast <key> waits for what the PBI depends on, as the backlog forecast does, and so does the nudge', async () => {
    await tenDaysOfOneADay();
    // PBI-1 is Alpha's first square (Fri 13 Mar), but it is not integrated before PBI-4, Alpha's fourth
    await h.run('/pbi depends PBI-1 on PBI-4');
    const one = (await h.run('/forecast PBI-1')).plain;
    expect(one).toContain('85%: on or before Mon 16 Mar');
    expect(one).toContain("It isn't integrated before PBI-4, which it depends on: the dates count that in.");
    // starting PBI-5 (Joint) that waits on PBI-1 gives PBI-1's date with its own dependency, as /forecast PBI-1 does
    await h.run('/pbi depends PBI-5 on PBI-1');
    const nudged = (await h.run('/pbi move PBI-5 doing')).followUp?.text;
    expect(nudged).toContain("PBI-1 isn't integrated yet: 85% by Mon 16 Mar — start it after");
    // several dependencies share one simulation, each with its own date
    await h.run('/pbi depends PBI-3 on PBI-2');
    await h.run('/pbi depends PBI-3 on PBI-1');
    const both = (await h.run('/pbi move PBI-3 doing')).followUp?.text;
    expect(both).toContain("PBI-2 isn't integrated yet: 85% by Sat 14 Mar");
    expect(both).toContain("PBI-1 isn't integrated yet: 85% by Mon 16 Mar");
    // a dependency that no forecast can date leaves its dependents without a date, saying which
    await h.run('/pbi depends PBI-2 on PBI-6');
    expect((await h.run('/forecast PBI-3')).plain).toContain(
      "PBI-3 isn't integrated before PBI-2, which it depends on, and no forecast can date PBI-2 yet",
    );
  });

  test('property: the backlog forecast of a PBI equals /forecast <key>, whatever it depends on', async () => {
    await tenDaysOfOneADay();
    const keys = ['PBI-1', 'PBI-2', 'PBI-3', 'PBI-4', 'PBI-5'];
    const at85 = /85%: (?:on or before )?(today|\w{3} \d+ \w{3})/;
    await fc.assert(
      fc.asyncProperty(
        // an order the dependencies follow (so never a cycle) and which later PBI depends on which earlier one
        fc.shuffledSubarray(keys, { minLength: keys.length }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 5 }),
        async (order, pairs) => {
          const edges = new Set(
            pairs.flatMap(([a, b]) => {
              const [i, j] = [a % order.length, b % order.length];
              return i === j ? [] : [`${order[Math.max(i, j)]} on ${order[Math.min(i, j)]}`];
            }),
          );
          for (const edge of edges) await h.run(`/pbi depends ${edge}`);
          const backlogRows = (await h.run('/forecast backlog')).plain;
          for (const key of keys) {
            const row = backlogRows.match(new RegExp(`\\d+\\. ${key} [^\\n]*`))?.[0] ?? '';
            const single = (await h.run(`/forecast ${key}`)).plain;
            expect({ key, edges: [...edges], date: single.match(at85)?.[1] }).toEqual({
              key,
              edges: [...edges],
              date: row.match(at85)?.[1],
            });
          }
          for (const edge of edges) await h.run(`/pbi depends ${edge.replace(' on ', ' remove ')}`);
        },
      ),
      { numRuns: 6, seed: 20261201 },
    );
  }, 240_000);

  test('the cut line passes over PBIs no forecast can date; each row is marked by its own chance', async () => {
    await tenDaysOfOneADay();
    await h.run('/pbi rank PBI-6 top'); // Untouched names no teams: no forecast can date it
    await h.run('/pbi add Solo --teams Beta'); // PBI-7: Beta's second square, after Joint's, so done on Sat 14 Mar
    const cut = (await h.run('/forecast backlog --by 2026-03-15')).plain;
    // PBI-1…3 are Alpha's first three squares (by Sun 15 Mar), PBI-4 its fourth, Joint its fifth
    expect(cut).toContain(
      '✓ 4 PBIs likely by Sun 15 Mar (85%); ✗ from PBI-4, the first in order less likely than that. 1 PBI listed has no date',
    );
    expect(cut).toMatch(/^1\. PBI-6 Untouched · no date: names no teams/m);
    expect(cut).toContain('✓ 2. PBI-1 Checkout');
    expect(cut).toContain('✗ 5. PBI-4 Invoices');
    expect(cut).toContain('✗ 6. PBI-5 Joint');
    expect(cut).toContain('✓ 7. PBI-7 Solo · 85%: Sat 14 Mar · >99% by Sun 15 Mar');
    await h.run('/pbi discard PBI-4 not needed');
    await h.run('/pbi discard PBI-5 not needed');
    expect((await h.run('/forecast backlog --by 2026-03-15')).plain).toContain(
      '✓ 4 PBIs likely by Sun 15 Mar (85%): every one listed with a date. 1 PBI listed has no date',
    );
  });

  test("/forecast backlog: each PBI by its teams' queues in backlog order, the cut line, who holds them up", async () => {
    await tenDaysOfOneADay(); // PBI-5 Joint at the bottom, PBI-6 Untouched with no teams
    const dates = async (line: string) =>
      Object.fromEntries(
        [...(await h.run(line)).plain.matchAll(/\d+\. (PBI-\d+) .*? · (85%: [^·\n]+)/g)].map((m) => [
          m[1],
          m[2].trim(),
        ]),
      );
    // Alpha's queue is PBI-1…4 then Joint: one a day, so Joint waits for Alpha until day 5 though Beta is free
    expect(await dates('/forecast backlog')).toEqual({
      'PBI-1': '85%: Fri 13 Mar',
      'PBI-2': '85%: Sat 14 Mar',
      'PBI-3': '85%: Sun 15 Mar',
      'PBI-4': '85%: Mon 16 Mar',
      'PBI-5': '85%: Tue 17 Mar',
    });
    // a dependency: PBI-1's square is still Alpha's first, but it is not integrated before PBI-4
    await h.run('/pbi depends PBI-1 on PBI-4');
    expect((await h.run('/forecast backlog --top 1')).plain).toContain(
      '1. PBI-1 Checkout · 85%: Mon 16 Mar · after PBI-4',
    );
    await h.run('/pbi depends PBI-1 remove PBI-4');
    const cut = await h.run('/forecast backlog --by 2026-03-15 --chart');
    expect(cut.visibility).toBe('ephemeral');
    expect(cut.plain).toContain(
      '✓ 3 PBIs likely by Sun 15 Mar (85%); ✗ from PBI-4, the first in order less likely than that. 1 PBI listed has no date',
    );
    expect(cut.plain).toContain('✓ 3. PBI-3 Refunds · 85%: Sun 15 Mar · >99% by Sun 15 Mar');
    expect(cut.plain).toContain('✗ 4. PBI-4 Invoices · 85%: Mon 16 Mar · <1% by Sun 15 Mar');
    expect(cut.plain).toContain('6. PBI-6 Untouched · no date: names no teams');
    expect(cut.plain).toMatch(/Who holds them up.*\nAlpha: PBI-5 \(>99%\)/s);
    expect(cut.plain).toMatch(
      /Rests on the squares done by 2 teams \(up to 10 days each, ending Wed 11 Mar\); the integration step of the 10 PBIs integrated in the window \(median 0 days\); 10,000 trials, seed [0-9a-f]{8}\./,
    );
    expect(cut.chart?.requested).toBe(true);
    expect(JSON.stringify(cut.chart?.spec)).toContain('"domain":["PBI-1","PBI-2","PBI-3","PBI-4","PBI-5"]');
    // ranked first, Joint is both teams' next square: day 1; everything of Alpha's moves a day later
    await h.run('/pbi rank PBI-5 top');
    expect(await dates('/forecast backlog --top 2')).toEqual({
      'PBI-5': '85%: Fri 13 Mar',
      'PBI-1': '85%: Sat 14 Mar',
    });
    expect((await h.run('/forecast backlog --top 2')).plain).toContain('…and 4 more below: /forecast backlog --top 6.');
    expect((await h.run('/forecast backlog --top 1 --at 50,95')).plain).toContain(
      '1. PBI-5 Joint · 50%: Fri 13 Mar · 95%: Fri 13 Mar',
    );
    // one PBI's chance of a date
    expect((await h.run('/forecast PBI-2 --by 2026-03-15')).plain).toContain(
      '>99% chance of PBI-2 done by Sun 15 Mar.',
    );
    expect((await h.run('/forecast PBI-4 --by 2026-03-15')).plain).toContain('<1% chance of PBI-4 done by Sun 15 Mar.');
    const refusals: [string, string][] = [
      ['/forecast backlog PBI-1', '/forecast backlog takes only --top <n>, --by <YYYY-MM-DD>, --at and --since'],
      ['/forecast backlog --by 2026-03-12', '2026-03-12 is not after today'],
      ['/forecast backlog --by soon', 'soon is not a date'],
      ['/forecast PBI-2 --by 2026-03-01', '2026-03-01 is not after today'],
    ];
    for (const [line, said] of refusals) {
      const reply = await h.run(line);
      expect({ line, visibility: reply.visibility }).toEqual({ line, visibility: 'ephemeral' });
      expect(reply.plain).toContain(said);
    }
  });
});
