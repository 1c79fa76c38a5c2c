import { code } from '../../render/blocks';
import { renderSettings } from '../../render/settings';
import { defineCommand, invalid } from '../command';
import { type SettingsOutcome, saveSettings } from './change';

type Input = { action: 'add' | 'remove'; users: string[] };
const usage = '/nexus nit add|remove @user…';
/** `<@U123>` or `<@U123|name>` as Slack sends mentions, or `@U123` as typed in the console. */
const MENTION = /^(?:<@([A-Za-z0-9_]+)(?:\|[^>]*)?>|@([A-Za-z0-9_.-]+))$/;

export const nexusNit = defineCommand<Input, SettingsOutcome>({
  path: ['nexus', 'nit'],
  usage,
  summary: 'who is in the Nexus Integration Team (may change the Nexus settings)',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    const [action, ...rest] = words;
    if (action !== 'add' && action !== 'remove') return invalid('Say `add` or `remove`, then mention the people.');
    if (!rest.length) return invalid('Mention who, e.g. `@anna`.');
    const users: string[] = [];
    for (const word of rest) {
      const m = MENTION.exec(word);
      if (!m) return invalid(`${code(word.slice(0, 40))} is not a mention of a person.`);
      users.push(m[1] ?? m[2]);
    }
    return { action, users };
  },
  execute({ action, users }, ctx) {
    return saveSettings(ctx, 'nexus.nit-changed', (nexus) => {
      const { nit } = nexus;
      const next = action === 'add' ? [...new Set([...nit, ...users])] : nit.filter((u) => !users.includes(u));
      const unchanged = action === 'add' ? users.filter((u) => nit.includes(u)) : users.filter((u) => !nit.includes(u));
      if (unchanged.length === users.length)
        return { problem: action === 'add' ? 'already-in-nit' : 'not-in-nit', users: unchanged };
      if (!next.length) return { problem: 'nit-left-empty' };
      return { after: { ...nexus, nit: next }, value: next, changed: { setting: 'nit', action, users, nit: next } };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});
