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
  other: OtherChannel;
};

/** `/nexus stage add` then `remove`, and moving where flow finishes and back: 44 changes, as in the report. */
const ROUNDS = 11;
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
      let rssAfterFirstMb = 0;
      for (const line of lines) {
        const t = performance.now();
        const reply = await runLine(line, large);
        times.push(performance.now() - t);
        if (reply.visibility !== 'channel') throw new Error(`${line} was not done: ${reply.text}`);
        if (!rssAfterFirstMb) rssAfterFirstMb = Math.round(process.memoryUsage().rss / 1_048_576);
      }
      return { times, rssAfterFirstMb };
    };
    const small = { channelId: 'C-bench-small-workflow', everyMs: OTHER_EVERY_MS };
    const { result, other } = await whileAnotherChannelAsks(store, DateTime.utc(), small, run);
    const { times, rssAfterFirstMb } = result;
    const sorted = [...times].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.ceil(p * sorted.length) - 1];
    return {
      changes: lines.length,
      change: { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] },
      rssAfterFirstMb,
      rssAfterLastMb: Math.round(process.memoryUsage().rss / 1_048_576),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      other,
    };
  } finally {
    await db.close();
  }
}
