import { loadPbiCards } from '../../src/commands/pbi/card';
import { blocksToText } from '../../src/console/plain-text';
import { pbiCardBlocks } from '../../src/render/pbi-card';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const ISSUE = 'https://github.com/octo-org/shop/issues/42';

/** Two teams that each finish a square a day for `days` days, through PBIs integrated the same day. */
async function twoTeamsFinishingDaily(h: Harness, days: number): Promise<void> {
  for (let n = 0; n < days; n++) {
    const key = /PBI-\d+/.exec((await h.run('/pbi add "Daily" --teams Alpha,Beta --stage doing')).plain)![0];
    await h.run(`/pbi team ${key} Alpha done`);
    await h.run(`/pbi team ${key} Beta done`);
    await h.run(`/pbi move ${key} done`);
    h.advance({ days: 1 });
  }
}

describeEachDatabase('the card a shared PBI link shows', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run('/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing,done" --start doing --finish done');
  });
  const cards = (links: string[], channelId = 'C1') =>
    loadPbiCards({ store: h.store, now: () => h.now, workspaceId: 'T1', channelId }, links);

  test("an open PBI's card gives the 85% date /forecast gives it", async () => {
    await twoTeamsFinishingDaily(h, 20);
    await h.run(`/pbi add "Search" --teams Alpha,Beta --key GH-42 --url ${ISSUE}`);
    const forecast = (await h.run('/forecast GH-42')).plain;
    const card = (await cards([ISSUE])).get(ISSUE)!;
    expect(card.likelyBy).not.toBeNull();
    const shown = blocksToText(pbiCardBlocks(card));
    const date = /85% by (\w{3} \d{1,2} \w{3})/.exec(shown)![1];
    expect(forecast).toContain(date);
    expect(card.inItsChannel).toBe(true);
  });

  test('a PBI integrated shows when and its cycle time, and no forecast', async () => {
    await h.run(`/pbi add "Search" --teams Alpha --key GH-42 --url ${ISSUE} --stage doing`);
    h.advance({ days: 2 });
    await h.run('/pbi team GH-42 Alpha done');
    await h.run('/pbi move GH-42 done');
    const card = (await cards([ISSUE], 'C_OTHER')).get(ISSUE)!;
    expect(card.likelyBy).toBeNull();
    expect(card.inItsChannel).toBe(false);
    const shown = blocksToText(pbiCardBlocks(card));
    expect(shown).toContain('✓ integrated');
    expect(shown).toContain('cycle time 3d');
  });

  test('a linked PBI says how many links it has and the newest, compactly', async () => {
    await h.run(`/pbi add "Search" --teams Alpha --key GH-42 --url ${ISSUE}`);
    expect(blocksToText(pbiCardBlocks((await cards([ISSUE])).get(ISSUE)!))).not.toContain('🔗');
    await h.run('/pbi link GH-42 https://shop.slack.com/archives/C1/p1 Scope agreed');
    await h.run(`/pbi link GH-42 https://docs.example.com/d/7 ${'Long decision record '.repeat(6)}`);
    const shown = blocksToText(pbiCardBlocks((await cards([ISSUE])).get(ISSUE)!));
    expect(shown).toContain(`🔗 2 links · newest: ${'Long decision record '.repeat(4).slice(0, 79)}…`);
    expect(shown).not.toContain('Scope agreed');
  });
});
