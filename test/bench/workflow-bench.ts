import { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { type OtherChannel, whileAnotherChannelAsks } from './other-channel';

export type WorkflowChanges = {
  changes: number;
  change: { p50: number; p95: number; max: number };
  /** RSS after the first change and after the last: re-folding must not grow without bound */
  rssAfterFirstMb: number;
  rssAfterLastMb: number;
  peakRssMb: number;
  /** RSS and the JavaScript heap after a full collection, at the end of each round of four changes */
  rounds: { rssMb: number; heapMb: number }[];
  other: OtherChannel;
};

/**
 * `/nexus stage add` then `remove`, and moving where flow finishes and back: 88 changes, twice the report's 44, so the
 * rounds show whether memory levels off or keeps growing.
 */
const ROUNDS = 22;
const OTHER_EVERY_MS = 100;

/**
 * Workflow changes of the large Nexus (50 teams, ~10,000 PBIs): each re-derives every PBI's start and finish in its
 * transaction. Times each change, the process's RSS as changes go on, and `/flow board` of a small Nexus in another
 * channel of the same process meanwhile (what other channels wait).
 */
export async function measureWorkflowChanges(target: { url?: string; dataDir: string }): Promise<WorkflowChanges> {
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench');
    const nexus = (await store.nexuses.findByChannel('T-bench', 'C-bench'))!;
    const { startStage, finishStage } = nexus.workflow;
    const later =
      nexus.workflow.stages[nexus.workflow.stages.findIndex((s) => s.name === finishStage) + 1]?.name ?? finishStage;
    const lines = Array.from({ length: ROUNDS }, (_, i) => [
      `/nexus stage add bench-${i} --after ${startStage}`,
      `/nexus stage remove bench-${i}`,
      `/nexus flow start ${startStage} finish ${later}`,
      `/nexus flow start ${startStage} finish ${finishStage}`,
    ]).flat();
    const run = async (large: Parameters<typeof runLine>[1]) => {
      const times: number[] = [];
      const rounds: WorkflowChanges['rounds'] = [];
      let rssAfterFirstMb = 0;
      for (const [i, line] of lines.entries()) {
        const t = performance.now();
        const reply = await runLine(line, large);
        times.push(performance.now() - t);
        if (reply.visibility !== 'channel') throw new Error(`${line} was not done: ${reply.text}`);
        if (!rssAfterFirstMb) rssAfterFirstMb = Math.round(process.memoryUsage().rss / 1_048_576);
        if (i % 4 === 3) rounds.push(memoryNow());
      }
      return { times, rssAfterFirstMb, rounds };
    };
    const small = { channelId: 'C-bench-small-workflow', everyMs: OTHER_EVERY_MS };
    const { result, other } = await whileAnotherChannelAsks(store, DateTime.utc(), small, run);
    const { times, rssAfterFirstMb, rounds } = result;
    const sorted = [...times].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.ceil(p * sorted.length) - 1];
    return {
      changes: lines.length,
      change: { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] },
      rssAfterFirstMb,
      rssAfterLastMb: Math.round(process.memoryUsage().rss / 1_048_576),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rounds,
      other,
    };
  } finally {
    await db.close();
  }
}

/** RSS, and the heap after a full collection when the process runs with --expose-gc (what is live, not garbage). */
function memoryNow(): { rssMb: number; heapMb: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: Math.round(rss / 1_048_576), heapMb: Math.round(heapUsed / 1_048_576) };
}
