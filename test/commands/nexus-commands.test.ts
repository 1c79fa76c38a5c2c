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

  test('digest: time, zone and working days, or off; bad input changes nothing; NIT only', async () => {
    await h.run('/nexus setup');
    const set = await h.run('/nexus digest 08:45 Europe/Berlin --days mon-wed,fri');
    expect(set.visibility).toBe('channel');
    expect(set.plain).toContain('set the digest for 08:45 Europe/Berlin on mon, tue, wed, fri');
    expect(await h.nexus()).toMatchObject({ timeZone: 'Europe/Berlin', digest: { time: '08:45', days: ['mon', 'tue', 'wed', 'fri'], enabled: true } });
    for (const [line, says] of [['/nexus digest 25:00', '24-hour clock'], ['/nexus digest 09:00 Mars/Base', 'not an IANA time zone'], ['/nexus digest 09:00 --days fri-mon', 'not a day or range']]) {
      expect((await h.run(line)).plain).toContain(says);
    }
    expect((await h.nexus()).digest.time).toBe('08:45');
    await h.run('/nexus digest off');
    expect((await h.nexus()).digest).toMatchObject({ enabled: false, time: '08:45' });
    h.as('U_OTHER');
    expect((await h.run('/nexus digest 10:00')).plain).toContain('Nexus Integration Team');
    expect((await h.nexus()).digest.enabled).toBe(false);
  });

  test('setup with flags', async () => {
    await h.run('/nexus setup --name "Shop" --teams Alpha,Beta --stages "todo,doing:3,done" --zone America/New_York --sle 90');
    const nexus = await h.nexus();
    expect(nexus).toMatchObject({ name: 'Shop', teams: ['Alpha', 'Beta'], timeZone: 'America/New_York', sle: { percentile: 90, days: null } });
    expect(nexus.workflow).toEqual({ stages: [{ name: 'todo', wipLimit: null }, { name: 'doing', wipLimit: 3 }, { name: 'done', wipLimit: null }], startStage: 'doing', finishStage: 'done' });
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
    expect((await h.run('/nexus teams add alpha')).plain).toContain('There is already a team alpha');
    await h.run('/pbi add "x" --teams Beta');
    expect((await h.run('/nexus teams remove Beta')).plain).toContain('Beta is still needed on open PBIs (PBI-1)');
    expect((await h.run('/nexus teams remove Gamma')).plain).toContain('Teams: Alpha, Beta.');
    expect((await h.run('/nexus teams remove Delta')).plain).toContain('There is no team Delta');
  });

  test('stage add / wip / remove', async () => {
    await h.run('/nexus setup --stages "todo,doing,done"');
    expect((await h.run('/nexus stage add review --after doing --wip 2')).plain).toContain('added the stage review with WIP limit 2');
    expect((await h.run('/nexus stage wip doing 4')).plain).toContain('doing → review (WIP 2)'.replace('doing →', 'doing (WIP 4) →'));
    expect((await h.run('/nexus stage wip doing none')).plain).toContain('set the WIP limit of doing to none');
    expect((await h.run('/nexus stage wip doing -1')).plain).toContain('is not a WIP limit');
    await h.run('/pbi add "x" --stage review');
    expect((await h.run('/nexus stage remove review')).plain).toContain('review still holds 1 PBI; move them first');
    expect((await h.run('/nexus stage remove doing')).plain).toContain('doing is where flow starts or finishes');
    await h.run('/pbi move PBI-1 todo');
    await h.run('/nexus stage remove review');
    expect((await h.nexus()).workflow.stages.map((s) => s.name)).toEqual(['todo', 'doing', 'done']);
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
    for (const usage of ['/pbi add', '/pbi move', '/flow board', '/flow throughput', '/nexus stage add', '/nexus sle']) expect(help.plain).toContain(usage);
    expect((await h.run('/pbi frobnicate')).plain).toContain('/pbi frobnicate is not a command');
    expect((await h.run('/kanban board')).plain).toContain('/kanban is not a Nexus Flow command');
    expect((await h.run('/forecast 30')).plain).toContain('This channel has no Nexus yet');
  });
});

describeEachDatabase('/nexus nit', (db) => {
  test('the NIT adds and removes members, who may then change settings; the last one stays', async () => {
    const h = commandHarness(db());
    await h.run('/nexus setup');
    expect((await h.run('/nexus nit add <@U_SM|sam> @U_PO')).plain).toContain('Nexus Integration Team: @U_NIT, @U_SM, @U_PO.');
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
