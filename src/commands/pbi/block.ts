import { decideBlock, decideUnblock } from '../../domain/pbi-decisions';
import { escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseKey, parseKeyAndReason } from './change';

type BlockInput = { key: string; reason: string };
const blockUsage = '/pbi block <key> <reason…>';
const unblockUsage = '/pbi unblock <key>';

export const pbiBlock = defineCommand<BlockInput, ChangeOutcome>({
  path: ['pbi', 'block'],
  usage: blockUsage,
  summary: 'mark a PBI blocked, saying why',
  scope: 'nexus',
  nitOnly: false,
  parse(words, raw) {
    const parsed = parseKeyAndReason(words, raw, '/pbi block');
    if (isInvalid(parsed)) return parsed;
    return parsed.reason ? parsed : invalid('Say why it is blocked, so others can help.');
  },
  execute(input, { store, nexus, now, userId }) {
    return store.pbis.change(nexus, input.key, (pbi) => decideBlock(pbi, input.reason, { at: now(), actor: userId }));
  },
  render(outcome, { nexus }) {
    return renderChange(
      outcome,
      nexus,
      blockUsage,
      (pbi, e) => `⛔ ${by(e)} blocked *${escape(pbi.key)}*: ${e.type === 'pbi.blocked' ? escape(e.reason) : ''}`,
    );
  },
});

export const pbiUnblock = defineCommand<{ key: string }, ChangeOutcome>({
  path: ['pbi', 'unblock'],
  usage: unblockUsage,
  summary: 'clear the blocked mark',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    if (words.length > 1) return invalid('`/pbi unblock` takes only the key.');
    return { key };
  },
  execute(input, { store, nexus, now, userId }) {
    return store.pbis.change(nexus, input.key, (pbi) => decideUnblock(pbi, { at: now(), actor: userId }));
  },
  render(outcome, { nexus }) {
    return renderChange(outcome, nexus, unblockUsage, (pbi, e) => `✅ ${by(e)} unblocked *${escape(pbi.key)}*`);
  },
});
