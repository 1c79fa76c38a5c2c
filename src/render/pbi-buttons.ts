import { z } from 'zod';
import type { SquareState } from '../domain/events';
import type { Nexus } from '../domain/nexus';
import type { Pbi } from '../domain/pbi';
import { SNOOZE_DAYS } from '../domain/pbi-decisions';
import { isFinishedStage, nextStage } from '../domain/workflow';
import { actionRows, type Block, button, escape, section } from './blocks';
import { SQUARE_GLYPH } from './pbi';

/**
 * The buttons on a PBI card. Each carries the state it was drawn for, so a click on an old card is recognised as
 * stale and changes nothing.
 */
export const PbiButtonSchema = z.discriminatedUnion('do', [
  z.object({ do: z.literal('move'), key: z.string(), from: z.string(), to: z.string() }),
  z.object({ do: z.literal('square'), key: z.string(), team: z.string(), from: z.enum(['not-started', 'started']) }),
  z.object({ do: z.literal('block'), key: z.string() }),
  z.object({ do: z.literal('unblock'), key: z.string() }),
  z.object({ do: z.literal('swarm'), key: z.string() }),
  z.object({ do: z.literal('snooze'), key: z.string() }),
]);
export type PbiButton = z.infer<typeof PbiButtonSchema>;

export const PBI_ACTION_PREFIX = 'pbi.';

export function pbiButtons(pbi: Pbi, nexus: Nexus): Block[] {
  if (pbi.discardedAt) return [];
  const value = (b: PbiButton) => JSON.stringify(b);
  const buttons = [];
  const next = nextStage(nexus.workflow, pbi.stage);
  const gateClosed =
    next &&
    isFinishedStage(nexus.workflow, next.name) &&
    !isFinishedStage(nexus.workflow, pbi.stage) &&
    pbi.squares.some((s) => s.state !== 'done');
  if (next && !gateClosed)
    buttons.push(
      button(
        `→ ${next.name}`,
        `${PBI_ACTION_PREFIX}move`,
        value({ do: 'move', key: pbi.key, from: pbi.stage, to: next.name }),
        'primary',
      ),
    );
  // a finished PBI's squares are final (the domain refuses changing them): no square buttons
  const squares = isFinishedStage(nexus.workflow, pbi.stage) ? [] : pbi.squares;
  for (const s of squares) {
    if (s.state === 'done') continue;
    const label =
      s.state === 'not-started' ? `${SQUARE_GLYPH.started} ${s.team} started` : `${SQUARE_GLYPH.done} ${s.team} done`;
    buttons.push(
      button(
        label,
        `${PBI_ACTION_PREFIX}square.${s.team}`,
        value({ do: 'square', key: pbi.key, team: s.team, from: s.state }),
      ),
    );
  }
  // a finished PBI waits on nothing: no Block… (a block left from before can still be cleared)
  if (pbi.blocked)
    buttons.push(button('Unblock', `${PBI_ACTION_PREFIX}unblock`, value({ do: 'unblock', key: pbi.key })));
  else if (!pbi.finishedAt)
    buttons.push(button('Block…', `${PBI_ACTION_PREFIX}block`, value({ do: 'block', key: pbi.key }), 'danger'));
  // a PBI needing many teams gets several rows: every square keeps its button, and Block… stays
  return actionRows(buttons);
}

/** The digest's buttons on an aging item: someone swarms on it, snoozes its nudges, or says it is blocked. */
export function digestButtons(pbi: Pbi): Block {
  const value = (b: PbiButton) => JSON.stringify(b);
  const buttons = [
    button('🐝 Swarming on it', `${PBI_ACTION_PREFIX}swarm`, value({ do: 'swarm', key: pbi.key }), 'primary'),
    button(`💤 Snooze ${SNOOZE_DAYS} days`, `${PBI_ACTION_PREFIX}snooze`, value({ do: 'snooze', key: pbi.key })),
  ];
  if (!pbi.blocked)
    buttons.push(button('⛔ Blocked…', `${PBI_ACTION_PREFIX}block`, value({ do: 'block', key: pbi.key }), 'danger'));
  return actionRows(buttons)[0];
}

/**
 * A ⛔ reaction on a message of the bot's about PBIs, answered to that person alone (a reaction brings no trigger to
 * open a form with): a "Block PBI-7…" button per PBI that can be blocked, which opens the Block form as the card's
 * does; or, when none can, why.
 */
export function blockOffer(blockable: readonly Pbi[], others: readonly Pbi[]): { text: string; blocks: Block[] } {
  if (!blockable.length) {
    const why = others.map((p) => `${escape(p.key)} ${p.blocked ? 'is blocked already' : 'is finished'}`);
    const text = `⛔ Nothing to block here: ${why.join(', ')}.`;
    return { text, blocks: [section(text)] };
  }
  const keys = blockable.map((p) => escape(p.key)).join(', ');
  const text = `⛔ Block ${keys}? The form asks what it waits for.`;
  const buttons = blockable.map((p) =>
    button(
      `⛔ Block ${p.key}…`.slice(0, BUTTON_TEXT),
      `${PBI_ACTION_PREFIX}block.${p.key}`,
      JSON.stringify({ do: 'block', key: p.key } satisfies PbiButton),
      'danger',
    ),
  );
  return { text, blocks: [section(text), ...actionRows(buttons)] };
}
/** Slack shows a button's text up to 75 characters. */
const BUTTON_TEXT = 75;

/** What changed on a PBI since its card was drawn, so that a button on the card no longer applies. */
type CardChange =
  | { now: 'moved'; stage: string }
  | { now: 'team-not-needed'; team: string }
  | { now: 'square-changed'; team: string; state: SquareState }
  | { now: 'blocked' | 'unblocked' | 'finished' };

/** A click the card no longer matches: it changes nothing, and explain (render/problems.ts) says what changed. */
export type StaleCard = { problem: 'stale-card'; key: string } & CardChange;

/** Why a click does nothing: not a button of ours, a PBI gone from the channel's Nexus, or a card out of date. */
export type ButtonProblem = { problem: 'unknown-button' } | { problem: 'pbi-gone'; key: string } | StaleCard;

/** A card still as it was drawn: the click applies. */
export const CURRENT = 'current';
export type CardCheck = typeof CURRENT | StaleCard;
export const isStale = (check: CardCheck): check is StaleCard => check !== CURRENT;

/** Whether the PBI is still as the card showed it, for what the button does; else what changed. */
export function checkCard(click: PbiButton, pbi: Pbi): CardCheck {
  const stale = (change: CardChange): StaleCard => ({ problem: 'stale-card', key: pbi.key, ...change });
  switch (click.do) {
    case 'move':
      return pbi.stage === click.from ? CURRENT : stale({ now: 'moved', stage: pbi.stage });
    case 'square': {
      const square = pbi.squares.find((s) => s.team === click.team);
      if (!square) return stale({ now: 'team-not-needed', team: click.team });
      return square.state === click.from
        ? CURRENT
        : stale({ now: 'square-changed', team: click.team, state: square.state });
    }
    case 'block':
      return pbi.blocked ? stale({ now: 'blocked' }) : CURRENT;
    case 'unblock':
      return pbi.blocked ? CURRENT : stale({ now: 'unblocked' });
    case 'swarm':
    case 'snooze':
      return pbi.finishedAt ? stale({ now: 'finished' }) : CURRENT;
  }
}

/** The `/pbi` words a click stands for, as a user would type them. */
export function commandFor(click: Exclude<PbiButton, { do: 'block' }>): string[] {
  switch (click.do) {
    case 'move':
      return ['move', click.key, click.to];
    case 'square':
      return ['team', click.key, click.team, click.from === 'not-started' ? 'start' : 'done'];
    case 'unblock':
      return ['unblock', click.key];
    case 'swarm':
      return ['swarm', click.key];
    case 'snooze':
      return ['snooze', click.key, String(SNOOZE_DAYS)];
  }
}
