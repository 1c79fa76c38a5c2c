import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP =
  '/nexus setup --name "Shop Nexus" --teams Alpha,Beta,Gamma --stages "refining,ready,doing:2,integrated,released" --start doing --finish integrated --zone Europe/Berlin';

describeEachDatabase('/pbi commands', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    expect((await h.run(SETUP)).visibility).toBe('channel');
  });

  test('add gives the next PBI-<n>, first stage by default, posted in the channel', async () => {
    const first = await h.run('/pbi add "Pay with Apple Pay" --teams Alpha,beta');
    expect(first.visibility).toBe('channel');
    expect(first.plain).toContain('added PBI-1 in refining');
    expect(first.plain).toContain('☐ Alpha  ☐ Beta');
    const second = await h.run('/pbi add Guest checkout --stage READY --url https://tracker.example/42');
    expect(second.plain).toContain('added PBI-2 in ready');
    expect(second.plain).toContain('Guest checkout (https://tracker.example/42)');
  });

  test('after a bare -- every word is the title, even one that starts with --', async () => {
    // typed bare: a quoted title followed by more words is refused as unclear (see below)
    const added = await h.run('/pbi add --teams Alpha -- --dry-run flag for exports --stage ready');
    expect(added.plain).toContain('added PBI-1 in refining');
    expect((await h.run('/pbi show PBI-1')).plain).toContain('--dry-run flag for exports --stage ready');
    const refused = await h.run('/pbi add "--dry-run flag"');
    expect(refused.plain).toContain('Unknown flag --dry-run flag.');
    expect(refused.plain).toContain('goes after a bare --, which ends the flags');
  });

  test('a title or reason typed bare keeps its quotes; typed in quotes, it is what they hold', async () => {
    const typed: [string, string][] = [
      ['/pbi add Support "Apple Pay" in checkout', 'Support "Apple Pay" in checkout'],
      ['/pbi add "Say \\"hi\\" to users" --teams Alpha', 'Say "hi" to users'],
      ["/pbi add 'Don't panic'", "Don't panic"],
      ['/pbi add ‘Don’t panic’', 'Don’t panic'],
      ['/pbi add “Smart “quotes” inside”', 'Smart “quotes” inside'],
      ['/pbi add 12" screen', '12" screen'],
    ];
    for (const [i, [line, title]] of typed.entries()) {
      expect((await h.run(line)).plain).toContain(`added PBI-${i + 1}`);
      expect((await h.store.pbis.get((await h.nexus()).id, `PBI-${i + 1}`))?.title).toBe(title);
    }
    await h.run('/pbi block PBI-1 waiting for "legal" review');
    await h.run('/pbi block PBI-2 "waiting for legal"');
    await h.run('/pbi discard PBI-3 duplicate of “PBI-1”');
    const stored = async (key: string) => (await h.store.pbis.get((await h.nexus()).id, key))?.blocked?.reason;
    expect(await stored('PBI-1')).toBe('waiting for "legal" review');
    expect(await stored('PBI-2')).toBe('waiting for legal');
    expect((await h.run('/pbi show PBI-3')).plain).toContain('duplicate of “PBI-1”');
  });

  test.each([
    [
      '/pbi add "Apple Pay" support --teams Alpha',
      'The title is in quotes and support follows them',
      ['/pbi add "Apple Pay support"', `/pbi add '"Apple Pay" support'`],
    ],
    ['/pbi add "a" "b"', 'The title is in quotes and "b" follows them', ['/pbi add "a b"', `/pbi add '"a" "b"'`]],
  ])('%s is refused as unclear, showing both forms, and adds nothing', async (line, why, forms) => {
    const reply = await h.run(line);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(why);
    for (const form of forms) expect(reply.plain).toContain(form);
    expect(await h.store.pbis.countByStage((await h.nexus()).id)).toEqual(new Map());
  });

  test('a quoted reason followed by more words is refused and blocks nothing', async () => {
    await h.run('/pbi add "Search"');
    const reply = await h.run('/pbi block PBI-1 "legal" review');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain('The reason is in quotes and review follows them');
    expect(reply.plain).toContain('/pbi block PBI-1 "legal review"');
    expect((await h.store.pbis.get((await h.nexus()).id, 'PBI-1'))?.blocked).toBeNull();
  });

  test('add with a tracker key; a duplicate key is refused and changes nothing', async () => {
    expect((await h.run('/pbi add "Search" --key NEX-12')).plain).toContain('NEX-12');
    const dup = await h.run('/pbi add "Other" --key NEX-12');
    expect(dup.visibility).toBe('ephemeral');
    expect(dup.plain).toContain('NEX-12 is already a PBI');
    expect((await h.store.pbis.get((await h.nexus()).id, 'NEX-12'))?.title).toBe('Search');
  });

  test('keys are unique ignoring case, as lookups find them: pbi-1 is refused while PBI-1 exists', async () => {
    await h.run('/pbi add "Search"');
    for (const key of ['pbi-1', 'Pbi-1']) {
      const dup = await h.run(`/pbi add "Other" --key ${key}`);
      expect(dup.visibility).toBe('ephemeral');
      expect(dup.plain).toContain(`${key} is already a PBI`);
    }
    expect((await h.run('/pbi show pbi-1')).plain).toContain('Search');
    expect(await h.store.pbis.countByStage((await h.nexus()).id)).toEqual(new Map([['refining', 1]]));
    // and the next number is not taken by a key written in other letters
    await h.run('/pbi add "Hand-made" --key pbi-2');
    expect((await h.run('/pbi add "Next"')).plain).toContain('added PBI-3');
  });

  test.each([
    ['/pbi add', 'needs a title'],
    ['/pbi add "x" --teams Delta', 'There is no team Delta'],
    ['/pbi add "x" --stage nowhere', 'There is no stage nowhere'],
    ['/pbi add "x" --url ftp://a', 'http://'],
    ['/pbi add "x" --key "two words"', 'A key is one word'],
    ['/pbi add "unclosed', 'never closed'],
    ['/pbi add "x" --colour red', 'Unknown flag --colour'],
  ])('%s is refused with a reason and the usage', async (line, reason) => {
    const reply = await h.run(line);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(reason);
    expect(reply.plain).toContain('Usage: /pbi add');
    expect(await h.store.pbis.countByStage((await h.nexus()).id)).toEqual(new Map());
  });

  test('move, team squares and integration only when every team is done', async () => {
    await h.run('/pbi add "Split payment" --teams Alpha,Beta');
    expect((await h.run('/pbi move pbi-1 doing')).plain).toContain('moved PBI-1 refining → doing');
    h.advance({ days: 1 });
    expect((await h.run('/pbi team PBI-1 alpha start')).plain).toContain('◐ Alpha');
    const refused = await h.run('/pbi move PBI-1 integrated');
    expect(refused.visibility).toBe('ephemeral');
    expect(refused.plain).toContain("can't move to integrated yet");
    expect(refused.plain).toContain('Alpha is started, Beta is not started');
    await h.run('/pbi team PBI-1 Alpha done');
    const lastTeam = await h.run('/pbi team PBI-1 Beta done');
    expect(lastTeam.plain).toContain('Every team is done: integrate it with /pbi move PBI-1 integrated');
    h.advance({ days: 2 });
    const integrated = await h.run('/pbi move PBI-1 integrated');
    expect(integrated.plain).toContain('Finished in 4 days (cycle time)');
    const pbi = await h.store.pbis.get((await h.nexus()).id, 'PBI-1');
    expect(pbi?.finishedAt).not.toBeNull();
  });

  test('a finished PBI keeps its done squares: square and team changes are refused until it is moved back', async () => {
    await h.run('/pbi add "Split payment" --teams Alpha,Beta --stage doing');
    h.advance({ days: 1 });
    await h.run('/pbi team PBI-1 Alpha done');
    await h.run('/pbi team PBI-1 Beta done');
    for (const stage of ['integrated', 'released']) {
      await h.run(`/pbi move PBI-1 ${stage}`);
      for (const line of [
        '/pbi team PBI-1 Alpha reset',
        '/pbi team PBI-1 beta start',
        '/pbi team PBI-1 Alpha done', // the same answer as on a PBI a tracker finished with squares open
        '/pbi teams PBI-1 +Gamma',
        '/pbi teams PBI-1 -Beta',
      ]) {
        const refused = await h.run(line);
        expect(refused.visibility).toBe('ephemeral');
        expect(refused.plain).toContain(
          'PBI-1 is finished: its team squares are final. Move it back first (/pbi move PBI-1 <stage>)',
        );
      }
      const show = (await h.run('/pbi show PBI-1')).plain;
      expect(show).toContain('■ Alpha done');
      expect(show).toContain('■ Beta done');
      expect(show).not.toContain('Gamma');
    }
    // moved back, it is open again and its squares can change
    await h.run('/pbi move PBI-1 doing');
    expect((await h.run('/pbi team PBI-1 Alpha reset')).plain).toContain('☐ Alpha');
  });

  test('add in the finish stage follows the integration rule of a move: refused while teams are needed', async () => {
    for (const stage of ['integrated', 'released']) {
      const refused = await h.run(`/pbi add "Split payment" --teams Alpha,Beta --stage ${stage}`);
      expect(refused.visibility).toBe('ephemeral');
      expect(refused.plain).toContain(
        `A new PBI can't start in ${stage}: a PBI is integrated only when every team is done`,
      );
      expect(refused.plain).toContain('Alpha, Beta have not started');
    }
    const nexus = await h.nexus();
    expect(await h.store.pbis.countByStage(nexus.id)).toEqual(new Map());
    expect(await h.store.pbis.finishedSince(nexus.id, h.now.minus({ days: 90 }))).toEqual([]);
    // no team to wait for: the same as a move, it may start there
    expect((await h.run('/pbi add "Release notes" --stage integrated')).plain).toContain('added PBI-1 in integrated');
  });

  test('a move past a WIP limit is allowed, says so and names who else is there', async () => {
    for (const t of ['A', 'B', 'C']) {
      await h.run(`/pbi add "${t}" --stage doing`);
      h.advance({ minutes: 5 });
    }
    const third = await h.run('/pbi move PBI-3 ready');
    expect(third.plain).not.toContain('over its WIP limit');
    const back = await h.run('/pbi move PBI-3 doing');
    expect(back.visibility).toBe('channel');
    expect(back.plain).toContain('doing is now over its WIP limit: 3/2');
    expect(back.plain).toMatch(/already there PBI-1 \(1d\), PBI-2 \(1d\)/);
  });

  test('starting past a WIP limit nudges the person alone toward finishing; at the limit it does not', async () => {
    await h.run('/pbi add "Old" --teams Alpha --stage doing');
    h.advance({ days: 3 });
    await h.run('/pbi add "Newer" --teams Beta --stage ready');
    const atLimit = await h.run('/pbi move PBI-2 doing'); // 2/2: at the limit, not over it
    expect(atLimit.followUp).toBeUndefined();
    await h.run('/pbi add "Third" --teams Alpha,Beta --stage ready');
    const over = await h.run('/pbi move PBI-3 doing');
    expect(over.visibility).toBe('channel');
    expect(over.followUp?.visibility).toBe('ephemeral');
    const nudge = over.followUp!.text;
    expect(nudge).toContain('You just started PBI-3 while `doing` is over its WIP limit (3/2)');
    const said = JSON.stringify(over.followUp!.blocks);
    expect(said.indexOf('PBI-1')).toBeLessThan(said.indexOf('PBI-2')); // oldest first
    const back = await h.run('/pbi move PBI-3 ready');
    expect(back.followUp).toBeUndefined(); // leaving the flow starts nothing
    const square = await h.run('/pbi team PBI-2 Beta start');
    expect(square.followUp?.text).toContain('You just started PBI-2 for Beta while');
    expect((await h.run('/pbi team PBI-2 Beta done')).followUp).toBeUndefined();
  });

  test('team squares: unknown team, team not needed, same state', async () => {
    await h.run('/pbi add "x" --teams Alpha');
    expect((await h.run('/pbi team PBI-1 Delta start')).plain).toContain('There is no team Delta');
    expect((await h.run('/pbi team PBI-1 Beta start')).plain).toContain('Beta is not needed on PBI-1');
    expect((await h.run('/pbi team PBI-1 Alpha reset')).plain).toContain('already not started');
    expect((await h.run('/pbi team PBI-1 Alpha finish')).plain).toContain('is not one of start, done, reset');
    expect((await h.run('/pbi team PBI-9 Alpha start')).plain).toContain('There is no PBI PBI-9');
  });

  test('teams +/- changes the squares', async () => {
    await h.run('/pbi add "x" --teams Alpha,Beta');
    expect((await h.run('/pbi teams PBI-1 +Gamma -Beta')).plain).toContain('+Gamma −Beta');
    const pbi = await h.store.pbis.get((await h.nexus()).id, 'PBI-1');
    expect(pbi?.squares.map((s) => s.team)).toEqual(['Alpha', 'Gamma']);
    expect((await h.run('/pbi teams PBI-1 Gamma')).plain).toContain('needs a + (add the team) or - (remove it)');
    expect((await h.run('/pbi teams PBI-1 +Alpha')).plain).toContain('Alpha is already needed on PBI-1');
  });

  test('removing a team a PBI does not need says there is nothing to remove, not how to add it', async () => {
    await h.run('/pbi add "x" --teams Alpha,Gamma');
    const removed = (await h.run('/pbi teams PBI-1 -Beta')).plain;
    expect(removed).toContain('Beta is not needed on PBI-1, so there is nothing to remove. It needs Alpha, Gamma.');
    expect(removed).not.toContain('+Beta');
    // marking the square of a team not needed still says how to add it: that is what the person wants
    expect((await h.run('/pbi team PBI-1 Beta start')).plain).toContain('Add it with /pbi teams PBI-1 +Beta.');
  });

  test('block, unblock and discard are recorded and shown in the history', async () => {
    await h.run('/pbi add "x" --teams Alpha --stage doing');
    expect((await h.run('/pbi block PBI-1 waiting for <!channel> API keys')).plain).toContain(
      'blocked PBI-1: waiting for <!channel> API keys',
    );
    expect((await h.run('/pbi block PBI-1 again')).plain).toContain('already blocked');
    expect((await h.run('/pbi block PBI-1')).plain).toContain('Say why it is blocked');
    await h.run('/pbi unblock PBI-1');
    expect((await h.run('/pbi unblock PBI-1')).plain).toContain('PBI-1 is not blocked');
    await h.run('/pbi discard PBI-1 duplicate of PBI-2');
    expect((await h.run('/pbi move PBI-1 ready')).plain).toContain('PBI-1 was discarded');
    const show = await h.run('/pbi show PBI-1');
    expect(show.visibility).toBe('ephemeral');
    const history = show.plain.slice(show.plain.indexOf('History'));
    expect(
      history
        .split('\n')
        .filter((l) => /@U_NIT/.test(l))
        .map((l) => l.replace(/^.*@U_NIT:? /, '')),
    ).toEqual([
      'added it in doing for Alpha',
      'blocked it: waiting for <!channel> API keys',
      'unblocked it',
      'discarded it: duplicate of PBI-2',
    ]);
  });

  test('user text never pings anyone: mrkdwn control characters are escaped in the blocks', async () => {
    const reply = await h.run('/pbi add "<!channel> please look <@U123>"');
    const json = JSON.stringify(reply.blocks);
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt;');
  });

  test('show gives stage, flow dates, squares and age against the SLE', async () => {
    await h.run('/pbi add "Card" --teams Alpha,Beta --stage doing');
    h.advance({ days: 3 });
    await h.run('/pbi team PBI-1 Beta done');
    const show = await h.run('/pbi show PBI-1');
    expect(show.plain).toContain('PBI-1 · Card');
    expect(show.plain).toContain('Stage doing');
    expect(show.plain).toContain('started Mon 2 Mar');
    expect(show.plain).toContain('age 4d');
    expect(show.plain).toContain('☐ Alpha not started');
    expect(show.plain).toContain('■ Beta done');
    expect(show.plain).toContain('SLE: not enough history');
    expect((await h.run('/pbi show NOPE-1')).plain).toContain('There is no PBI NOPE-1');
  });

  test('commands in a channel without a Nexus say how to make one and change nothing', async () => {
    const other = commandHarness(db(), { channelId: 'C-other' });
    const reply = await other.run('/pbi add "x"');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain('This channel has no Nexus yet');
  });
});
