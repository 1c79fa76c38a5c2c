import { addDays, localDate } from '../../domain/calendar';
import { decideSnooze, decideSwarm, SNOOZE_DAYS } from '../../domain/pbi-decisions';
import { escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseKey } from './change';

const swarmUsage = '/pbi swarm <key>';
const snoozeUsage = '/pbi snooze <key> [days]';

export const pbiSwarm = defineCommand<{ key: string }, ChangeOutcome>({
  path: ['pbi', 'swarm'],
  usage: swarmUsage,
  summary: 'say you are swarming on an item in progress (recorded in its history, shown in the digest)',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    return words.length > 1 ? invalid('`/pbi swarm` takes only the key.') : { key };
  },
  execute: ({ key }, { store, nexus, now, userId }) =>
    store.pbis.change(nexus, key, (pbi) => decideSwarm(pbi, { at: now(), actor: userId })),
  render: (outcome, { nexus }) =>
    renderChange(outcome, nexus, swarmUsage, (pbi, e) => `🐝 ${by(e)} is swarming on *${escape(pbi.key)}*`),
});

export const pbiSnooze = defineCommand<{ key: string; days: number }, ChangeOutcome>({
  path: ['pbi', 'snooze'],
  usage: snoozeUsage,
  summary: `leave an item out of the digest's aging nudges for a few days (${SNOOZE_DAYS} unless told), shown as snoozed`,
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    const days = words[1] === undefined ? SNOOZE_DAYS : Number(words[1]);
    if (!Number.isInteger(days) || days < 1 || days > 14 || words.length > 2)
      return invalid('Snooze for 1 to 14 days, like `/pbi snooze PBI-7 2`.');
    return { key, days };
  },
  execute({ key, days }, { store, nexus, now, userId }) {
    const until = addDays(localDate(now(), nexus.timeZone), days);
    return store.pbis.change(nexus, key, (pbi) => decideSnooze(pbi, until, { at: now(), actor: userId }));
  },
  render: (outcome, { nexus }) =>
    renderChange(
      outcome,
      nexus,
      snoozeUsage,
      (pbi, e) =>
        `💤 ${by(e)} snoozed the aging nudges of *${escape(pbi.key)}* until ${e.type === 'pbi.snoozed' ? formatDate(e.until, localDate(e.at, nexus.timeZone)) : ''}`,
    ),
});
