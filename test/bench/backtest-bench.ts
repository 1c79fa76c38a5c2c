import { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { type OtherChannel, whileAnotherChannelAsks } from './other-channel';

export type LargeBacktest = {
  ms: number;
  peakRssMb: number;
  /** the replay stopped at its budget (LONG_JOB_SECONDS) before every team was replayed */
  stopped: boolean;
  other: OtherChannel;
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
    const small = { channelId: 'C-bench-small', everyMs: OTHER_EVERY_MS };
    const { result, other } = await whileAnotherChannelAsks(store, DateTime.utc(), small, async (large) => {
      const t = performance.now();
      return { reply: await runLine('/forecast accuracy', large), ms: performance.now() - t };
    });
    const { reply, ms } = result;
    if (reply.text !== 'Forecast accuracy') throw new Error(`the backtest did not answer: ${reply.text}`);
    return {
      ms,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      stopped: JSON.stringify(reply.blocks).includes('stopped at its budget'),
      other,
    };
  } finally {
    await db.close();
  }
}
