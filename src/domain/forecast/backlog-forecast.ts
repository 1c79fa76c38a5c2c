import type { Rng } from '../random';
import { HORIZON_DAYS } from './monte-carlo';
import { integratedWithin } from './pbi-forecast';

/** A team in the backlog forecast: its throughput of squares, and its queue (the PBIs of its squares not done). */
export type BacklogTeam = { team: string; throughput: readonly number[]; queue: readonly string[] };

/**
 * A PBI forecast: the integration steps still possible for it (integrationStillAhead; none: no step). Its teams are
 * the teams whose queues hold it; with none, its teams are done and only integration is left.
 */
export type BacklogPbi = { key: string; integrationDays: readonly number[] };

/**
 * What the backlog forecast simulates: the PBIs in backlog order, the teams (each finishing its queue in order), and
 * what each PBI depends on (keys not among `pbis` are taken as integrated already).
 */
export type Backlog = {
  pbis: readonly BacklogPbi[];
  teams: readonly BacklogTeam[];
  depends: ReadonlyMap<string, readonly string[]>;
};

/** What T trials of a backlog came to. */
export type BacklogSimulation = {
  trials: number;
  /** per PBI (backlog order): P(integrated within d days), d = 0…horizon, its own integration step taken exactly */
  doneWithin: Float64Array[];
  /** integrated[i][t]: the day PBI i was integrated in trial t (step drawn); over HORIZON_DAYS: not within it */
  integrated: Int32Array[];
  /** per PBI: how many trials each team (index into `teams`) was alone the last to finish its part */
  lastTeam: Map<number, number>[];
};

/**
 * The backlog forecast (FLOW.md, "Backlog forecast"). Each trial: every team draws each day's throughput from its own
 * history, independently of the others, and finishes that many squares off the front of its queue; a PBI's parts are
 * done on the day its last square is; it is integrated an integration step later, and never before every PBI it
 * depends on.
 *
 * The draws are made trial by trial, each team's in turn, exactly as pbiDoneWithin draws a PBI's parts: so a backlog
 * of one PBI gives /forecast <key>'s answer. A team's draws depend only on how long its queue is, and the
 * integration steps are drawn after all of them in backlog order: changing dependencies, or moving a PBI up its
 * teams' queues, changes no draw, which is what makes "a dependency never makes a PBI earlier" and "a higher rank
 * never makes it later" hold trial by trial, not only on average.
 */
export function simulateBacklog(backlog: Backlog, trials: number, rng: Rng): BacklogSimulation {
  const { pbis, teams } = backlog;
  const index = new Map(pbis.map((p, i) => [p.key, i]));
  const partsDay = pbis.map(() => new Int32Array(trials)); // 0: its teams are done already
  const last = pbis.map(() => new Int16Array(trials).fill(-1)); // the team alone the last to finish; -1: a tie or none
  const queues = teams.map((team) => Int32Array.from(team.queue, (key) => index.get(key) ?? -1));
  const histories = teams.map((team) => Int32Array.from(team.throughput));
  // one trial's parts at a time, small enough to stay in the processor's cache while fifty teams write to it
  const parts = new Int32Array(pbis.length);
  const lastOf = new Int16Array(pbis.length);
  for (let t = 0; t < trials; t++) {
    parts.fill(0);
    lastOf.fill(-1);
    for (let j = 0; j < teams.length; j++) {
      const queue = queues[j];
      const throughput = histories[j];
      const n = throughput.length;
      const k = queue.length;
      let total = 0;
      let d = 0;
      let done = 0;
      while (total < k && d < HORIZON_DAYS) {
        total += throughput[Math.floor(rng() * n)];
        d++;
        for (; done < k && done < total; done++) {
          const i = queue[done];
          if (i < 0) continue; // a square of a PBI not forecast: it only takes the team's time
          if (d > parts[i]) {
            parts[i] = d;
            lastOf[i] = j;
          } else if (d === parts[i]) lastOf[i] = -1;
        }
      }
      for (; done < k; done++) if (queue[done] >= 0) parts[queue[done]] = NEVER;
    }
    for (let i = 0; i < pbis.length; i++) {
      partsDay[i][t] = parts[i];
      last[i][t] = lastOf[i];
    }
  }
  // each PBI's integration day with a drawn step; then, deps first, not before what it depends on
  const integrated = pbis.map((p, i) => {
    const steps = p.integrationDays.length ? p.integrationDays : [0];
    const parts = partsDay[i];
    const days = new Int32Array(trials);
    for (let t = 0; t < trials; t++)
      days[t] = parts[t] === NEVER ? NEVER : parts[t] + steps[Math.floor(rng() * steps.length)];
    return days;
  });
  const doneWithin: Float64Array[] = new Array(pbis.length);
  for (const i of dependenciesFirst(backlog, index)) {
    const deps = (backlog.depends.get(pbis[i].key) ?? []).flatMap((k) => index.get(k) ?? []);
    let waitFor: Int32Array | null = null;
    if (deps.length) {
      waitFor = new Int32Array(trials);
      for (const dep of deps) for (let t = 0; t < trials; t++) waitFor[t] = Math.max(waitFor[t], integrated[dep][t]);
      for (let t = 0; t < trials; t++) integrated[i][t] = Math.max(integrated[i][t], waitFor[t]);
    }
    doneWithin[i] = integratedWithin(partsDay[i], waitFor, pbis[i].integrationDays);
  }
  const lastTeam = last.map((byTrial) => {
    const counts = new Int32Array(teams.length);
    for (let t = 0; t < trials; t++) if (byTrial[t] >= 0) counts[byTrial[t]]++;
    return new Map([...counts].flatMap((n, j) => (n ? [[j, n] as [number, number]] : [])));
  });
  return { trials, doneWithin, integrated, lastTeam };
}

/** A day past every horizon: the part or PBI was not done within it (an Int32Array holds no Infinity). */
export const NEVER = 1_000_000_000;

/** The share of trials in which every PBI of `indices` was integrated within `day` days: PBIs taken together. */
export function shareAllWithin(sim: BacklogSimulation, indices: readonly number[], day: number): number {
  let n = 0;
  for (let t = 0; t < sim.trials; t++) if (indices.every((i) => sim.integrated[i][t] <= day)) n++;
  return n / sim.trials;
}

/** The PBIs' indices, each after every PBI it depends on. Dependencies never form a cycle (`/pbi depends` refuses). */
function dependenciesFirst(backlog: Backlog, index: ReadonlyMap<string, number>): number[] {
  const order: number[] = [];
  const state = new Uint8Array(backlog.pbis.length); // 0 new, 1 visiting, 2 placed
  const visit = (i: number): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) throw new Error(`dependency cycle through ${backlog.pbis[i].key}`);
    state[i] = 1;
    for (const k of backlog.depends.get(backlog.pbis[i].key) ?? []) {
      const dep = index.get(k);
      if (dep !== undefined) visit(dep);
    }
    state[i] = 2;
    order.push(i);
  };
  backlog.pbis.forEach((_, i) => visit(i));
  return order;
}

/**
 * The cut line at `confidence` percent, given each PBI's chance (0–1, backlog order) of being integrated by a date:
 * the first PBI whose chance is below it. Everything above the line with a chance is likely by the date; a PBI further
 * down may still be likely (it needs other teams), but the line is where the ranked backlog stops being a safe
 * promise. A PBI no forecast can date (null) is neither likely nor not: it is passed over, not taken as a 0% that would
 * draw the line above everything. Null: every PBI with a chance is likely.
 */
export function cutLine(chances: readonly (number | null)[], confidence: number): number | null {
  const i = chances.findIndex((c) => c !== null && !isLikely(c, confidence));
  return i < 0 ? null : i;
}

/** A chance (0–1) at least `confidence` percent, give or take the floating point of counting trials. */
export const isLikely = (chance: number, confidence: number): boolean => chance >= confidence / 100 - 1e-12;
