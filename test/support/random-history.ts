import type { DateTime } from 'luxon';
import type { PbiEvent } from '../../src/domain/events';
import type { Nexus } from '../../src/domain/nexus';
import { evolve, type Pbi } from '../../src/domain/pbi';
import {
  decideAdd,
  decideBlock,
  decideDiscard,
  decideMove,
  decideSquare,
  decideTeams,
  decideUnblock,
  type SquareAction,
} from '../../src/domain/pbi-decisions';
import { pick, type Rng, randomInt } from '../../src/domain/random';
import { isStartedStage, stageIndex } from '../../src/domain/workflow';

/**
 * A random history of a Nexus, made of what people can do through the commands (every step is a domain decision, so
 * nothing breaks a rule): PBIs added in early stages, moved forward, back and reopened (never back before flow starts
 * once started, within the finished part or into the first stage: a CSV row can't hold those, see csv-export's
 * stageDates), teams' squares started, done and reset, teams changed, blocks and
 * discards. Days from `from` (local 08:00) for `days` days, a few minutes between changes.
 */
export function randomHistory(nexus: Nexus, rng: Rng, from: DateTime, days: number): PbiEvent[] {
  const pbis = new Map<string, Pbi>();
  const events: PbiEvent[] = [];
  const { workflow } = nexus;
  let next = 1;
  for (let d = 0; d < days; d++) {
    let at = from.plus({ days: d, hours: 8 });
    const who = () => {
      at = at.plus({ minutes: randomInt(rng, 1, 40), seconds: randomInt(rng, 0, 59) });
      return { at, actor: pick(rng, ['U1', 'U2', 'U3']) };
    };
    const record = (decided: PbiEvent | { problem: string }) => {
      if ('problem' in decided) return;
      events.push(decided);
      pbis.set(decided.key, evolve(pbis.get(decided.key), decided, workflow));
    };
    for (let n = randomInt(rng, 0, 2); n > 0; n--) {
      const teams = nexus.teams.filter(() => rng() < 0.5);
      const stage = workflow.stages[randomInt(rng, 0, stageIndex(workflow, workflow.startStage))].name;
      const title = pick(rng, ['Pay with "Apple Pay"', 'Search, faster', 'Ünïcode ✓', 'Line\nbreak', 'Plain']);
      const url = rng() < 0.5 ? `https://tracker.example/${next}?a=1&b=2` : null;
      record(decideAdd(nexus, { key: `PBI-${next++}`, title, url, stage, teams }, who()));
    }
    for (const pbi of [...pbis.values()]) {
      if (pbi.discardedAt) continue;
      const r = rng();
      const here = stageIndex(workflow, pbi.stage);
      if (r < 0.3) {
        const forward = workflow.stages[Math.min(workflow.stages.length - 1, here + randomInt(rng, 1, 2))];
        if (forward) record(decideMove(nexus, pbi, forward.name, who()));
      } else if (r < 0.36) {
        // back, but never before flow starts once started, nor within the finished part (a row can't hold either)
        const lowest = pbi.startedAt ? stageIndex(workflow, workflow.startStage) : 1;
        const highest = pbi.finishedAt ? stageIndex(workflow, workflow.finishStage) - 1 : here - 1;
        const back = workflow.stages[Math.min(here - 1, highest)];
        if (back && stageIndex(workflow, back.name) >= lowest) record(decideMove(nexus, pbi, back.name, who()));
      } else if (r < 0.6 && pbi.squares.length) {
        const action = pick<SquareAction>(rng, ['start', 'start', 'done', 'done', 'reset']);
        if (isStartedStage(workflow, pbi.stage) || action !== 'done')
          record(decideSquare(nexus, pbi, pick(rng, pbi.squares).team, action, who()));
      } else if (r < 0.63) {
        const team = pick(rng, nexus.teams);
        const has = pbi.squares.some((s) => s.team === team);
        record(decideTeams(nexus, pbi, has ? [] : [team], has ? [team] : [], who()));
      } else if (r < 0.68)
        record(pbi.blocked ? decideUnblock(pbi, who()) : decideBlock(pbi, 'waiting, "for" legal', who()));
      else if (r < 0.69 && !pbi.finishedAt) record(decideDiscard(pbi, null, who()));
    }
  }
  return events;
}
