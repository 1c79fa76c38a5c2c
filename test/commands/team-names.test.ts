import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

/**
 * Team names with spaces ("Team Phoenix"), quoted (straight or curly) or, where one name ends a command, bare: the
 * docs have always said to quote names with spaces, and stage names take them. Everywhere a team is named.
 */
describeEachDatabase('team names with spaces', (db) => {
  let h: Harness;
  const nexusId = async () => (await h.nexus()).id;
  beforeEach(async () => {
    h = commandHarness(db());
    const setup = await h.run('/nexus setup --teams "Team Phoenix",Beta --stages "ready,doing,done" --start doing');
    expect(setup.plain).toContain('Teams: Team Phoenix, Beta');
  });

  test('are set up, added, named on PBIs, marked, shown and forecast like any other', async () => {
    expect((await h.run('/nexus teams add “Data  Platform” Gamma')).plain).toContain('added Data Platform, Gamma');
    expect((await h.nexus()).teams).toEqual(['Team Phoenix', 'Beta', 'Data Platform', 'Gamma']);
    const added = await h.run('/pbi add "Checkout" --teams "team phoenix",Beta --stage doing');
    expect(added.plain).toContain('☐ Team Phoenix  ☐ Beta');
    expect((await h.run('/pbi teams PBI-1 +"Data Platform" -Beta')).plain).toContain('+Data Platform −Beta');
    expect((await h.run('/pbi teams PBI-1 +Gamma,-data platform')).plain).toContain('+Gamma −Data Platform');
    expect((await h.run('/pbi team PBI-1 Team Phoenix start')).plain).toContain('◐ Team Phoenix');
    expect((await h.run('/pbi team PBI-1 "team phoenix" done')).plain).toContain('■ Team Phoenix');
    expect((await h.run('/flow board')).plain).toContain('■ Team Phoenix  ☐ Gamma');
    expect((await h.run('/flow throughput Team Phoenix')).plain).toContain('Nexus · throughput · Team Phoenix');
    expect((await h.run('/forecast 3 --team "Team Phoenix"')).plain).not.toContain('There is no team');
    // a refusal that shows a command to type quotes the name
    await h.run('/pbi add "Search" --teams "Team Phoenix" --stage doing');
    expect((await h.run('/pbi move PBI-2 done')).plain).toContain('/pbi team PBI-2 "Team Phoenix" done');
  });

  test.each([
    [
      '/nexus teams add Del*ta Eps/ilon Zeta',
      'Del*ta and Eps/ilon are not team names: a team name is letters, digits, spaces and -_.',
    ],
    ['/nexus teams add beta "team phoenix" Zeta', 'There are already teams Beta and Team Phoenix.'],
    ['/nexus teams remove Nope Beta Nada', 'There are no teams Nope and Nada in this Nexus.'],
    ['/pbi add "x" --teams Omega,Beta,Sigma', 'There are no teams Omega and Sigma. Teams: Team Phoenix, Beta.'],
  ])('%s is refused naming every bad name, and changes nothing', async (line, says) => {
    const before = JSON.stringify([await h.nexus(), await h.store.pbis.listOpen(await nexusId())]);
    const reply = await h.run(line);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(says);
    expect(JSON.stringify([await h.nexus(), await h.store.pbis.listOpen(await nexusId())])).toBe(before);
  });

  test('/pbi teams names every unknown team it was given', async () => {
    await h.run('/pbi add "x" --teams Beta');
    const reply = await h.run('/pbi teams PBI-1 +Omega +Sigma');
    expect(reply.plain).toContain('There are no teams Omega and Sigma.');
  });
});
