import { longJobs } from '../../src/commands/long-jobs';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase, typedOnce } from '../support/setup-db';

const SETUP =
  '/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing,done" --start doing --finish done --zone Europe/Berlin';

/** One PBI finished every day (Alpha's square done first), from Mon 2 Mar 2026 for `days` days. */
async function finishOneADay(h: Harness, days: number): Promise<void> {
  for (let n = 0; n < days; n++) {
    const added = await h.run('/pbi add "Daily item" --teams Alpha --stage doing');
    const key = /PBI-\d+/.exec(added.plain)![0];
    await h.run(`/pbi team ${key} Alpha done`);
    await h.run(`/pbi move ${key} done`);
    h.advance({ days: 1 });
  }
}

const lines = (plain: string) => plain.split('\n').filter((l) => /^\d+%: /.test(l));

describeEachDatabase('/forecast', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run(SETUP);
  });

  test('no history: "not enough history", never a date', async () => {
    const reply = await h.run('/forecast 10');
    expect(reply.plain).toContain('Not enough history');
    expect(reply.plain).not.toMatch(/on or before/);
  });

  test("a team starting its part is warned when another needed team likely can't take the PBI this Sprint", async () => {
    await h.run('/pbi add "Beta once" --teams Beta --stage doing');
    await h.run('/pbi team PBI-1 Beta done'); // Beta's only square done: about 0 a Sprint at 85%
    await finishOneADay(h, 10); // Alpha finishes one a day
    await h.run('/pbi add "Joint" --teams Alpha,Beta --stage doing --key NEX-9');
    const alpha = await h.run('/pbi team NEX-9 Alpha start');
    expect(alpha.followUp?.visibility).toBe('ephemeral');
    expect(alpha.followUp?.text).toContain(
      "Beta likely can't take NEX-9 this Sprint: 0 of its squares are ahead and it finishes about 0 a Sprint (85%)",
    );
    await h.run('/pbi team NEX-9 Alpha reset');
    expect((await h.run('/pbi team NEX-9 Beta start')).followUp).toBeUndefined(); // Alpha keeps pace
    // with a cadence, "this Sprint" ends on its last day: Sprint 1 runs Mon 2 – Sun 15 Mar
    await h.run('/pbi team NEX-9 Beta reset');
    await h.run('/nexus sprint 2026-03-02');
    expect((await h.run('/pbi team NEX-9 Alpha start')).followUp?.text).toContain(
      "Beta likely can't take NEX-9 this Sprint: 0 of its squares are ahead and it likely finishes 0 by Sun 15 Mar, the Sprint's last day (85%)",
    );
  });

  test('a team starting a PBI whose dependency is not integrated is told when that one likely is (85%)', async () => {
    await finishOneADay(h, 10); // Alpha finishes one a day, integrated the same day; today Thu 12 Mar
    await h.run('/pbi add "First" --teams Alpha --key NEX-1');
    await h.run('/pbi add "Second" --teams Alpha --stage doing --key NEX-2');
    await h.run('/pbi depends NEX-2 on NEX-1');
    const started = await h.run('/pbi team NEX-2 Alpha start');
    // NEX-2, started, comes first in Alpha's queue: NEX-1 is its second square, done in 2 days
    expect(started.followUp?.text).toContain(
      "NEX-1 isn't integrated yet: 85% by Sat 14 Mar — start it after, or help finish NEX-1.",
    );
  });

  test('thin history: below 5 days with throughput no forecast, below 10 a rough range with a strong caveat', async () => {
    await finishOneADay(h, 1); // one finished PBI used to give "85%: 30 PBIs or more by 31 Dec"
    const one = await h.run('/forecast by 2026-12-31');
    expect(one.plain).toContain(
      'Not enough history: the Nexus finished something on only 1 day in the window. Forecasts need at least 5 such days',
    );
    expect(one.plain).not.toMatch(/or more/);
    await finishOneADay(h, 3);
    expect((await h.run('/forecast 2')).plain).toContain('finished something on only 4 days in the window');
    await finishOneADay(h, 2); // 6 days with throughput; today is Sun 8 Mar
    const rough = await h.run('/forecast 2');
    expect(lines(rough.plain)).toEqual([]);
    expect(rough.plain).toContain('Roughly Tue 10 Mar (50%–95%), from thin history.');
    expect(rough.plain).toContain(
      '⚠ Only 6 days with anything finished: too few for an answer at each confidence, so this is a rough range',
    );
    expect((await h.run('/forecast by 2026-03-18 --at 60,90')).plain).toContain(
      'Roughly 10 PBIs (90%–60%), from thin history.',
    );
    expect((await h.run('/forecast sprint')).plain).toMatch(
      /Nexus \(PBIs integrated\) {2}roughly 14–14 \(95%–50%, thin history\)/,
    );
  });

  test("a PBI is forecast from its teams' squares even when the Nexus has integrated nothing yet", async () => {
    for (let n = 0; n < 10; n++) {
      // Alpha and Beta each finish a square a day; no PBI reaches done
      await h.run(`/pbi add "Part ${n}" --teams Alpha,Beta --stage doing --key P-${n}`);
      await h.run(`/pbi team P-${n} Alpha done`);
      await h.run(`/pbi team P-${n} Beta done`);
      h.advance({ days: 1 });
    }
    await h.run('/pbi add "Open" --teams Alpha,Beta --stage doing --key NEX-1'); // today is Thu 12 Mar
    const reply = await h.run('/forecast NEX-1');
    expect(lines(reply.plain)[0]).toBe('50%: on or before Fri 13 Mar');
    expect(reply.plain).toMatch(
      /Rests on Alpha's squares done: 10 days, Mon 2 Mar – Wed 11 Mar \(10 with any\); Beta's squares done: 10 days, Mon 2 Mar – Wed 11 Mar \(10 with any\); no integration step \(none in the window\); 10,000 trials, seed [0-9a-f]{8}\./,
    );
    expect(reply.plain).not.toContain('PBIs finished');
    expect(reply.plain).toContain('⚠ No PBI was integrated in the window yet');
  });

  test('a PBI with no teams and too few finished PBIs: "not enough history", never a date', async () => {
    await finishOneADay(h, 3); // 3 cycle times used to give an unstarted PBI "on or before" tomorrow
    await h.run('/pbi add "Refining" --stage ready --key SOLO-1');
    const unstarted = await h.run('/forecast SOLO-1');
    expect(unstarted.plain).toContain(
      "Not enough history: SOLO-1 hasn't started and names no teams, and only 3 PBIs finished in the window",
    );
    expect(unstarted.plain).not.toMatch(/on or before|today/);
    await h.run('/pbi add "Solo" --stage doing --key SOLO-2');
    const started = await h.run('/forecast SOLO-2');
    expect(started.plain).toContain('Not enough history: only 3 PBIs finished in the window.');
    expect(started.plain).not.toMatch(/on or before|today/);
  });

  test('a PBI whose teams finished long ago is not "tomorrow": the integration step counts the time already waited', async () => {
    for (let n = 0; n < 10; n++) {
      // Alpha finishes a square a day, and each PBI is integrated the day after
      await h.run(`/pbi add "Part ${n}" --teams Alpha --stage doing --key P-${n}`);
      await h.run(`/pbi team P-${n} Alpha done`);
      h.advance({ days: 1 });
      await h.run(`/pbi move P-${n} done`);
    }
    await h.run('/pbi add "Waiting" --teams Alpha --stage doing --key NEX-1');
    await h.run('/pbi team NEX-1 Alpha done'); // Thu 12 Mar
    expect(lines((await h.run('/forecast NEX-1')).plain)[0]).toBe('50%: on or before Fri 13 Mar');
    h.advance({ days: 15 }); // Fri 27 Mar: waited 15 days where every integration took 1
    const late = await h.run('/forecast NEX-1');
    expect(late.plain).not.toMatch(/on or before/);
    expect(late.plain).toContain(
      "Every team finished NEX-1 15 days ago, longer than any integration in the window took (at most 1 day): the history can't say when. Integrate it.",
    );
    await h.run('/pbi add "Slow" --teams Alpha --stage doing --key NEX-2');
    await h.run('/pbi team NEX-2 Alpha done');
    h.advance({ days: 20 });
    await h.run('/pbi move NEX-2 done'); // one integration took 20 days (Fri 27 Mar – Thu 16 Apr)
    await h.run('/pbi add "Next" --teams Alpha --stage doing --key NEX-3');
    await h.run('/pbi team NEX-3 Alpha done');
    h.advance({ days: 5 }); // Tue 21 Apr: NEX-3 waited 5 days; of 11 past steps (ten of 1 day, one of 20) only 20 is left
    const conditioned = await h.run('/forecast NEX-3');
    expect(lines(conditioned.plain)).toEqual(['50%', '70%', '85%', '95%'].map((c) => `${c}: on or before Wed 6 May`));
    expect(conditioned.plain).toContain('1 of those took at least the 5 days this one has waited');
  });

  test('a drop in throughput inside the window is said with the answer, and --since forecasts from after it', async () => {
    for (let day = 0; day < 42; day++) {
      // 3 weeks finishing 2 a day from Mon 2 Mar, then 3 weeks finishing 1 every other day
      for (let n = 0; n < (day < 21 ? 2 : day % 2); n++) {
        const key = /PBI-\d+/.exec((await h.run('/pbi add "Item" --stage doing')).plain)![0];
        await h.run(`/pbi move ${key} done`);
      }
      h.advance({ days: 1 });
    }
    const reply = await h.run('/forecast 10'); // today is Mon 13 Apr
    expect(reply.plain).toContain('⚠ Throughput dropped: the last 3 weeks finished 0.5 a day against 2.0 before');
    expect(reply.plain).toContain('--since 2026-03-23 forecasts from the history since it changed.');
    const since = await h.run('/forecast 10 --since 2026-03-23');
    expect(since.plain).toMatch(/Rests on 21 days of PBIs finished, Mon 23 Mar – Sun 12 Apr \(11 with any\)/);
    expect(since.plain).not.toContain('dropped');
    expect(lines(since.plain)[2] > lines(reply.plain)[2]).toBe(true); // a later 85% date at the recent pace
    expect((await h.run('/forecast sprint --since 2026-03-23')).plain).toContain('Mon 23 Mar – Sun 12 Apr');
    for (const [line, says] of [
      ['/forecast 10 --since 2026-04-13', 'leaves no history'],
      ['/forecast by 2026-05-01 --since 23-03-2026', 'is not a date'],
    ]) {
      expect((await h.run(line)).plain).toContain(says);
    }
  });

  describe('with one PBI finished every day for 20 days (today is Sun 22 Mar)', () => {
    // typed once per database, not before each test (60 commands): each test starts from these tables
    const twentyDays = typedOnce('20_days', db, async (built) => {
      await built.run(SETUP);
      await finishOneADay(built, 20);
    });
    beforeEach(async () => {
      h = await twentyDays();
    });

    test('when N: constant throughput gives the exact date at every confidence, with what it rests on', async () => {
      const reply = await h.run('/forecast 5');
      expect(reply.visibility).toBe('ephemeral');
      expect(lines(reply.plain)).toEqual([
        '50%: on or before Fri 27 Mar',
        '70%: on or before Fri 27 Mar',
        '85%: on or before Fri 27 Mar',
        '95%: on or before Fri 27 Mar',
      ]);
      expect(reply.plain).toMatch(
        /Rests on 20 days of PBIs finished, Mon 2 Mar – Sat 21 Mar \(20 with any\), 10,000 trials, seed [0-9a-f]{8}\./,
      );
      expect(reply.plain).not.toContain('⚠'); // 20 days with throughput, and a steady one
    });

    test('counts read as a person writes them: "1 more PBI", "4 more squares done by Alpha", "1 square"', async () => {
      const one = await h.run('/forecast 1');
      expect(one.plain).toContain('When will 1 more PBI be done?');
      const team = await h.run('/forecast 4 --team alpha --by 2026-03-25');
      expect(team.plain).toContain('When will Alpha have done 4 more squares?');
      const by = await h.run('/forecast by 2026-03-23 --team alpha');
      expect(by.plain).toContain('How many squares will Alpha have done by Mon 23 Mar? (1 day)');
      expect(lines(by.plain)).toContain('85%: 1 square or more');
      for (const reply of [one, team, by]) {
        expect(reply.plain).not.toMatch(/\b1 (more )?(PBIs|squares|days)\b/);
        expect(reply.plain).not.toMatch(/\d+ (more )?(of )?\w+'s squares/); // never "4 more of Alpha's squares"
      }
    });

    test('the same question on the same data gives the same answer and seed', async () => {
      const [a, b] = [await h.run('/forecast 7 --at 60,90'), await h.run('/forecast 7 --at 60,90')];
      expect(a.plain).toBe(b.plain);
      expect(lines(a.plain).map((l) => l.slice(0, 4))).toEqual(['60%:', '90%:']);
    });

    test('the same question through another command gets the same answer and seed: the seed is the question and data', async () => {
      const seed = (plain: string) => /seed ([0-9a-f]{8})/.exec(plain)![1];
      const sprint = await h.run('/forecast sprint'); // the next Sprint: Mon 23 Mar – Sun 5 Apr
      const by = await h.run('/forecast by 2026-04-05');
      expect(seed(sprint.plain)).toBe(seed(by.plain));
      const nexusRow = /Nexus \(PBIs integrated\) {2}(.*)/.exec(sprint.plain)![1];
      expect(nexusRow).toBe(
        lines(by.plain)
          .map((l) => l.replace(/ PBIs or more$/, ''))
          .join(' · '),
      );
      expect(seed((await h.run('/forecast by 2026-04-06')).plain)).not.toBe(seed(by.plain));
    });

    test("how many by a date, a team's squares, and the chance of a date", async () => {
      expect(lines((await h.run('/forecast by 2026-04-01')).plain)).toContain('85%: 10 PBIs or more');
      const team = await h.run('/forecast 4 --team alpha --by 2026-03-25');
      expect(lines(team.plain)[0]).toBe('50%: on or before Thu 26 Mar');
      expect(team.plain).toContain('<1% chance of 4 more squares done by Alpha by Wed 25 Mar.');
    });

    test('a chance from trials never reads 100% or 0%: every trial done is ">99%", none "<1%"', async () => {
      const sure = await h.run('/forecast 4 --team alpha --by 2026-04-05');
      expect(sure.plain).toContain('>99% chance of 4 more squares done by Alpha by Sun 5 Apr.');
      expect(sure.plain).not.toContain('100%');
      expect((await h.run('/forecast 40 --by 2026-03-25')).plain).toContain(
        '<1% chance of 40 more PBIs done by Wed 25 Mar.',
      );
    });

    test("a PBI: its team's part, queue and the integration step", async () => {
      await h.run('/pbi add "Open" --teams Alpha --stage doing --key NEX-1');
      const reply = await h.run('/forecast NEX-1');
      expect(lines(reply.plain)).toEqual([
        '50%: on or before Mon 23 Mar',
        '70%: on or before Mon 23 Mar',
        '85%: on or before Mon 23 Mar',
        '95%: on or before Mon 23 Mar',
      ]);
      expect(reply.plain).toContain('Alpha: this square is next');
      await h.run('/pbi add "Behind" --teams Alpha --stage doing --key NEX-2');
      expect(lines((await h.run('/forecast NEX-2')).plain)[0]).toBe('50%: on or before Tue 24 Mar');
    });

    test('a PBI with no teams: from cycle times, on a working day in working-days mode, claiming no trials', async () => {
      await h.run('/pbi add "Solo" --stage doing --key SOLO-1'); // age 1; every finished PBI lasted 1 day
      const calendar = await h.run('/forecast SOLO-1');
      expect(lines(calendar.plain)).toEqual(['50%: today', '70%: today', '85%: today', '95%: today']); // Sun 22 Mar
      expect(calendar.plain).toContain(
        'Rests on the cycle times of the 20 PBIs finished Tue 23 Dec 2025 – Sun 22 Mar that lasted at least its 1 day; read from them directly, no trials.',
      );
      expect(calendar.plain).not.toMatch(/trials, seed/);
      await h.run('/nexus forecast working');
      const working = await h.run('/forecast SOLO-1');
      expect(lines(working.plain)).toEqual([
        '50%: on or before Mon 23 Mar',
        '70%: on or before Mon 23 Mar',
        '85%: on or before Mon 23 Mar',
        '95%: on or before Mon 23 Mar',
      ]);
    });

    test("a PBI with no teams that hasn't started: no date from cycle times, the SLE and how to get one", async () => {
      await h.run('/pbi add "Refining" --stage ready --key SOLO-1');
      const reply = await h.run('/forecast SOLO-1');
      expect(lines(reply.plain)).toEqual([]);
      expect(reply.plain).toContain(
        "SOLO-1 hasn't started: cycle times tell how long it takes once started (85% within 1 day, the SLE), not when it will start. Forecast it once it starts, or give it teams: /pbi teams SOLO-1 +<team>.",
      );
    });

    test('working days: the history drops weekends, counts their finishes on Mondays, and no date lands on one', async () => {
      await h.run('/nexus forecast working --sprint 10');
      const reply = await h.run('/forecast 6');
      expect(lines(reply.plain)[0]).toBe('50%: on or before Fri 27 Mar'); // weekend items count on Mondays: 19 in 15 working days
      expect(reply.plain).toContain('Rests on 15 working days');
      const sprint = await h.run('/forecast sprint');
      expect(sprint.plain).toContain('Next Sprint: Mon 23 Mar – Wed 1 Apr (10 days)');
      // 8 working days drawn from 13 days of 1 and 2 Mondays of 3: P(any 3) = 1 − (13/15)^8 = 0.68, so 50% ≥ 10, else 8
      expect(sprint.plain).toMatch(/Nexus \(PBIs integrated\) {2}50%: 10 · 70%: 8 · 85%: 8 · 95%: 8/);
      expect(sprint.plain).toMatch(/Beta \(squares done\) {2}not enough history/);
    });

    test('accuracy: the replay, and a kept forecast judged once its date has passed', async () => {
      await h.run('/forecast 3');
      await finishOneADay(h, 5);
      const reply = await h.run('/forecast accuracy');
      expect(reply.plain).toContain('forecast of Sun 22 Mar: 3 PBIs — 50% by Wed 25 Mar ✓');
      expect(reply.plain).toContain('done Wed 25 Mar');
      expect(reply.plain).toContain('85%: 1 of 1');
      expect(reply.plain).toMatch(/Alpha {2}_?not enough history to replay|Alpha {2}next 14 days/);
    });

    describe('accuracy over 45 days of history (today is Thu 16 Apr)', () => {
      const fortyFiveDays = typedOnce('45_days', db, (built) => finishOneADay(built, 25), twentyDays);
      beforeEach(async () => {
        h = await fortyFiveDays();
      });

      test('shows how many forecasts were judged beside each hit rate, and says when they are too few to tell', async () => {
        const reply = await h.run('/forecast accuracy');
        // replayed 1–15 Apr: "by 14 days ahead" is known only for 1 Apr; "next 10 done" came for 1–5 Apr
        expect(reply.plain).toMatch(
          /Nexus {2}by 14 days ahead: too few to tell \(1 judged\) · next 10 done: too few to tell \(5 judged\) {2}_?\(15 days replayed\)/,
        );
        expect(reply.plain).toContain('fewer than 30 judged forecasts are too few to tell');
      });

      test('a long replay answers with what it has at its budget, and replays one team on request', async () => {
        let ms = 0;
        const timed = commandHarness(db(), {
          start: h.now.toISO()!,
          jobs: longJobs({ budgetMs: 40, sliceMs: 5 }, () => ms++),
        });
        const reply = await timed.run('/forecast accuracy');
        expect(reply.plain).toContain('⏱ The replay stopped at its budget of 40 ms after 1 replayed and 1 not');
        expect(reply.plain).toMatch(/Alpha {2}_?not replayed: out of time/);
        expect(reply.plain).toMatch(/Nexus {2}by 14 days ahead/);
        const alpha = await h.run('/forecast accuracy --team alpha');
        expect(alpha.plain).toMatch(/Alpha {2}by 14 days ahead: too few to tell/);
        expect(alpha.plain).not.toContain('Nexus');
        expect((await h.run('/forecast accuracy --team Zeta')).plain).toContain('There is no team');
      });

      test('one replay at a time: a second is told to ask again, and another Nexus is answered meanwhile', async () => {
        let resume = () => {};
        let paused = () => {};
        const resumed = new Promise<void>((resolve) => (resume = resolve));
        const pausedMidway = new Promise<void>((resolve) => (paused = resolve));
        // the replay hands the thread back after its first step and waits there until the other Nexus is answered
        const jobs = longJobs({ budgetMs: 60_000, sliceMs: 0 }, undefined, () => (paused(), resumed));
        const held = jobs.start()!;
        const shared = commandHarness(db(), { start: h.now.toISO()!, jobs });
        expect((await shared.run('/forecast accuracy')).plain).toContain(
          'Another accuracy replay is running in this bot right now',
        );
        held.end();
        const other = commandHarness(db(), { channelId: 'C2', start: h.now.toISO()! });
        await other.run(
          '/nexus setup --name Other --teams Gamma --stages "ready,doing,done" --start doing --finish done',
        );
        let replayed = false;
        const replay = shared.run('/forecast accuracy').then((r) => ((replayed = true), r));
        await pausedMidway;
        expect((await other.run('/flow board')).plain).toContain('Other');
        expect(replayed).toBe(false);
        resume();
        expect((await replay).plain).toContain('days replayed');
      });
    });

    test('the digest reports a forecast the day after its outcome became known', async () => {
      await h.run('/forecast 3'); // Sun 22 Mar: 3 more by Wed 25 Mar at every confidence
      await finishOneADay(h, 4); // one finished each day 22–25 Mar; today is Thu 26 Mar
      const digest = await h.run('/flow digest');
      const thread = JSON.stringify(digest.thread ?? []);
      expect(digest.plain).toContain('🔮 1 forecast came due');
      expect(thread).toContain('forecast of Sun 22 Mar: 3 PBIs — 50% by Wed 25 Mar ✓');
      expect(thread).toContain('done Wed 25 Mar');
    });

    test("the digest weighs ready work against the next Sprint's likely throughput", async () => {
      expect((await h.run('/flow digest')).plain).toContain(
        '📋 Refine now: 0 ready, the next Sprint likely finishes 14.',
      );
      for (let n = 0; n < 29; n++) await h.run(`/pbi add "Ready ${n}" --stage ready`);
      expect((await h.run('/flow digest')).plain).toContain(
        '📋 Stop refining and finish: 29 ready, over twice the 14 the next Sprint likely finishes.',
      );
    });

    test('with a Sprint cadence, the next Sprint is its own dates in /forecast sprint and the digest, the last one in --sprint reports', async () => {
      expect((await h.run('/flow sle --sprint')).plain).toContain('The Nexus has no Sprint cadence');
      await h.run('/nexus sprint 2026-04-01 --length 10'); // the first Sprint is still to come
      expect((await h.run('/flow throughput --sprint')).plain).toContain(
        'No Sprint has finished yet: the first ends on Fri 10 Apr.',
      );
      await h.run('/nexus sprint 2026-03-02'); // Sprints of 10 days: today, Sun 22 Mar, is in Sprint 3 (22–31 Mar)
      // Sprint 3 began today and its first working day is tomorrow: Nexus Sprint Planning plans Sprint 3
      const sprint = await h.run('/forecast sprint');
      expect(sprint.plain).toContain('This Sprint (Sprint 3): Sun 22 Mar – Tue 31 Mar (10 days)');
      expect(sprint.plain).toMatch(
        /Nexus \(PBIs integrated\) {2}50%: \*?10\*? · 70%: \*?10\*? · 85%: \*?10\*? · 95%: \*?10/,
      );
      expect((await h.run('/flow digest')).plain).toContain(
        '📋 Refine now: 0 ready, the next Sprint likely finishes 10.',
      );
      const sle = await h.run('/flow sle --sprint');
      expect(sle.plain).toContain('10 PBIs finished in Sprint 2 (Thu 12 Mar – Sat 21 Mar)');
      expect(sle.plain).toContain('85% of PBIs finished within 1 day');
      expect((await h.run('/flow throughput --sprint')).plain).toContain(
        '10 PBIs finished in Sprint 2 (Thu 12 Mar – Sat 21 Mar): 1.00 a day, 7.0 a week.',
      );
      expect((await h.run('/flow sle --sprnt')).plain).toContain(
        '/flow sle takes only --sprint and --team <team> (got --sprnt).',
      );
    });

    test("the Sprint's chance: every PBI of the Sprint Backlog integrated by its last day, in the digest and /forecast sprint", async () => {
      await h.run('/nexus sprint 2026-03-22 --length 10'); // Sprint 1, Sun 22 – Tue 31 Mar, is under way
      const plan = async (from: number, to: number) => {
        for (let n = from; n <= to; n++)
          await h.run(`/pbi add "Planned ${n}" --teams Alpha --stage doing --key S-${n}`);
      };
      await plan(1, 2);
      await h.run('/pbi add "Not planned" --teams Alpha --stage ready --key R-1'); // before the Sprint Backlog
      expect((await h.run('/flow digest')).plain).toContain(
        "🎯 The Sprint's chance: >99% that every PBI of the Sprint Backlog (2 PBIs) is integrated by Tue 31 Mar, the last day of Sprint 1.",
      );
      // Alpha finishes one a day, 9 days to Tue 31 Mar: R-1, ranked above S-3, takes one, so S-9 to S-12 miss it
      await plan(3, 12);
      expect((await h.run('/forecast sprint')).plain).toContain(
        "🎯 The Sprint's chance: <1% that every PBI of the Sprint Backlog (12 PBIs) is integrated by Tue 31 Mar, the last day of Sprint 1 — least likely: S-9 (<1%), S-10 (<1%), S-11 (<1%).",
      );
    });

    test('bad input is refused with the right form and changes nothing', async () => {
      for (const [line, says] of [
        ['/forecast 0', 'whole number from 1'],
        ['/forecast by 2026-02-30', 'is not a date'],
        ['/forecast by 2026-03-01', 'is not after today'],
        ['/forecast 5 --team Zeta', 'There is no team'],
        ['/forecast NOPE-1', 'There is no PBI'],
        ['/forecast PBI-1', 'already done'],
        ['/forecast 5 --at 0', 'whole percentages'],
      ]) {
        const reply = await h.run(line);
        expect(reply.visibility).toBe('ephemeral');
        expect(reply.plain).toContain(says);
      }
      expect((await h.run('/forecast accuracy')).plain).toContain(
        'No forecast the bot answered has reached its date yet',
      );
    });
  });
});

describeEachDatabase('/forecast past New Year', (db) => {
  test('the answer and the chart label the dates of next year with the year', async () => {
    const h = commandHarness(db(), { start: '2026-12-10T09:00:00' });
    await h.run('/nexus setup --name Shop --teams Alpha --stages "ready,doing,done" --start doing --finish done');
    await finishOneADay(h, 10); // today is Sun 20 Dec
    const reply = await h.run('/forecast 15');
    expect(lines(reply.plain)[0]).toBe('50%: on or before Mon 4 Jan 2027');
    const chart = reply.chart!.spec as { data: { name: string; values: { label: string }[] }[] };
    const labels = chart.data.find((d) => d.name === 'lines')!.values.map((l) => l.label);
    expect(labels).toEqual([
      '50% · Mon 4 Jan 2027',
      '70% · Mon 4 Jan 2027',
      '85% · Mon 4 Jan 2027',
      '95% · Mon 4 Jan 2027',
    ]);
  });
});
