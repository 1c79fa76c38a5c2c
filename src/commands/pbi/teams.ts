import { decideTeams } from '../../domain/pbi-decisions';
import { code, escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseKey } from './change';

type Input = { key: string; add: string[]; remove: string[] };
const usage = '/pbi teams <key> +Gamma -Beta';

export const pbiTeams = defineCommand<Input, ChangeOutcome>({
  path: ['pbi', 'teams'],
  usage,
  summary: 'change which teams a PBI needs (+team adds a square, -team removes one)',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    // a word with no + or - in front goes on the name before it (`+Team A`, like `+"Team A"`, is the team Team A);
    // after a comma a new change begins, so it needs its own sign
    const changes: string[] = [];
    for (const word of words.slice(1)) {
      for (const [i, part] of word.split(',').entries()) {
        if (!part) continue;
        if (i === 0 && changes.length && !/^[+-]/.test(part)) changes[changes.length - 1] += ` ${part}`;
        else changes.push(part);
      }
    }
    if (!changes.length) return invalid('Say which teams to add (+Team) or remove (-Team).');
    const bad = changes.find((c) => !/^[+-]./.test(c));
    if (bad) return invalid(`${code(bad.slice(0, 40))} needs a + (add the team) or - (remove it) in front.`);
    return {
      key,
      add: changes.filter((c) => c[0] === '+').map((c) => c.slice(1)),
      remove: changes.filter((c) => c[0] === '-').map((c) => c.slice(1)),
    };
  },
  execute(input, { store, nexus, now, userId }) {
    return store.pbis.change(nexus, input.key, (pbi, current) =>
      decideTeams(current, pbi, input.add, input.remove, { at: now(), actor: userId }),
    );
  },
  render(outcome, { nexus }) {
    return renderChange(outcome, nexus, usage, (pbi, e) => {
      if (e.type !== 'pbi.teams-changed') return '';
      const parts = [...e.added.map((t) => `+${escape(t)}`), ...e.removed.map((t) => `−${escape(t)}`)].join(' ');
      return `👥 ${by(e)} changed the teams on *${escape(pbi.key)}*: ${parts}`;
    });
  },
});
