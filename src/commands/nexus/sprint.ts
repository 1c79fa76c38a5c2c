import { type CalendarDate, localDate } from '../../domain/calendar';
import { MAX_SPRINT_DAYS, sprintsOn } from '../../domain/sprint';
import { code } from '../../render/blocks';
import { renderSettings } from '../../render/settings';
import { defineCommand, invalid, isInvalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { parseFlags } from '../flags';
import { parseDate } from '../forecast/dates';
import { wholeNumber } from '../numbers';
import { type SettingsOutcome, saveSettings, showSetting } from './change';

const usage = '/nexus sprint <YYYY-MM-DD> [--length <days>] · /nexus sprint off';
/** A cadence from its first day (the length kept unless given), or none (`off`). */
type Input = { firstDay: CalendarDate; length: number | null } | { firstDay: null } | ShowSetting;

/**
 * The Sprint cadence: Sprints of `length` days one after another from a first day. "This Sprint" and "the next
 * Sprint" become real dates for `/forecast sprint`, the digest and the start nudge (domain/sprint.ts).
 */
export const nexusSprint = defineCommand<Input, SettingsOutcome>({
  path: ['nexus', 'sprint'],
  usage,
  summary:
    'the Sprint cadence: the first day of a Sprint and the Sprint length (default 14 days); `off` forgets it; alone, shows the cadence and this Sprint',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const parsed = parseFlags(words, ['length']);
    if (isInvalid(parsed)) return parsed;
    const [first, ...rest] = parsed.positional;
    if (rest.length)
      return invalid(`Give one date, the first day of a Sprint; unexpected ${code(rest[0].slice(0, 30))}.`);
    if (first?.toLowerCase() === 'off' && parsed.flags.length === undefined) return { firstDay: null };
    if (first === undefined) return invalid('Give the first day of a Sprint, like `/nexus sprint 2027-01-04`.');
    const date = parseDate(first);
    if (isInvalid(date)) return date;
    const given = parsed.flags.length;
    const length = given === undefined ? null : wholeNumber(given.replace(/d(ays?)?$/, ''), 1, MAX_SPRINT_DAYS);
    if (given !== undefined && length === null)
      return invalid(
        `The Sprint length is a whole number of days from 1 to ${MAX_SPRINT_DAYS}, like \`--length 14\`: ${code(given.slice(0, 20))} is not one.`,
      );
    return { firstDay: date.date, length };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('sprint', ctx);
    return saveSettings(ctx, 'nexus.sprint-changed', (nexus) => {
      const length = input.firstDay === null ? nexus.forecast.sprintDays : (input.length ?? nexus.forecast.sprintDays);
      const forecast = { ...nexus.forecast, sprintStart: input.firstDay, sprintDays: length };
      const today = localDate(ctx.now(), nexus.timeZone);
      const changed = { setting: 'sprint', forecast, sprints: sprintsOn(forecast, today), today } as const;
      return { after: { ...nexus, forecast }, value: { firstDay: input.firstDay, length }, changed };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});
