import { runLine } from '../../src/commands';
import type { CommandContext } from '../../src/commands/command';
import { loadPbiCards } from '../../src/commands/pbi/card';
import { pbiCardBlocks } from '../../src/render/pbi-card';

type Row = { what: string; p50: number; p95: number; n: number };
const RUNS = 20;
const URL = 'https://bench.atlassian.net/browse/BENCH-1';

/**
 * A link to a PBI of the large Nexus unfurled (Slack drops an unfurl that comes late): the card with its 85% date, for
 * a PBI added last, so both its teams' whole queues lie ahead of it: the first answer, then RUNS more.
 */
export async function measureUnfurl(ctx: CommandContext): Promise<Row[]> {
  await runLine(`/pbi add "Shared in Slack" --teams Team01,Team02 --key BENCH-1 --url ${URL}`, ctx);
  const unfurl = async () => {
    const t = performance.now();
    const card = (await loadPbiCards(ctx, [URL])).get(URL);
    if (!card) throw new Error('the shared link found no PBI');
    pbiCardBlocks(card);
    return { ms: performance.now() - t, dated: card.likelyBy !== null };
  };
  const first = await unfurl();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push((await unfurl()).ms);
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.ceil(p * samples.length) - 1];
  const dated = first.dated ? 'dated' : 'no date';
  return [
    { what: `unfurl a PBI link, first answer (${dated})`, p50: first.ms, p95: first.ms, n: 1 },
    { what: 'unfurl a PBI link', p50: at(0.5), p95: at(0.95), n: RUNS },
  ];
}
