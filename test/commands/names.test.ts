import { blocksToText } from '../../src/console/plain-text';
import { type Block, escape, section } from '../../src/render/blocks';
import type { Reply } from '../../src/render/reply';
import { renderTrackerMoves } from '../../src/render/tracker-news';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

/** Names as people type them: spaces, &, <, accents and emoji. Each must come out exactly as typed. */
const NEXUS = 'Shop Nexus & Co <b> Café 🚀';
const TITLE = 'Paying & <play> at the café 👩‍💻';
const REASON = 'Legal review & <Bö> 🧾';
/** Words that begin each name and need no escaping: where one shows, the whole name must follow. */
const marker = (name: string) => name.split(' ').slice(0, 2).join(' ').replace(/ &.*/, '');
/** What the global (deprecated) escape() makes of them: %20, %26, %3C, %E9, %uD83D. */
const URL_ENCODED = /%(20|26|3C|3E|E9|u[0-9A-F]{4})/i;

/** Every mrkdwn string of a reply (its notification text included) and every plain_text one, thread and follow-up too. */
function textsOf(reply: Reply): { mrkdwn: string[]; plain: string[] } {
  const mrkdwn = [reply.text];
  const plain: string[] = [];
  const visit = (blocks: readonly Block[]) => {
    for (const b of blocks) {
      if (b.type === 'header') plain.push(b.text.text);
      if (b.type === 'section') mrkdwn.push(...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text));
      if (b.type === 'context') mrkdwn.push(...b.elements.map((e) => e.text));
      if (b.type === 'actions') plain.push(...b.elements.map((e) => e.text.text));
    }
  };
  visit(reply.blocks);
  visit(reply.thread ?? []);
  if (reply.followUp) {
    mrkdwn.push(reply.followUp.text);
    visit(reply.followUp.blocks);
  }
  return { mrkdwn, plain };
}

/** The console's reading: what `npm start` prints for the reply. */
const consoleText = (r: Reply) => [r.blocks, r.thread ?? [], r.followUp?.blocks ?? []].map(blocksToText).join('\n');

/** Where a name shows, it shows whole: escaped in mrkdwn (Slack shows it as typed), as typed in plain text. */
function expectNamesIntact(line: string, reply: Reply, names: readonly string[]): void {
  const { mrkdwn, plain } = textsOf(reply);
  for (const text of mrkdwn) {
    expect({ line, text, urlEncoded: URL_ENCODED.test(text) }).toMatchObject({ urlEncoded: false });
    for (const name of names) {
      if (text.includes(marker(name)))
        expect({ line, text }).toEqual({ line, text: expect.stringContaining(escape(name)) });
    }
  }
  for (const text of plain) {
    expect({ line, text, urlEncoded: URL_ENCODED.test(text) }).toMatchObject({ urlEncoded: false });
    for (const name of names)
      if (text.includes(marker(name))) expect({ line, text }).toEqual({ line, text: expect.stringContaining(name) });
  }
}

describeEachDatabase('names with spaces, &, <, accents and emoji', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    const setup = await h.run(`/nexus setup --name "${NEXUS}" --teams Alpha,Beta`);
    expectNamesIntact('/nexus setup', setup, [NEXUS]);
    expect(consoleText(setup)).toContain(NEXUS);
    expect((await h.nexus()).name).toBe(NEXUS);
    await h.run('/nexus sle 85 2');
  });

  test.each([
    ['/flow board', [NEXUS, TITLE]],
    ['/flow wip', [NEXUS]],
    ['/flow aging', [NEXUS, TITLE]],
    ['/flow throughput', [NEXUS]],
    ['/flow sle', [NEXUS]],
    ['/flow digest', [NEXUS, TITLE]],
    ['/pbi show PBI-1', [TITLE, REASON]],
  ] as const)('%s shows them as typed, in the console and in Slack', async (line, shown) => {
    for (const [step, names] of [
      [`/pbi add "${TITLE}" --teams Alpha --stage in-progress`, [TITLE]],
      [`/pbi block PBI-1 ${REASON}`, [REASON]],
    ] as const) {
      const reply = await h.run(step);
      expectNamesIntact(step, reply, names);
      for (const name of names) expect(consoleText(reply)).toContain(name);
    }
    h.advance({ days: 5 }); // past the SLE, so the aging lists and the digest name it
    const reply = await h.run(line);
    expectNamesIntact(line, reply, [NEXUS, TITLE, REASON]);
    for (const name of shown) expect(consoleText(reply)).toContain(name);
  });
});

/** Slack markup a tracker may put in a key, a title or a status: shown as text, it pings, links or names nothing. */
const RAW_MARKUP = /<!|<#|<@U1>|<https?:/;
const HOSTILE_KEY = '<!channel>';

describeEachDatabase('keys and titles from a tracker carrying Slack markup', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run(
      '/nexus setup --name Shop --teams Alpha,Beta --stages "ready,doing:1,done" --start doing --finish done',
    );
    await h.run('/nexus sle 85 1');
    await h.run('/nexus tracker generic');
    const nexusId = (await h.nexus()).id;
    const item = (key: string, title: string) => ({ key, title, url: null, createdAt: h.now });
    await h.store.inbox.receiveMany([
      {
        nexusId,
        kind: 'generic',
        deliveryId: 'g-1',
        at: h.now,
        change: {
          item: item(HOSTILE_KEY, '<!here> <@U1> 🚀'),
          from: null,
          to: { id: null, name: 'doing', category: null },
          at: h.now,
          teamHints: ['Alpha'],
        },
      },
    ]);
    await h.store.inbox.applyDue(nexusId, h.now.plus({ minutes: 1 }), 10);
    expect((await h.store.pbis.get(nexusId, HOSTILE_KEY))?.stage).toBe('doing');
    h.advance({ days: 4 });
  });

  const expectEscaped = (line: string, reply: Reply) => {
    const { mrkdwn } = textsOf(reply);
    expect({ line, raw: mrkdwn.filter((t) => RAW_MARKUP.test(t)) }).toEqual({ line, raw: [] });
    expect({ line, urlEncoded: mrkdwn.filter((t) => URL_ENCODED.test(t)) }).toEqual({ line, urlEncoded: [] });
  };

  test('the digest names the oldest item escaped: no daily ping of everyone', async () => {
    const digest = await h.run('/flow digest');
    expectEscaped('/flow digest', digest);
    expect(digest.text).toContain(`oldest ${escape(HOSTILE_KEY)}, 5 days`);
    expect(consoleText(digest)).toContain(`oldest ${HOSTILE_KEY}`);
  });

  test('a move over the WIP limit names the items already there escaped', async () => {
    await h.run('/pbi add "Next" --stage ready');
    const moved = await h.run('/pbi move PBI-1 doing');
    expectEscaped('/pbi move', moved);
    expect(consoleText(moved)).toContain(`already there ${HOSTILE_KEY} (5d`);
  });

  test.each(['/flow board', '/flow aging', '/flow wip', `/forecast ${'PBI-1'}`, '/pbi show PBI-1'])(
    '%s shows them escaped',
    async (line) => {
      await h.run('/pbi add "Next" --stage ready');
      expectEscaped(line, await h.run(line));
    },
  );
});

test('a section too long for Slack is cut between escapes and emoji, never inside one', () => {
  for (const unit of ['&amp;', 'a&lt;', '🚀', 'ab&gt;', 'é&amp;🧾']) {
    for (let pad = 0; pad < 6; pad++) {
      const block = section(`${'x'.repeat(pad)}${unit.repeat(2_000)}`);
      const text = block.type === 'section' ? block.text!.text : '';
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text).toMatch(/…$/);
      expect(text).not.toMatch(/&(a|am|amp|l|lt|g|gt)?…$|[\uD800-\uDBFF]…$/);
    }
  }
});

/** Slack's marks typed in a title or a reason, as people do ("*urgent*"), beside underscores inside words. */
const MARKED_TITLE = '*urgent* fix _now_ ~old~ `code` in snake_case';
const MARKED_REASON = 'waits for *legal*';
/** Each mark pair of the title as Slack would format it: none may reach Slack's mrkdwn as typed. */
const FORMATTED = ['*urgent*', '_now_', '~old~', '`code`', '*legal*'];

describeEachDatabase('titles and names with Slack formatting marks', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db());
    await h.run(
      '/nexus setup --name "Shop" --teams Alpha,team_b --stages "ready,doing,done" --start doing --finish done',
    );
    await h.run('/nexus sle 85 1');
    await h.run(`/pbi add "${MARKED_TITLE}" --teams Alpha,team_b --stage doing`);
    await h.run(`/pbi block PBI-1 ${MARKED_REASON}`);
    h.advance({ days: 3 });
  });

  test.each(['/flow board', '/flow aging', '/flow digest', '/pbi show PBI-1'])(
    '%s shows them as typed: nothing bold, italic, struck or code in Slack, the words as typed in the console',
    async (line) => {
      const reply = await h.run(line);
      const { mrkdwn } = textsOf(reply);
      expect({ line, formatted: mrkdwn.filter((t) => FORMATTED.some((f) => t.includes(f))) }).toEqual({
        line,
        formatted: [],
      });
      // an underscore inside a word formats nothing in Slack: it stays as typed, so plain names stay plain
      expect(mrkdwn.join('\n')).toContain('team_b');
      expect(consoleText(reply)).toContain(MARKED_TITLE);
      expect(consoleText(reply)).toContain(MARKED_REASON);
    },
  );
});

test('a tracker move of a title with marks shows it as typed', () => {
  const reply = renderTrackerMoves([
    { kind: 'jira', key: 'NEX-1', title: '*Ship* it _today_', url: null, from: 'To Do', to: 'doing' },
  ]);
  const { mrkdwn } = textsOf(reply);
  expect(mrkdwn.filter((t) => t.includes('*Ship*') || t.includes('_today_'))).toEqual([]);
  expect(consoleText(reply)).toContain('NEX-1 *Ship* it _today_: To Do → doing');
});
