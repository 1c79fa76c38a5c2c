import { addDays, localDate } from '../../domain/calendar';
import { decideSnooze, decideSwarm, SNOOZE_DAYS } from '../../domain/pbi-decisions';
import { code, escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid } from '../command';
import { wholeNumber } from '../numbers';
import { parseKey } from './change';

const swarmUsage = '/pbi swarm <key>';
const snoozeUsage = '/pbi snooze <key> [days]';
/** The longest snooze: an item left out of the nudges for longer is one to discard or block, not to forget. */
const MAX_SNOOZE_DAYS = 14;

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
    if (words.length > 2)
      return invalid('`/pbi snooze` takes the key and at most the days, like `/pbi snooze PBI-7 2`.');
    const days = words[1] === undefined ? SNOOZE_DAYS : wholeNumber(words[1], 1, MAX_SNOOZE_DAYS);
    if (days === null)
      return invalid(
        `Snooze for 1 to ${MAX_SNOOZE_DAYS} days, a whole number, like \`/pbi snooze PBI-7 2\`: ${code(words[1].slice(0, 20))} is not one.`,
      );
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
