import { decideDiscard } from '../../domain/pbi-decisions';
import { escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { defineCommand, isInvalid } from '../command';
import { parseKeyAndReason } from './change';

const usage = '/pbi discard <key> [reason…]';

export const pbiDiscard = defineCommand<{ key: string; reason: string | null }, ChangeOutcome>({
  path: ['pbi', 'discard'],
  usage,
  summary: 'drop a PBI; unfinished, it leaves WIP and never counts in throughput or cycle time',
  scope: 'nexus',
  nitOnly: false,
  parse(words, raw) {
    const parsed = parseKeyAndReason(words, raw, '/pbi discard');
    return isInvalid(parsed) ? parsed : { key: parsed.key, reason: parsed.reason || null };
  },
  execute(input, { store, nexus, now, userId }) {
    return store.pbis.change(nexus, input.key, (pbi) => decideDiscard(pbi, input.reason, { at: now(), actor: userId }));
  },
  render(outcome, { nexus }) {
    return renderChange(
      outcome,
      nexus,
      usage,
      (pbi, e) =>
        `🗑 ${by(e)} discarded *${escape(pbi.key)}*${e.type === 'pbi.discarded' && e.reason ? `: ${escape(e.reason)}` : ''}`,
    );
  },
});
