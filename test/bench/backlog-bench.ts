import { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';

export type BacklogForecastBench = {
  /** the first answer in a fresh process: the Nexus's PBIs and the teams' histories read, then the simulation */
  firstMs: number;
  /** the median of RUNS answers after it (reads remembered, so mostly the simulation) */
  p50: number;
  /** this process's CPU time for the first answer and the median of the others: a loaded machine stretches wall time */
  firstCpuMs: number;
  p50CpuMs: number;
  runs: number;
  /** PBIs listed with a date, of those asked */
  dated: number;
  listed: number;
  teams: number;
};

const RUNS = 5;

/**
 * `/forecast backlog --top 200` of the large Nexus (50 teams, ~10,000 PBIs) at 10,000 trials in a fresh process on its
 * database: the first answer, then the median of five more.
 */
export async function measureBacklogForecast(target: { url?: string; dataDir: string }): Promise<BacklogForecastBench> {
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench');
    const ctx = { store, now: () => DateTime.utc(), workspaceId: 'T-bench', channelId: 'C-bench', userId: 'U-bench' };
    const ask = async () => {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const reply = await runLine('/forecast backlog --top 200', ctx);
      const used = process.cpuUsage(cpu);
      if (reply.text.split('\n')[0] !== 'When will each PBI be done?')
        throw new Error(`the backlog forecast did not answer: ${reply.text.slice(0, 300)}`);
      return { reply, ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000 };
    };
    const first = await ask();
    const runs: { ms: number; cpuMs: number }[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await ask());
    const median = (of: number[]) => of.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
    const text = first.reply.text;
    const teams = /the squares done by (\d+) teams?/.exec(JSON.stringify(first.reply.blocks));
    return {
      firstMs: first.ms,
      p50: median(runs.map((r) => r.ms)),
      firstCpuMs: first.cpuMs,
      p50CpuMs: median(runs.map((r) => r.cpuMs)),
      runs: RUNS,
      dated: (text.match(/^\d+\. .* · 85%: /gm) ?? []).length,
      listed: (text.match(/^\d+\. /gm) ?? []).length,
      teams: teams ? Number(teams[1]) : 0,
    };
  } finally {
    await db.close();
  }
}
