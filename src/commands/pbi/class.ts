import { localDate } from '../../domain/calendar';
import { decideClass } from '../../domain/pbi-decisions';
import { code, escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { formatDate } from '../../render/words';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { parseDate } from '../forecast/dates';
import { parseKey } from './change';

type Input = { key: string; serviceClass: string; dueDate: string | null };
const usage = '/pbi class <key> standard|expedite|fixed-date|intangible|<class> [--date <YYYY-MM-DD>]';

/** `/pbi class PBI-7 fixed-date --date 2027-01-15`: a PBI's class of service (service-class.ts). */
export const pbiClass = defineCommand<Input, ChangeOutcome>({
  path: ['pbi', 'class'],
  usage,
  summary:
    "give a PBI a class of service: expedite (shown apart, outside stage WIP limits), fixed-date (due by --date), intangible, or one of the Nexus's own (`/nexus class`)",
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const parsed = parseFlags(words, ['date']);
    if (isInvalid(parsed)) return parsed;
    const [word, serviceClass, ...rest] = parsed.positional;
    const key = parseKey(word);
    if (isInvalid(key)) return key;
    if (!serviceClass || rest.length)
      return invalid(
        `Give the PBI and one class, like ${code(`/pbi class ${key} expedite`)} (\`/nexus class\` lists them).`,
      );
    const date = parsed.flags.date === undefined ? null : parseDate(parsed.flags.date);
    if (date !== null && isInvalid(date)) return date;
    return { key, serviceClass, dueDate: date?.date ?? null };
  },
  execute: ({ key, serviceClass, dueDate }, { store, nexus, now, userId }) =>
    store.pbis.change(nexus, key, (pbi, current) =>
      decideClass(current, pbi, serviceClass, dueDate, { at: now(), actor: userId }),
    ),
  render: (outcome, { nexus }) =>
    renderChange(outcome, nexus, usage, (pbi, e) => {
      if (e.type !== 'pbi.class-changed') return '';
      const today = localDate(e.at, nexus.timeZone);
      const due = e.dueDate ? `, due ${formatDate(e.dueDate, today)}` : '';
      return `🏷 ${by(e)} made *${escape(pbi.key)}* ${code(e.serviceClass)}${due}`;
    }),
});
