import { commandHarness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

type CfdSpec = { title: { text: string }; data: { values: { date: string; stage: string; count: number }[] }[] };

describeEachDatabase('/flow chart of a young Nexus', (db) => {
  test('the CFD of a Nexus set up yesterday shows yesterday and today, not 60 days of nothing', async () => {
    const h = commandHarness(db(), { start: '2026-03-02T09:00:00' });
    await h.run('/nexus setup --name Shop --stages "ready,doing,done" --zone Europe/Berlin');
    await h.run('/pbi add "First"');
    h.advance({ days: 1 });
    await h.run('/pbi add "Second" --stage doing');
    const spec = (await h.run('/flow chart cfd')).chart!.spec as CfdSpec;
    const days = [...new Set(spec.data[0].values.map((v) => v.date))];
    expect(days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    const today = spec.data[0].values.filter((v) => v.date === '2026-03-03');
    expect(Object.fromEntries(today.map((v) => [v.stage, v.count]))).toEqual({ ready: 1, doing: 1, done: 0 });
    expect(spec.title.text).toBe('Shop · cumulative flow since Sun 1 Mar');
  });
});
