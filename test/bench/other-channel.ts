import type { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import type { Store } from '../../src/store';
import { spread } from './slack-load';

export type OtherChannel = { asked: number; p50: number; p99: number; max: number };
type Context = Parameters<typeof runLine>[1];

/**
 * Runs `work` on the large benchmark Nexus (channel C-bench) while a small Nexus in another channel of the same
 * process is asked for its board every `everyMs`: what other channels wait meanwhile. The small Nexus's first answer
 * compiles code and is not counted.
 */
export async function whileAnotherChannelAsks<T>(
  store: Store,
  now: DateTime,
  small: { channelId: string; everyMs: number },
  work: (large: Context) => Promise<T>,
): Promise<{ result: T; other: OtherChannel }> {
  const large = { store, now: () => now, workspaceId: 'T-bench', channelId: 'C-bench', userId: 'U-bench' };
  const other = { ...large, channelId: small.channelId };
  if (!(await store.nexuses.findByChannel('T-bench', small.channelId))) {
    const setup = '/nexus setup --name Small --teams Alpha --stages "ready,doing,done" --start doing --finish done';
    await runLine(setup, other);
    for (let i = 0; i < 5; i++) await runLine(`/pbi add "small ${i}" --stage doing`, other);
  }
  await runLine('/flow board', other);
  const latencies: number[] = [];
  let running = true;
  const asking = (async () => {
    while (running) {
      const t = performance.now();
      await runLine('/flow board', other);
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, small.everyMs));
    }
  })();
  try {
    const result = await work(large);
    return { result, other: { asked: latencies.length, ...spread(latencies), max: Math.max(0, ...latencies) } };
  } finally {
    running = false;
    await asking;
  }
}
