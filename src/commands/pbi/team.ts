import { decideSquare, SQUARE_ACTIONS, type SquareAction } from '../../domain/pbi-decisions';
import { code, escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { SQUARE_GLYPH } from '../../render/pbi';
import type { Reply } from '../../render/reply';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseKey } from './change';
import { startNudge } from './start-nudge';

type Input = { key: string; team: string; action: SquareAction };
const usage = '/pbi team <key> <team> start|done|reset';
const VERB: Record<SquareAction, string> = { start: 'started', done: 'finished', reset: 'reset' };

type Outcome = { change: ChangeOutcome; nudge: Reply | null };

export const pbiTeam = defineCommand<Input, Outcome>({
  path: ['pbi', 'team'],
  usage,
  summary:
    "mark a team's square on a PBI: ☐ not started, ◐ started, ■ done (not on a finished PBI: move it back first)",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    // a team's name may have spaces, quoted or not: every word between the key and what it did
    const team = words.slice(1, -1).join(' ');
    const action = words.length > 2 ? words[words.length - 1] : undefined;
    if (!team || !action) return invalid('Name the PBI, the team and what it did.');
    const verb = action.toLowerCase();
    if (!(verb in SQUARE_ACTIONS)) return invalid(`${code(action.slice(0, 20))} is not one of start, done, reset.`);
    return { key, team, action: verb as SquareAction };
  },
  async execute(input, ctx) {
    const { store, nexus, now, userId } = ctx;
    const change = await store.pbis.change(nexus, input.key, (pbi, current) =>
      decideSquare(current, pbi, input.team, input.action, { at: now(), actor: userId }),
    );
    const started =
      'ok' in change && change.event.type === 'square.changed' && change.event.to === 'started'
        ? change.event.team
        : null;
    return { change, nudge: started && 'ok' in change ? await startNudge(ctx, change.pbi, started) : null };
  },
  render({ change: outcome, nudge }, { nexus }) {
    const notes: string[] = [];
    if ('ok' in outcome) {
      const { pbi } = outcome;
      const allDone = pbi.squares.every((s) => s.state === 'done');
      if (allDone && !pbi.finishedAt)
        notes.push(
          `Every team is done: integrate it with ${code(`/pbi move ${pbi.key} ${nexus.workflow.finishStage}`)}.`,
        );
    }
    const reply = renderChange(
      outcome,
      nexus,
      usage,
      (pbi, e) => {
        if (e.type !== 'square.changed') return '';
        const verb = Object.entries(SQUARE_ACTIONS).find(([, state]) => state === e.to)![0] as SquareAction;
        return `${SQUARE_GLYPH[e.to]} ${by(e)}: ${escape(e.team)} ${VERB[verb]} its part of *${escape(pbi.key)}* (was ${code(e.from)})`;
      },
      notes,
    );
    return nudge ? { ...reply, followUp: nudge } : reply;
  },
});
