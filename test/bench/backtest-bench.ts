import { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import { openDatabase } from '../../src/store/database';
import { openStore } from '../../src/store';
import { spread } from './slack-load';

export type LargeBacktest = {
  ms: number;
  peakRssMb: number;
  /** the replay stopped at its budget (LONG_JOB_SECONDS) before every team was replayed */
  stopped: boolean;
  other: { asked: number; p50: number; p99: number; max: number };
};

/** How often the small Nexus in another channel is asked for its board while the backtest runs. */
const OTHER_EVERY_MS = 250;

/**
 * `/forecast accuracy` of the large Nexus (50 teams, ~10,000 PBIs) in a fresh process on its database: the time to the
 * answer, the process's peak RSS, and how long `/flow board` of a small Nexus in another channel of the same process
 * took meanwhile (asked every 250 ms; what another channel waits while the backtest runs).
 */
export async function measureLargeBacktest(target: { url?: string; dataDir: string }): Promise<LargeBacktest> {
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench');
    const now = DateTime.utc();
    const large = { store, now: () => now, workspaceId: 'T-bench', channelId: 'C-bench', userId: 'U-bench' };
    const small = { ...large, channelId: 'C-bench-small' };
    if (!(await store.nexuses.findByChannel('T-bench', 'C-bench-small'))) {
      await runLine('/nexus setup --name Small --teams Alpha --stages "ready,doing,done" --start doing --finish done', small);
      for (let i = 0; i < 5; i++) await runLine(`/pbi add "small ${i}" --stage doing`, small);
    }
    await runLine('/flow board', small); // the small Nexus's first answer compiles code: not counted
    const latencies: number[] = [];
    let running = true;
    const asking = (async () => {
      while (running) {
        const t = performance.now();
        await runLine('/flow board', small);
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, OTHER_EVERY_MS));
      }
    })();
    const t = performance.now();
    const reply = await runLine('/forecast accuracy', large);
    const ms = performance.now() - t;
    running = false;
    await asking;
    if (reply.text !== 'Forecast accuracy') throw new Error(`the backtest did not answer: ${reply.text}`);
    const { p50, p99 } = spread(latencies);
    return {
      ms,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      stopped: JSON.stringify(reply.blocks).includes('stopped at its budget'),
      other: { asked: latencies.length, p50, p99, max: Math.max(0, ...latencies) },
    };
  } finally {
    await db.close();
  }
}
