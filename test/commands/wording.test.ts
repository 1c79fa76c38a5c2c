import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { forecastAccuracy } from '../../src/commands/forecast/accuracy';
import { blocksToText } from '../../src/console/plain-text';
import type { Reply } from '../../src/render/reply';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

/** What a person reads: one PBI is a PBI, one day a day, dates as the rest of the replies write them. */
describeEachDatabase('replies read as written by a person', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db()); // Mon 2 Mar 2026, 09:00 Berlin
    await h.run(
      '/nexus setup --name Shop --teams Alpha --stages "ready,doing,done" --start doing --finish done --zone Europe/Berlin',
    );
  });

  test('one is singular: "1 day", "1 PBI"', async () => {
    await h.run('/pbi add "Only" --teams Alpha --stage doing');
    await h.run('/pbi team PBI-1 Alpha done');
    await h.run('/pbi move PBI-1 done');
    h.advance({ days: 1 }); // Tue 3 Mar: the 30 days end Mon 2 Mar, a week of 1 day at each end
    const throughput = (await h.run('/flow throughput')).plain;
    expect(throughput).toContain('week of Mon 2 Mar  1  = 1 (1 day)');
    expect(throughput).toContain('1 PBI finished in the last 30 days');
    expect((await h.run('/flow throughput Alpha')).plain).toContain('1 square done by Alpha in the last 30 days');
    expect(throughput).not.toMatch(/\b1 days\b/);
    const sle = (await h.run('/flow sle')).plain;
    expect(sle).toContain('1 PBI finished in the last 90 days');
    expect(sle).not.toMatch(/\b1 PBIs\b/);
    await h.run('/nexus sle 85 1');
    expect((await h.run('/nexus sle')).plain).toContain('85% of PBIs finish within 1 day (set by hand)');
    expect((await h.run('/flow aging')).plain).toContain('within 1 day');
  });

  test('a snooze says until when as a date, not an ISO string, in the reply, the history and the digest', async () => {
    await h.run('/nexus sle 85 1');
    await h.run('/pbi add "Old" --stage doing');
    h.advance({ days: 3 }); // Thu 5 Mar: 4 days old, past the SLE
    const snoozed = await h.run('/pbi snooze PBI-1');
    expect(snoozed.plain).toContain('snoozed the aging nudges of PBI-1 until Sat 7 Mar');
    expect((await h.run('/pbi show PBI-1')).plain).toContain('snoozed its aging nudges until Sat 7 Mar');
    expect(JSON.stringify((await h.run('/flow digest')).thread)).toContain('PBI-1 (until Sat 7 Mar)');
    for (const reply of [snoozed.plain]) expect(reply).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test('dates read as the replies write them ("Mon 2 Mar"), in chart captions, the card and refusals too', async () => {
    await h.run('/pbi add "Done" --stage doing');
    await h.run('/pbi block PBI-1 waiting');
    await h.run('/pbi unblock PBI-1');
    await h.run('/pbi move PBI-1 done');
    h.advance({ days: 2 }); // Wed 4 Mar
    const throughput = await h.run('/flow chart throughput');
    expect(throughput.chart!.title).toBe('Shop · PBIs finished per day, Thu 4 Dec 2025 – Tue 3 Mar');
    expect((await h.run('/flow chart cfd')).chart!.title).toBe('Shop · cumulative flow since Sun 1 Mar');
    const card = (await h.run('/pbi show PBI-1')).plain;
    expect(card).toContain('started Mon 2 Mar\nfinished Mon 2 Mar');
    expect(card).toContain('Mon 2 Mar 09:00  @U_NIT added it in doing');
    const early = await h.run('/forecast 3 --since 2026-03-04');
    expect(early.plain).toContain(
      '--since 2026-03-04 leaves no history to forecast from: give a day before today, Wed 4 Mar.',
    );
    const replies = [throughput.text, throughput.chart!.title, card, early.plain.replace('--since 2026-03-04', '')];
    for (const reply of replies) expect(reply).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  test('"Usage:" comes only with a mistake in what was typed, not with an answer about the Nexus as it is', async () => {
    await h.run('/pbi add "Card" --teams Alpha --stage doing');
    await h.run('/pbi block PBI-1 waiting');
    for (const answer of [
      '/pbi block PBI-1 again', // already blocked
      '/pbi teams PBI-1 +Alpha', // already needed
      '/pbi move PBI-1 doing', // already there
      '/forecast 5', // not enough history
      '/forecast PBI-1', // not enough history
      '/nexus tracker jira disconnect', // not connected
      '/nexus teams add Alpha', // already a team
    ]) {
      const reply = await h.run(answer);
      expect({ answer, usage: reply.plain.includes('Usage:') || reply.text.includes('Usage:') }).toEqual({
        answer,
        usage: false,
      });
    }
    for (const mistake of [
      '/pbi show NOPE-1', // no such PBI
      '/pbi move PBI-1 nowhere', // no such stage
      '/pbi teams PBI-1 +Omega', // no such team
      '/flow throughput Omega',
      '/forecast 3 --team Omega',
      '/forecast 3 --since 2026-03-02', // not before today
      '/pbi move', // words that don't fit the form
    ]) {
      expect({ mistake, usage: (await h.run(mistake)).plain.includes('Usage:') }).toEqual({ mistake, usage: true });
    }
  });

  test("a PBI's tracker link goes where it was typed: the console shows it as typed, never URL-encoded", async () => {
    const url = 'https://tracker.example/search?q=<a>&x=1|2';
    const added = await h.run(`/pbi add "Linked" --url "${url}"`);
    expect(added.plain).toContain(`Linked (${url})`);
    const board = await h.run('/flow board');
    expect(board.plain).toContain(`Linked (${url})`);
    const mrkdwn = JSON.stringify(board.blocks);
    expect(mrkdwn).toContain('<https://tracker.example/search?q=&lt;a&gt;&amp;x=1%7C2|Linked>');
    expect(mrkdwn).not.toMatch(/%3C|%3E/);
  });

  test('/flow aging marks a snoozed PBI as the digest does, and counts it', async () => {
    await h.run('/nexus sle 85 1');
    await h.run('/pbi add "Old" --stage doing');
    h.advance({ days: 3 }); // Thu 5 Mar
    await h.run('/pbi snooze PBI-1');
    const aging = (await h.run('/flow aging')).plain;
    expect(aging).toContain('1 in progress: 1 past the SLE, 0 at risk (past the 70th percentile), 1 snoozed');
    expect(aging).toMatch(/• PBI-1 Old · 4d 🔴 past SLE · in doing · 💤 snoozed until Sat 7 Mar/);
    h.advance({ days: 3 }); // Sun 8 Mar: the snooze is over
    expect((await h.run('/flow aging')).plain).not.toContain('snoozed');
  });

  test('the board, /flow aging and the digest list equally old PBIs in one order: earliest start first', async () => {
    await h.run('/nexus sle 85 1');
    await h.run('/pbi add "Started second" --stage ready');
    await h.run('/pbi add "Started first" --stage ready');
    await h.run('/pbi move PBI-2 doing'); // 09:00
    h.advance({ hours: 1 });
    await h.run('/pbi move PBI-1 doing'); // 10:00 the same day: as old in days
    h.advance({ days: 3 });
    const order = (plain: string) => [...plain.matchAll(/• (PBI-\d)/g)].map((m) => m[1]);
    expect(order((await h.run('/flow board')).plain)).toEqual(['PBI-2', 'PBI-1']);
    expect(order((await h.run('/flow aging')).plain)).toEqual(['PBI-2', 'PBI-1']);
    const digest = await h.run('/flow digest');
    expect(order(blocksToText(digest.thread ?? []))).toEqual(['PBI-2', 'PBI-1']);
  });

  test("a finished PBI's card offers no Block… (an open one does)", async () => {
    const added = await h.run('/pbi add "Card" --stage doing');
    const labels = (reply: Reply) =>
      reply.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.text.text) : []));
    expect(labels(added)).toContain('Block…');
    const finished = await h.run('/pbi move PBI-1 done');
    expect(labels(finished)).not.toContain('Block…');
    expect(labels(await h.run('/pbi show PBI-1'))).not.toContain('Block…');
  });
});

test("no reply pluralises by hand (\"PBI${n === 1 ? '' : 's'}\"): every count goes through count() of render/words", () => {
  const src = path.join(__dirname, '../../src');
  const byHand = /(===|!==) 1 \? '(y?)' : '(s|ies)'|(===|!==) 1 \? '(s|ies)' : '(y?)'/;
  const found = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.startsWith('generated'))
    .flatMap((file) =>
      readFileSync(path.join(src, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (byHand.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
  expect(found).toEqual([]);
});

test('/forecast accuracy lays out the Nexus and every team alike, also when counts differ by confidence', () => {
  const rates = (judged: number[], hits: number[]) =>
    [50, 70, 85, 95].map((confidence, i) => ({ confidence, hits: hits[i], judged: judged[i] }));
  const backtest = (when: number[]) => ({
    forecastDays: 75,
    howMany: rates([61, 61, 61, 61], [21, 35, 48, 61]),
    when: rates(when, [17, 26, 43, 47]),
  });
  const report = {
    series: [
      { who: 'Nexus', result: backtest([54, 50, 50, 50]) }, // a "when" is judged per confidence: counts can differ
      { who: 'Alpha', result: backtest([57, 57, 57, 57]) },
      { who: 'Beta', result: backtest([40, 31, 29, 29]) }, // below 30 at some confidences
    ],
    judged: [],
    today: '2026-12-01',
    budgetMs: 60_000,
  };
  const plain = blocksToText(forecastAccuracy.render(report, {} as never).blocks);
  const row = (who: string) => plain.split('\n').find((l) => l.startsWith(`${who}  `));
  expect(row('Nexus')).toBe(
    'Nexus  by 14 days ahead (61 judged): 50%→34% 70%→57% 85%→79% 95%→100% · ' +
      'next 10 done (50–54 judged): 50%→31% 70%→52% 85%→86% 95%→94%  (75 days replayed)',
  );
  expect(row('Alpha')).toBe(
    'Alpha  by 14 days ahead (61 judged): 50%→34% 70%→57% 85%→79% 95%→100% · ' +
      'next 10 done (57 judged): 50%→30% 70%→46% 85%→75% 95%→82%  (75 days replayed)',
  );
  expect(row('Beta')).toBe(
    'Beta  by 14 days ahead (61 judged): 50%→34% 70%→57% 85%→79% 95%→100% · ' +
      'next 10 done (29–40 judged): 50%→43% 70%→84% 85%→too few 95%→too few  (75 days replayed)',
  );
});
