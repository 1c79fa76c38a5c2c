import { brokenInvariants } from '../support/consistency';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP =
  '/nexus setup --teams Alpha,Beta --stages "refining,ready,doing,integrated,released" --start doing --finish integrated';
const THREAD = 'https://shop.slack.com/archives/C1/p1772440000000100';
const DOC = 'https://docs.example.com/decisions/42';

describeEachDatabase('/pbi link through the console', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run(SETUP);
    await h.run('/pbi add "Apple Pay" --teams Alpha --stage doing');
  });

  test('a link with a note goes into the history, /pbi show lists it and the channel hears it', async () => {
    const linked = await h.run(`/pbi link PBI-1 ${THREAD} Agreed with legal: no card data kept`);
    expect(linked.visibility).toBe('channel');
    expect(linked.plain).toContain(`linked PBI-1 to Agreed with legal: no card data kept (${THREAD})`);
    expect(linked.plain).toContain('🔗 1 link · newest: Agreed with legal');
    h.advance({ hours: 1 });
    // Slack's link form: its text is the note when none follows
    expect((await h.run(`/pbi link PBI-1 <${DOC}|Decision record 42>`)).plain).toContain(
      '🔗 2 links · newest: Decision',
    );
    const history = await h.store.pbis.history((await h.nexus()).id, 'PBI-1');
    expect(history.filter((e) => e.type === 'pbi.linked').map((e) => [e.url, 'title' in e && e.title])).toEqual([
      [THREAD, 'Agreed with legal: no card data kept'],
      [DOC, 'Decision record 42'],
    ]);
    const show = await h.run('/pbi show PBI-1');
    expect(show.plain).toContain('Links');
    expect(show.plain).toContain(`• Agreed with legal: no card data kept (${THREAD}) · @U_NIT Mon 2 Mar`);
    expect(show.plain).toContain('@U_NIT linked it to Decision record 42');
    expect(await brokenInvariants(db(), (await h.nexus()).id)).toEqual([]);
  });

  test('the same URL twice is already linked and writes nothing; remove takes a link off', async () => {
    await h.run(`/pbi link PBI-1 ${THREAD}`);
    const again = await h.run(`/pbi link PBI-1 <${THREAD}> once more`);
    expect(again.visibility).toBe('ephemeral');
    expect(again.plain).toContain(`PBI-1 is already linked to ${THREAD}: nothing changed.`);
    const nexusId = (await h.nexus()).id;
    expect((await h.store.pbis.history(nexusId, 'PBI-1')).filter((e) => e.type === 'pbi.linked')).toHaveLength(1);
    expect((await h.run(`/pbi link PBI-1 remove ${DOC}`)).plain).toContain(
      `PBI-1 has no link ${DOC}. Its links: ${THREAD}`,
    );
    expect((await h.run(`/pbi link PBI-1 remove ${THREAD}`)).plain).toContain(`took the link ${THREAD} off PBI-1`);
    expect((await h.store.pbis.get(nexusId, 'PBI-1'))?.links).toEqual([]);
    expect((await h.run('/pbi show PBI-1')).plain).not.toContain('🔗 Links');
    expect(await brokenInvariants(db(), nexusId)).toEqual([]);
  });

  test.each([
    ['an unknown PBI', '/pbi link PBI-9 https://x.example/a', 'There is no PBI PBI-9'],
    ['not a URL', '/pbi link PBI-1 not-a-url', 'not-a-url is not a URL'],
    ['http', '/pbi link PBI-1 http://plain.example/a', 'is not an https:// link'],
    ['javascript:', '/pbi link PBI-1 javascript:alert(1)', 'is not an https:// link'],
    ['no URL', '/pbi link PBI-1', 'Which link? Give its URL'],
    [
      'a note of 151 characters',
      `/pbi link PBI-1 ${DOC} ${'x'.repeat(151)}`,
      "A link's note is at most 150 characters.",
    ],
    ['remove with a note', `/pbi link PBI-1 remove ${DOC} extra`, 'takes only the URL'],
  ])('%s is refused with one clear line and nothing changes', async (_, line, says) => {
    const reply = await h.run(line);
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.plain).toContain(says);
    const history = await h.store.pbis.history((await h.nexus()).id, 'PBI-1');
    expect(history.map((e) => e.type)).toEqual(['pbi.added']);
  });

  test('a discarded PBI takes no links', async () => {
    await h.run('/pbi discard PBI-1 duplicate');
    expect((await h.run(`/pbi link PBI-1 ${DOC}`)).plain).toContain('PBI-1 was discarded');
  });
});
