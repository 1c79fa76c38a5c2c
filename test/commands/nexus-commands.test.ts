import { isInvalid } from '../../src/commands/command';
import { nexusSetup } from '../../src/commands/nexus/setup';
import { tokenize } from '../../src/commands/tokenize';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

describeEachDatabase('/nexus commands', (db) => {
  let h: Harness;
  beforeEach(() => {
    h = commandHarness(db());
  });

  test('setup with defaults: the default workflow, UTC, the creator in the NIT', async () => {
    const reply = await h.run('/nexus setup');
    expect(reply.visibility).toBe('channel');
    expect(reply.plain).toContain('Nexus is set up for this channel, with @U_NIT in its Nexus Integration Team');
    expect(reply.plain).toContain('▶ in-progress → ✔ integrated');
    const nexus = await h.nexus();
    expect(nexus).toMatchObject({ name: 'Nexus', timeZone: 'UTC', nit: ['U_NIT'], teams: [] });
    expect(nexus.workflow.stages).toHaveLength(8);
  });

  test('sprint: the cadence and this Sprint, recorded; bad input changes nothing; NIT only; alone, shown', async () => {
    await h.run('/nexus setup');
    const set = await h.run('/nexus sprint 2026-02-23 --length 10');
    expect(set.visibility).toBe('channel');
    expect(set.plain).toContain(
      'set the Sprint cadence: Sprints of 10 days from Mon 23 Feb. This Sprint: Sprint 1, Mon 23 Feb – Wed 4 Mar; the next begins Thu 5 Mar.',
    );
    expect((await h.nexus()).forecast).toEqual({ days: 'calendar', sprintDays: 10, sprintStart: '2026-02-23' });
    const recorded = () => db().prisma.event.findMany({ where: { type: 'nexus.sprint-changed' } });
    expect((await recorded()).map((e) => e.payload)).toEqual([
      expect.objectContaining({ value: { firstDay: '2026-02-23', length: 10, review: false, retro: false } }),
    ]);
    for (const [line, says] of [
      ['/nexus sprint 2026-02-30', '2026-02-30 is not a date'],
      ['/nexus sprint monday', 'monday is not a date'],
      ['/nexus sprint 2026-03-09 --length 0', 'The Sprint length is a whole number of days from 1 to 60'],
      ['/nexus sprint 2026-03-09 --length 61', 'The Sprint length is a whole number of days from 1 to 60'],
    ]) {
      const refused = await h.run(line);
      expect(refused.visibility).toBe('ephemeral');
      expect(refused.plain.split('\n')[0]).toContain(says);
    }
    expect((await h.nexus()).forecast.sprintStart).toBe('2026-02-23');
    expect(await recorded()).toHaveLength(1);
    h.as('U_OTHER');
    expect((await h.run('/nexus sprint 2026-03-09')).plain).toContain('Nexus Integration Team');
    const shown = await h.run('/nexus sprint');
    expect(shown.visibility).toBe('ephemeral');
    expect(shown.plain).toContain('Sprint cadence: Sprints of 10 days from Mon 23 Feb. This Sprint: Sprint 1');
    h.as('U_NIT');
    expect((await h.run('/nexus sprint off')).plain).toContain('turned the Sprint cadence off');
    expect((await h.nexus()).forecast).toEqual({ days: 'calendar', sprintDays: 10, sprintStart: null });
  });

  test('sprint --review/--retro on: when the Sprint reports are posted next, recorded; without a cadence refused', async () => {
    await h.run('/nexus setup'); // UTC, the digest at 09:30 on weekdays; the clock: Mon 2 Mar, 08:00 UTC
    const refused = await h.run('/nexus sprint --review on');
    expect(refused.visibility).toBe('ephemeral');
    expect(refused.plain).toContain('the Nexus has no Sprint cadence: give the first day of a Sprint too');
    const set = await h.run('/nexus sprint 2026-02-23 --length 10 --review on');
    expect(set.visibility).toBe('channel');
    expect(set.plain).toContain(
      "This Sprint: Sprint 1, Mon 23 Feb – Wed 4 Mar; the next begins Thu 5 Mar. The Sprint Review report will be posted on Wed 4 Mar at 09:30, the Sprint's last working day.",
    );
    const both = await h.run('/nexus sprint --retro on');
    expect(both.plain).toContain(
      "changed the Sprint reports. The Sprint Review and Retrospective reports will be posted on Wed 4 Mar at 09:30, the Sprint's last working day.",
    );
    expect(await h.nexus()).toMatchObject({
      forecast: { sprintStart: '2026-02-23', sprintDays: 10 },
      sprintReports: { review: true, retro: true },
    });
    const recorded = await db().prisma.event.findMany({
      where: { type: 'nexus.sprint-changed' },
      orderBy: { id: 'asc' },
    });
    expect(recorded.map((e) => (e.payload as { value: unknown }).value)).toEqual([
      { firstDay: '2026-02-23', length: 10, review: true, retro: false },
      { firstDay: '2026-02-23', length: 10, review: true, retro: true },
    ]);
    for (const [line, says] of [
      ['/nexus sprint --review maybe', '--review takes on or off'],
      ['/nexus sprint off --retro off', 'off is not a date'],
      ['/nexus sprint --length 7', 'Give the first day of a Sprint'],
    ]) {
      const bad = await h.run(line);
      expect(bad.visibility).toBe('ephemeral');
      expect(bad.plain.split('\n')[0]).toContain(says);
    }
    // Wed 4 Mar after 12:30 UTC, the end of the grace window: the next Sprint's last working day, Fri 13 Mar
    h.advance({ days: 2, hours: 5 });
    h.as('U_OTHER');
    expect((await h.run('/nexus sprint')).plain).toContain(
      "The Sprint Review and Retrospective reports will be posted on Fri 13 Mar at 09:30, the Sprint's last working day.",
    );
    h.as('U_NIT');
    expect((await h.run('/nexus sprint --review off')).plain).toContain(
      "The Sprint Retrospective report will be posted on Fri 13 Mar at 09:30, the Sprint's last working day.",
    );
    expect((await h.run('/nexus sprint off')).plain).toContain(
      'The Sprint reports are posted again once a cadence is set.',
    );
    expect((await h.nexus()).sprintReports).toEqual({ review: false, retro: true });
    await h.run('/nexus sprint 2026-03-16 --retro off');
    expect((await h.run('/nexus sprint')).plain).toContain(
      'No Sprint report is posted by itself: --review on and --retro on post them',
    );
  });

  test('digest: time, zone and working days, or off; bad input changes nothing; NIT only', async () => {
    await h.run('/nexus setup');
    await h.run('/nexus zone Europe/Berlin');
    const set = await h.run('/nexus digest 08:45 Europe/Berlin --days mon-wed,fri');
    expect(set.visibility).toBe('channel');
    expect(set.plain).toContain('set the digest for 08:45 Europe/Berlin on mon, tue, wed, fri');
    expect(await h.nexus()).toMatchObject({
      timeZone: 'Europe/Berlin',
      digest: { time: '08:45', days: ['mon', 'tue', 'wed', 'fri'], enabled: true },
    });
    for (const [line, says] of [
      ['/nexus digest 25:00', '24-hour clock'],
      ['/nexus digest 09:00 Mars/Base', 'not an IANA time zone'],
      ['/nexus digest 09:00 --days fri-mon', 'not a day or range'],
    ]) {
      expect((await h.run(line)).plain).toContain(says);
    }
    expect((await h.nexus()).digest.time).toBe('08:45');
    await h.run('/nexus digest off');
    expect((await h.nexus()).digest).toMatchObject({ enabled: false, time: '08:45' });
    h.as('U_OTHER');
    expect((await h.run('/nexus digest 10:00')).plain).toContain('Nexus Integration Team');
    expect((await h.nexus()).digest.enabled).toBe(false);
  });

  test("the digest's time never changes the Nexus's zone; /nexus zone does, saying from what to what and what it moves", async () => {
    await h.run('/nexus setup --zone Europe/Berlin');
    const events = () => db().prisma.event.count({ where: { type: { startsWith: 'nexus.' } } });
    const before = await events();
    const refused = await h.run('/nexus digest 08:00 America/New_York');
    expect(refused.visibility).toBe('ephemeral');
    expect(refused.plain).toContain("The digest posts at its time in the Nexus's time zone, Europe/Berlin.");
    expect(refused.plain).toContain('/nexus zone America/New_York');
    expect(await h.nexus()).toMatchObject({ timeZone: 'Europe/Berlin', digest: { time: '09:30' } });
    expect(await events()).toBe(before);
    // naming the zone the Nexus already has (in any letters) only sets the time
    expect((await h.run('/nexus digest 08:00 europe/berlin')).plain).toContain(
      'set the digest for 08:00 Europe/Berlin',
    );
    expect(await h.nexus()).toMatchObject({ timeZone: 'Europe/Berlin', digest: { time: '08:00' } });

    expect((await h.run('/nexus zone')).plain).toContain(
      'Time zone: Europe/Berlin. Every day is counted in Europe/Berlin',
    );
    for (const [line, says] of [
      ['/nexus zone Mars/Base', 'Mars/Base is not an IANA time zone'],
      ['/nexus zone Europe/Berlin Asia/Tokyo', 'Give one IANA time zone'],
      ['/nexus zone europe/berlin', "The Nexus's time zone is already Europe/Berlin."],
    ]) {
      const reply = await h.run(line);
      expect(reply.visibility).toBe('ephemeral');
      expect(reply.plain).toContain(says);
    }
    h.as('U_OTHER');
    expect((await h.run('/nexus zone UTC')).plain).toContain('Nexus Integration Team');
    h.as('U_NIT');
    expect((await h.nexus()).timeZone).toBe('Europe/Berlin');

    const changed = await h.run('/nexus zone america/new_york');
    expect(changed.visibility).toBe('channel');
    expect(changed.plain).toContain("changed the Nexus's time zone from Europe/Berlin to America/New_York");
    expect(changed.plain).toContain('every day is counted in America/New_York: PBI ages and cycle times');
    expect(changed.plain).toContain('The digest posts at 08:00 America/New_York on mon, tue, wed, thu, fri');
    expect(await h.nexus()).toMatchObject({ timeZone: 'America/New_York', digest: { time: '08:00' } });
    const recorded = await db().prisma.event.findFirstOrThrow({ where: { type: 'nexus.zone-changed' } });
    expect(recorded.payload).toEqual({ value: 'America/New_York' });
  });

  test('setup with flags', async () => {
    await h.run(
      '/nexus setup --name "Shop" --teams Alpha,Beta --stages "todo,doing:3,done" --zone America/New_York --sle 90',
    );
    const nexus = await h.nexus();
    expect(nexus).toMatchObject({
      name: 'Shop',
      teams: ['Alpha', 'Beta'],
      timeZone: 'America/New_York',
      sle: { percentile: 90, days: null },
    });
    expect(nexus.workflow).toEqual({
      stages: [
        { name: 'todo', wipLimit: null },
        { name: 'doing', wipLimit: 3 },
        { name: 'done', wipLimit: null },
      ],
      startStage: 'doing',
      finishStage: 'done',
    });
  });

  test.each([
    ['/nexus setup --zone Mars/Olympus', 'is not an IANA time zone'],
    ['/nexus setup --stages "a,b:x"', 'is not a stage'],
    ['/nexus setup --stages "a,b" --start b --finish a', 'must come after the start stage'],
    ['/nexus setup --stages "a,A"', 'There is already a stage A'],
    ['/nexus setup --teams "Alpha,Alpha"', 'There is already a team Alpha'],
    ['/nexus setup --teams "<!here>"', 'is not a team name'],
    ['/nexus setup now', 'settings are given as flags'],
  ])('%s is refused and creates nothing', async (line, reason) => {
    const reply = await h.run(line);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(reason);
    expect(await h.store.nexuses.findByChannel('T1', 'C1')).toBeNull();
  });

  test('a second setup in the same channel is refused; another channel gets its own Nexus', async () => {
    await h.run('/nexus setup --name First');
    expect((await h.run('/nexus setup --name Second')).plain).toContain('This channel already has a Nexus');
    expect((await h.nexus()).name).toBe('First');
    const other = commandHarness(db(), { channelId: 'C2' });
    await other.run('/nexus setup --name Second');
    expect((await other.nexus()).name).toBe('Second');
    await other.run('/nexus teams add Zeta');
    expect((await h.nexus()).teams).toEqual([]); // nothing of one Nexus reaches another
  });

  test('teams add and remove; a team still needed on open PBIs stays', async () => {
    await h.run('/nexus setup');
    expect((await h.run('/nexus teams add Alpha Beta,Gamma')).plain).toContain('Teams: Alpha, Beta, Gamma');
    expect((await h.run('/nexus teams add alpha')).plain).toContain('There is already a team Alpha');
    await h.run('/pbi add "x" --teams Beta');
    expect((await h.run('/nexus teams remove Beta')).plain).toContain('Beta is still needed on open PBIs (PBI-1)');
    expect((await h.run('/nexus teams remove Gamma')).plain).toContain('Teams: Alpha, Beta.');
    expect((await h.run('/nexus teams remove Delta')).plain).toContain('There is no team Delta');
  });

  test('stage add / wip / remove', async () => {
    await h.run('/nexus setup --stages "todo,doing,done"');
    expect((await h.run('/nexus stage add review --after doing --wip 2')).plain).toContain(
      'added the stage review with WIP limit 2',
    );
    expect((await h.run('/nexus stage wip doing 4')).plain).toContain(
      'doing → review (WIP 2)'.replace('doing →', 'doing (WIP 4) →'),
    );
    expect((await h.run('/nexus stage wip doing none')).plain).toContain('set the WIP limit of doing to none');
    expect((await h.run('/nexus stage wip doing -1')).plain).toContain(
      'A WIP limit is a whole number from 1 to 10000, or none for no limit: -1 is not one.',
    );
    await h.run('/pbi add "x" --stage review');
    expect((await h.run('/nexus stage remove review')).plain).toContain('review still holds 1 PBI; move it first');
    expect((await h.run('/nexus stage remove doing')).plain).toContain('doing is where flow starts or finishes');
    await h.run('/pbi move PBI-1 todo');
    await h.run('/nexus stage remove review');
    expect((await h.nexus()).workflow.stages.map((s) => s.name)).toEqual(['todo', 'doing', 'done']);
  });

  test('replies name teams and stages as the Nexus spells them, not as they were typed', async () => {
    await h.run('/nexus setup --teams Alpha,Beta,Gamma --stages "todo,Doing,Review,done" --start Doing --finish done');
    const said = async (line: string) => (await h.run(line)).plain.split('\n')[0];
    expect(await said('/nexus teams remove alpha,GAMMA')).toMatch(/removed Alpha, Gamma\. Teams: Beta\.$/);
    expect(await said('/nexus teams add beta')).toBe('There is already a team Beta.');
    expect(await said('/nexus teams add Delta,DELTA')).toBe('There is already a team Delta.');
    expect(await said('/nexus stage add DOING')).toBe('There is already a stage Doing.');
    expect(await said('/nexus stage wip review 3')).toMatch(/set the WIP limit of Review to 3\.$/);
    expect(await said('/nexus stage remove REVIEW')).toMatch(/removed the stage Review\.$/);
  });

  test('flow start/finish re-derives every PBI from its history', async () => {
    await h.run('/nexus setup --stages "todo,doing,review,done" --start review --finish done');
    await h.run('/pbi add "x" --stage todo');
    await h.run('/pbi move PBI-1 doing');
    const nexusId = (await h.nexus()).id;
    expect((await h.store.pbis.get(nexusId, 'PBI-1'))?.startedAt).toBeNull();
    expect((await h.run('/nexus flow start doing finish done')).plain).toContain('start in doing and finish in done');
    expect((await h.store.pbis.get(nexusId, 'PBI-1'))?.startedAt?.toISO()).toBe(h.now.toUTC().toISO());
    expect((await h.run('/nexus flow start done finish todo')).plain).toContain('must come after the start stage');
    expect((await h.run('/nexus flow begin doing')).plain).toContain('Name both stages');
  });

  test('sle: set by hand or auto', async () => {
    await h.run('/nexus setup');
    expect((await h.run('/nexus sle 85 12')).plain).toContain('85% of PBIs finish within 12 days');
    expect((await h.run('/flow sle')).plain).toContain('SLE: 85% of PBIs finish within 12 days (set by the Nexus)');
    expect((await h.run('/nexus sle 90 auto')).plain).toContain('90th percentile');
    expect((await h.nexus()).sle).toEqual({ percentile: 90, days: null, historyDays: 90 });
    expect((await h.run('/nexus sle 101')).plain).toContain('from 50 to 99');
    expect((await h.run('/nexus sle 85 soon')).plain).toContain('or auto');
  });

  test('only the Nexus Integration Team changes settings; anyone moves PBIs', async () => {
    await h.run('/nexus setup --teams Alpha');
    h.as('U_DEV');
    const refused = await h.run('/nexus teams add Beta');
    expect(refused.visibility).toBe('ephemeral');
    expect(refused.plain).toContain('Only the Nexus Integration Team (@U_NIT)');
    expect((await h.nexus()).teams).toEqual(['Alpha']);
    expect((await h.run('/pbi add "dev work" --teams Alpha')).visibility).toBe('channel');
  });

  test('help lists every command; unknown ones are refused with the list', async () => {
    const help = await h.run('/nexus help');
    for (const usage of ['/pbi add', '/pbi move', '/flow board', '/flow throughput', '/nexus stage add', '/nexus sle'])
      expect(help.plain).toContain(usage);
    expect((await h.run('/pbi frobnicate')).plain).toContain('/pbi frobnicate is not a command');
    expect((await h.run('/kanban board')).plain).toContain('/kanban is not a Nexus Flow command');
    expect((await h.run('/forecast 30')).plain).toContain('This channel has no Nexus yet');
  });
});

describeEachDatabase('/nexus help, typos and settings shown', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --name Shop --teams Alpha,Beta --zone Europe/Berlin');
  });

  const sectionsOf = (reply: { blocks: { type: string; text?: { text: string } }[] }) =>
    reply.blocks.flatMap((b) => (b.text ? [b.text.text] : []));

  test('/nexus help names every group, /forecast included', async () => {
    const help = await h.run('/nexus help');
    for (const form of [
      '/pbi move',
      '/flow board',
      '/forecast <N>',
      '/forecast sprint',
      '/forecast <key>',
      '/nexus sle',
    ])
      expect(help.plain).toContain(form);
  });

  test.each([
    ['/nexus setpu', 'Did you mean /nexus setup?', 'nexus'],
    ['/nexus board', 'Did you mean /flow board?', 'nexus'],
    ['/pbi mvoe PBI-1 ready', 'Did you mean /pbi move?', 'pbi'],
    ['/flow agign', 'Did you mean /flow aging?', 'flow'],
  ])("%s answers with what was probably meant and its group's own forms, whole", async (line, meant, group) => {
    const reply = await h.run(line);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(`${line.split(' ').slice(0, 2).join(' ')} is not a command. ${meant}`);
    const forms = [...reply.plain.matchAll(/^\/(\w+) /gm)].map((m) => m[1]);
    expect(new Set(forms)).toEqual(new Set([group]));
    expect(reply.plain).not.toContain('…and'); // no form left out
    for (const text of sectionsOf(reply)) expect(text).not.toMatch(/…$|&[a-z]{0,3}$/); // nor cut
  });

  test('a word far from every command gets the forms without a guess', async () => {
    const reply = await h.run('/nexus xyzzy');
    expect(reply.plain).toContain('/nexus xyzzy is not a command. The /nexus commands:');
    expect(reply.plain).not.toContain('Did you mean');
  });

  test.each([
    [
      '/nexus sle',
      'SLE: 85% of PBIs finish within a number of days computed from the cycle times of the last 90 days.',
      '/nexus sle <percentile>',
    ],
    ['/nexus digest', 'Digest: posted at 09:30 Europe/Berlin on mon, tue, wed, thu, fri.', '/nexus digest <HH:MM>'],
    ['/nexus zone', 'Time zone: Europe/Berlin. Every day is counted in Europe/Berlin', '/nexus zone <IANA zone>'],
    ['/nexus forecast', 'Forecasts count every calendar day; a Sprint is 14 days.', '/nexus forecast calendar|working'],
    ['/nexus teams', 'Teams: Alpha, Beta.', '/nexus teams add|remove'],
  ])(
    '%s with nothing after it shows the current setting, to anyone, and changes nothing',
    async (line, shown, form) => {
      const before = await h.nexus();
      h.as('U_DEV'); // reading a setting is not changing it: no NIT needed
      const reply = await h.run(line);
      expect(reply.visibility).toBe('ephemeral');
      expect(reply.plain).toContain(shown);
      expect(reply.plain).toContain(form);
      expect(await h.nexus()).toEqual(before);
    },
  );

  test('a set SLE and a digest turned off are shown as such', async () => {
    await h.run('/nexus sle 90 12');
    await h.run('/nexus digest off');
    expect((await h.run('/nexus sle')).plain).toContain('SLE: 90% of PBIs finish within 12 days (set by hand).');
    expect((await h.run('/nexus digest')).plain).toContain(
      'Digest: off (it would post at 09:30 Europe/Berlin on mon, tue, wed, thu, fri).',
    );
  });
});

const tokenizeWords = (text: string): string[] => {
  const t = tokenize(text);
  if (isInvalid(t)) throw new Error(t.invalid);
  return t.words;
};

describe('/nexus setup refuses bad settings in our words', () => {
  test.each([
    ['--sle 40', 'The SLE percentile is a whole number from 50 to 99, like 85.'],
    ['--sle 100', 'The SLE percentile is a whole number from 50 to 99, like 85.'],
    ['--sle 85.5', 'The SLE percentile is a whole number from 50 to 99, like 85.'],
    ['--sle high', 'The SLE percentile is a whole number from 50 to 99, like 85.'],
    ['--name " "', 'A Nexus name needs at least one character besides spaces.'],
  ])('%s', (flags, says) => {
    const input = nexusSetup.parse(tokenizeWords(flags));
    expect(input).toEqual({ invalid: says });
  });
});

describeEachDatabase('/nexus nit', (db) => {
  test('the NIT adds and removes members, who may then change settings; the last one stays', async () => {
    const h = commandHarness(db());
    await h.run('/nexus setup');
    expect((await h.run('/nexus nit add <@U_SM|sam> @U_PO')).plain).toContain(
      'Nexus Integration Team: @U_NIT, @U_SM, @U_PO.',
    );
    expect((await h.run('/nexus nit add @U_SM')).plain).toContain('Already in the Nexus Integration Team: @U_SM.');
    expect((await h.run('/nexus nit add sam')).plain).toContain('sam is not a mention of a person');
    h.as('U_SM');
    expect((await h.run('/nexus teams add Alpha')).visibility).toBe('channel');
    await h.run('/nexus nit remove @U_NIT @U_PO');
    expect((await h.nexus()).nit).toEqual(['U_SM']);
    expect((await h.run('/nexus nit remove @U_SM')).plain).toContain('needs at least one member');
    h.as('U_NIT');
    expect((await h.run('/nexus nit add @U_NIT')).plain).toContain('Only the Nexus Integration Team (@U_SM)');
  });
});
