import { DateTime } from 'luxon';
import type { PbiEvent, SquareState } from '../domain/events';
import { pick, type Rng, randomInt } from '../domain/random';
import type { Workflow } from '../domain/workflow';

/** How a simulated Nexus behaves. Stage roles are named so any workflow of this shape can be simulated. */
export type SimulationSpec = {
  teams: string[];
  workflow: Workflow;
  stages: {
    intake: string;
    ready: string;
    planned: string;
    working: string;
    done: string;
    released: string;
    learning: string;
  };
  /** calendar days of history, today included; today itself is not simulated (see simulateNexus) */
  days: number;
  end: DateTime;
  zone: string;
  arrivalsPerDay: number;
  teamsPerPbi: [number, number];
  /** chance a started square is finished on a working day, per team (a slow team makes PBIs wait on it) */
  squareFinishChance: Record<string, number>;
  /** squares a team works on at once */
  teamCapacity: number;
  /** PBIs pulled at each Sprint Planning (every 10 working days) */
  sprintPull: number;
  rng: Rng;
};

/** An event before the simulation stamps its time and actor. */
type EventBody = PbiEvent extends infer E ? (E extends PbiEvent ? Omit<E, 'at' | 'actor'> : never) : never;

type Live = {
  key: string;
  stage: string;
  squares: Map<string, SquareState>;
  blocked: boolean;
  stageDay: number;
  discarded: boolean;
};

const ACTORS = ['U01ANNA', 'U02BRUNO', 'U03CHIOMA', 'U04DMITRI', 'U05EMMA'];
const AREAS = [
  'Checkout',
  'Search',
  'Accounts',
  'Payments',
  'Catalog',
  'Delivery',
  'Loyalty',
  'Reviews',
  'Returns',
  'Invoices',
];
const ASKS = [
  'pay with Apple Pay',
  'save cart across devices',
  'filter by price',
  'reset password by SMS',
  'show stock per store',
  'track parcel live',
  'export to CSV',
  'split payment',
  'guest checkout',
  'bulk edit prices',
  'email receipt',
  'dark mode',
  'address autocomplete',
  'refund to wallet',
  'rate a product',
  'promo codes',
  'GDPR data export',
  'faster image loading',
];

/** Working days from one release to the next. */
const RELEASE_EVERY = 5;

/**
 * A seeded day-by-day simulation of a Nexus's flow: PBIs arrive, get refined, are pulled at Sprint Planning, teams
 * start and finish their squares with their own pace, finished PBIs are integrated and released; some get blocked
 * or discarded. It yields the events a real Nexus would have recorded.
 *
 * Every rule runs on the count of working days, never on the weekday or the hour, and the days simulated are the
 * whole days before today: any 7k + 1 days of history (the demo's 120) hold exactly 5k working days to simulate, so
 * the same seed plays the same story whatever day and time it ends on. Only the dates move.
 */
export function simulateNexus(spec: SimulationSpec): PbiEvent[] {
  const { rng, stages } = spec;
  const events: PbiEvent[] = [];
  const live: Live[] = [];
  let nextKey = 1;
  let workingDay = 0;
  const first = spec.end
    .setZone(spec.zone)
    .startOf('day')
    .minus({ days: spec.days - 1 });

  for (let d = 0; d < spec.days - 1; d++) {
    const day = first.plus({ days: d });
    if (day.weekday > 5) continue;
    workingDay++;
    let minute = 8 * 60 + randomInt(rng, 30, 60);
    const at = () => {
      minute += randomInt(rng, 1, 6);
      return day.plus({ minutes: minute }).toUTC();
    };
    const emit = (e: EventBody) => {
      events.push({ ...e, at: at(), actor: pick(rng, ACTORS) });
    };
    const move = (item: Live, to: string) => {
      emit({ type: 'pbi.moved', key: item.key, from: item.stage, to });
      item.stage = to;
      item.stageDay = workingDay;
    };

    for (let n = poisson(rng, spec.arrivalsPerDay); n > 0; n--) {
      const count = randomInt(rng, spec.teamsPerPbi[0], spec.teamsPerPbi[1]);
      const teams = shuffle(rng, spec.teams).slice(0, count);
      const item: Live = {
        key: `PBI-${nextKey++}`,
        stage: stages.intake,
        squares: new Map(teams.map((t) => [t, 'not-started'])),
        blocked: false,
        stageDay: workingDay,
        discarded: false,
      };
      live.push(item);
      emit({
        type: 'pbi.added',
        key: item.key,
        title: `${pick(rng, AREAS)}: ${pick(rng, ASKS)}`,
        url: null,
        stage: item.stage,
        teams,
      });
    }

    for (const item of live.filter((i) => !i.discarded)) {
      if (item.stage === stages.intake && workingDay - item.stageDay >= 2) {
        if (rng() < 0.02) {
          emit({ type: 'pbi.discarded', key: item.key, reason: 'no longer valuable' });
          item.discarded = true;
        } else if (rng() < 0.3) move(item, stages.ready);
      } else if (item.stage === stages.released && workingDay - item.stageDay >= 5 && rng() < 0.3)
        move(item, stages.learning);
    }

    if (workingDay % 10 === 1) {
      const ready = live.filter((i) => !i.discarded && i.stage === stages.ready).slice(0, spec.sprintPull);
      for (const item of ready) move(item, stages.planned);
    }

    const active = live.filter((i) => !i.discarded && (i.stage === stages.planned || i.stage === stages.working));
    for (const item of active) {
      if (item.blocked) {
        if (rng() < 0.3) {
          item.blocked = false;
          emit({ type: 'pbi.unblocked', key: item.key });
        }
        continue;
      }
      if (item.stage === stages.working && rng() < 0.015) {
        item.blocked = true;
        emit({
          type: 'pbi.blocked',
          key: item.key,
          reason: pick(rng, [
            'waiting for the payment provider sandbox',
            'API contract unclear',
            'test environment down',
            'needs a security review',
          ]),
        });
        continue;
      }
      for (const [team, state] of item.squares) {
        if (state === 'started' && rng() < spec.squareFinishChance[team]) {
          item.squares.set(team, 'done');
          emit({ type: 'square.changed', key: item.key, team, from: 'started', to: 'done' });
        }
      }
    }

    for (const team of spec.teams) {
      let busy = active.filter((i) => i.squares.get(team) === 'started').length;
      for (const item of active) {
        if (busy >= spec.teamCapacity) break;
        if (item.blocked || item.squares.get(team) !== 'not-started') continue;
        if (item.stage === stages.planned) move(item, stages.working);
        item.squares.set(team, 'started');
        emit({ type: 'square.changed', key: item.key, team, from: 'not-started', to: 'started' });
        busy++;
      }
    }

    for (const item of active) {
      const allDone = [...item.squares.values()].every((s) => s === 'done');
      if (item.stage === stages.working && allDone && !item.blocked && rng() < 0.6) move(item, stages.done);
    }
    if (workingDay % RELEASE_EVERY === 0)
      for (const item of live.filter((i) => !i.discarded && i.stage === stages.done)) move(item, stages.released);
  }
  return events;
}

function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let n = 0;
  for (let p = rng(); p > limit; p *= rng()) n++;
  return n;
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
