import type { DateTime } from 'luxon';
import type { PbiEvent } from '../../src/domain/events';
import { type Pbi, replay } from '../../src/domain/pbi';
import { DEFAULT_WORKFLOW } from '../../src/domain/workflow';

/** An item as a tracker's history tells it: its key and title, then each stage it entered (its creation first). */
export type ItemInStages = {
  key: string;
  title: string;
  created: DateTime;
  entries: { at: DateTime; stage: string }[];
};

/**
 * The PBI an item's changes make applied one by one, in order, on the default workflow: added (in its first stage),
 * then a move into each stage it entered. What an import, webhooks, or both at once must end equal to.
 */
export function appliedInOrder({ key, title, created, entries }: ItemInStages, actor: string): Pbi {
  const first = DEFAULT_WORKFLOW.stages[0].name;
  const events: PbiEvent[] = [
    { type: 'pbi.added', key, title, url: null, stage: first, teams: [], at: created, actor },
    ...entries.map(
      (e, i): PbiEvent => ({
        type: 'pbi.moved',
        key,
        from: i ? entries[i - 1].stage : first,
        to: e.stage,
        at: e.at,
        actor,
      }),
    ),
  ];
  return replay(events, DEFAULT_WORKFLOW)!;
}

/** What flow metrics read of a PBI, as one comparable line: its stage and its flow dates. */
export function flowView(p: Pbi | null): string | null {
  return (
    p &&
    [
      p.stage,
      p.startedAt?.toMillis(),
      p.finishedAt?.toMillis(),
      p.stageEnteredAt.toMillis(),
      p.createdAt.toMillis(),
    ].join('|')
  );
}
