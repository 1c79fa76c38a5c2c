import { DateTime } from 'luxon';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import type { Workflow } from '../../src/domain/workflow';

export const ZONE = 'Europe/Berlin';

export const WORKFLOW: Workflow = {
  stages: ['ready', 'doing', 'review', 'done', 'released'].map((name) => ({
    name,
    wipLimit: name === 'doing' ? 2 : null,
  })),
  startStage: 'doing',
  finishStage: 'done',
};

/** A local time in the Nexus's zone, e.g. at('2026-12-15 10:00'). */
export const at = (local: string): DateTime => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: ZONE });

type Step =
  | [string, 'move', string]
  | [string, 'square', string, 'started' | 'done' | 'not-started']
  | [string, 'discard']
  | [string, 'block', string];

/** A PBI from a compact history: first step adds it (in `ready` unless given), then moves and square changes. */
export function pbiFrom(
  key: string,
  added: string,
  steps: Step[] = [],
  opts: { stage?: string; teams?: string[] } = {},
): Pbi {
  const events: PbiEvent[] = [
    {
      type: 'pbi.added',
      key,
      title: `Title of ${key}`,
      url: null,
      stage: opts.stage ?? 'ready',
      teams: opts.teams ?? [],
      at: at(added),
      actor: 'U1',
    },
  ];
  let stage = opts.stage ?? 'ready';
  const squares = new Map((opts.teams ?? []).map((t) => [t, 'not-started' as const as string]));
  for (const step of steps) {
    const when = at(step[0]);
    if (step[1] === 'move') {
      events.push({ type: 'pbi.moved', key, from: stage, to: step[2], at: when, actor: 'U1' });
      stage = step[2];
    } else if (step[1] === 'square') {
      events.push({
        type: 'square.changed',
        key,
        team: step[2],
        from: squares.get(step[2]) as 'started',
        to: step[3],
        at: when,
        actor: 'U1',
      });
      squares.set(step[2], step[3]);
    } else if (step[1] === 'discard') events.push({ type: 'pbi.discarded', key, reason: null, at: when, actor: 'U1' });
    else events.push({ type: 'pbi.blocked', key, reason: step[2], at: when, actor: 'U1' });
  }
  return replay(events, WORKFLOW)!;
}

/** A PBI started and finished on the given local days. */
export const finished = (key: string, start: string, finish: string): Pbi =>
  pbiFrom(key, `${start} 08:00`, [
    [`${start} 09:00`, 'move', 'doing'],
    [`${finish} 17:00`, 'move', 'done'],
  ]);
