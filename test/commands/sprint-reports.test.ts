import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const SETUP = '/nexus setup --teams Alpha --stages "ready,doing,done" --start doing --finish done';

describeEachDatabase('--sprint on charts, the CSV export and aging: the last finished Sprint', (db) => {
  let h: Harness;
  beforeEach(async () => {
    h = commandHarness(db()); // Mon 2 Mar 2026
    await h.run(SETUP);
    await h.run('/pbi add Checkout --stage doing'); // PBI-1, started Mon 2 Mar
    await h.run('/pbi add Search --stage doing'); // PBI-2, started Mon 2 Mar
    h.advance({ days: 1 });
    await h.run('/pbi move PBI-1 done'); // Tue 3 Mar: 2 days
    h.advance({ days: 2 });
    await h.run('/pbi move PBI-2 done'); // Thu 5 Mar: 4 days
    await h.run('/pbi add Refunds --stage doing'); // PBI-3, started Thu 5 Mar, in flow at the Sprint's end
    h.advance({ days: 3 }); // Sun 8 Mar, in Sprint 2 (Sat 7 – Wed 11 Mar)
    await h.run('/pbi move PBI-3 done');
    await h.run('/pbi add Invoices --stage doing'); // PBI-4, started after Sprint 1
    await h.run('/pbi add Exports --stage ready'); // PBI-5, never started
  });

  test('without a cadence, or before a Sprint has finished, each says so and draws nothing', async () => {
    for (const line of ['/flow chart scatter --sprint', '/flow export csv --sprint']) {
      const reply = await h.run(line);
      expect({ line, chart: reply.chart, file: reply.file }).toEqual({ line, chart: undefined, file: undefined });
      expect(reply.plain).toContain('The Nexus has no Sprint cadence');
    }
    await h.run('/nexus sprint 2026-03-08 --length 5');
    expect((await h.run('/flow chart cfd --sprint')).plain).toContain(
      'No Sprint has finished yet: the first ends on Thu 12 Mar.',
    );
  });

  test("charts of the last Sprint: its finished PBIs' cycle times, its throughput per day, its cumulative flow", async () => {
    await h.run('/nexus sprint 2026-03-02 --length 5'); // Sprint 1: Mon 2 – Fri 6 Mar
    const scatter = await h.run('/flow chart scatter --sprint');
    expect(scatter.plain).toContain('cycle times finished in Sprint 1 (Mon 2 Mar – Fri 6 Mar) (2 PBIs)');
    const dots = JSON.stringify(scatter.chart?.spec);
    expect(dots).toContain('"days":2');
    expect(dots).toContain('"days":4');
    expect((await h.run('/flow chart scatter')).plain).toContain('(3 PBIs)'); // the window has PBI-3 too
    expect((await h.run('/flow chart histogram --sprint')).plain).toContain(
      'cycle-time histogram finished in Sprint 1 (Mon 2 Mar – Fri 6 Mar) (2 PBIs)',
    );
    const throughput = await h.run('/flow chart throughput --sprint');
    expect(throughput.plain).toContain('PBIs finished per day in Sprint 1 (Mon 2 Mar – Fri 6 Mar)');
    const perDay = JSON.stringify(throughput.chart?.spec);
    expect(perDay).toContain('2026-03-02');
    expect(perDay).toContain('2026-03-06');
    expect(perDay).not.toContain('2026-03-07');
    const cfd = await h.run('/flow chart cfd --sprint');
    expect(cfd.plain).toContain('cumulative flow in Sprint 1 (Mon 2 Mar – Fri 6 Mar)');
    const flow = JSON.stringify(cfd.chart?.spec);
    expect(flow).toContain('2026-03-06');
    expect(flow).not.toContain('2026-03-07');
    expect(cfd.chart?.fileName).toBe('cfd-sprint-1.png');
  });

  test('the CSV export of the last Sprint holds the PBIs in flow during it; aging is refused, saying what to ask', async () => {
    await h.run('/nexus sprint 2026-03-02 --length 5');
    const exported = await h.run('/flow export csv --sprint');
    expect(exported.plain).toContain('3 PBIs in flow in Sprint 1 (Mon 2 Mar – Fri 6 Mar) as CSV');
    expect(exported.file?.fileName).toMatch(/-pbis-sprint-1\.csv$/);
    const ids = exported
      .file!.content.split('\n')
      .slice(1)
      .filter(Boolean)
      .map((row) => row.split(',')[0]);
    expect(ids).toEqual(['PBI-1', 'PBI-2', 'PBI-3']);
    expect((await h.run('/flow export csv')).file!.content.split('\n').filter(Boolean)).toHaveLength(6);
    for (const line of ['/flow aging --sprint', '/flow chart aging --sprint']) {
      const refused = await h.run(line);
      expect({ line, visibility: refused.visibility }).toEqual({ line, visibility: 'ephemeral' });
      expect(refused.plain).toContain('is the work in progress today');
    }
  });
});
