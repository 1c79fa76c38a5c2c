import { type CalendarDate, localDate } from '../../domain/calendar';
import type { Nexus, SprintReport, SprintReports } from '../../domain/nexus';
import { nextSprintReportsDay } from '../../domain/report-slot';
import { MAX_SPRINT_DAYS, sprintsOn } from '../../domain/sprint';
import { code } from '../../render/blocks';
import { renderSettings } from '../../render/settings';
import {
  defineCommand,
  type Invalid,
  invalid,
  isInvalid,
  isShowSetting,
  SHOW_SETTING,
  type ShowSetting,
} from '../command';
import { parseFlags } from '../flags';
import { parseDate } from '../forecast/dates';
import { wholeNumber } from '../numbers';
import { type SettingsOutcome, saveSettings, showSetting } from './change';

const usage =
  '/nexus sprint <YYYY-MM-DD> [--length <days>] [--review on|off] [--retro on|off] · /nexus sprint --review on|off [--retro on|off] · /nexus sprint off';
/** A cadence from its first day (the length kept unless given); none (`off`); or the cadence kept (`null`). */
type Cadence = { firstDay: CalendarDate; length: number | null } | { firstDay: null } | null;
/** The cadence, and the Sprint reports turned on or off (those not named are kept). */
type Input = { cadence: Cadence; reports: Partial<SprintReports> } | ShowSetting;

/**
 * The Sprint cadence: Sprints of `length` days one after another from a first day. "This Sprint" and "the next
 * Sprint" become real dates for `/forecast sprint`, the digest and the start nudge (domain/sprint.ts). `--review on`
 * and `--retro on` have the Sprint reports posted by themselves on each Sprint's last working day (schedule/).
 */
export const nexusSprint = defineCommand<Input, SettingsOutcome>({
  path: ['nexus', 'sprint'],
  usage,
  summary:
    "the Sprint cadence: the first day of a Sprint and the Sprint length (default 14 days); `--review on` and `--retro on` post `/nexus review` and `/nexus retro` by themselves on the Sprint's last working day at the digest time; `off` forgets the cadence; alone, shows the cadence and this Sprint",
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const parsed = parseFlags(words, ['length', 'review', 'retro']);
    if (isInvalid(parsed)) return parsed;
    const { length: given, review, retro } = parsed.flags;
    const reports = parseReports({ review, retro });
    if (isInvalid(reports)) return reports;
    const [first, ...rest] = parsed.positional;
    if (rest.length)
      return invalid(`Give one date, the first day of a Sprint; unexpected ${code(rest[0].slice(0, 30))}.`);
    if (first?.toLowerCase() === 'off' && !Object.keys(parsed.flags).length)
      return { cadence: { firstDay: null }, reports };
    if (first === undefined && given === undefined && Object.keys(reports).length) return { cadence: null, reports };
    if (first === undefined) return invalid('Give the first day of a Sprint, like `/nexus sprint 2027-01-04`.');
    const date = parseDate(first);
    if (isInvalid(date)) return date;
    const length = given === undefined ? null : wholeNumber(given.replace(/d(ays?)?$/, ''), 1, MAX_SPRINT_DAYS);
    if (given !== undefined && length === null)
      return invalid(
        `The Sprint length is a whole number of days from 1 to ${MAX_SPRINT_DAYS}, like \`--length 14\`: ${code(given.slice(0, 20))} is not one.`,
      );
    return { cadence: { firstDay: date.date, length }, reports };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('sprint', ctx);
    return saveSettings(ctx, 'nexus.sprint-changed', (nexus) => {
      if (input.cadence === null && nexus.forecast.sprintStart === null) return { problem: 'reports-without-cadence' };
      const after = withSprint(nexus, input.cadence, { ...nexus.sprintReports, ...input.reports });
      const { forecast, sprintReports } = after;
      const today = localDate(ctx.now(), nexus.timeZone);
      const changed = {
        setting: 'sprint',
        forecast,
        sprints: sprintsOn(forecast, today),
        today,
        cadenceKept: input.cadence === null,
        reportsOn: nextSprintReportsDay(after, ctx.now()),
      } as const;
      // the whole setting, so history alone rebuilds it (events before the reports existed mean both off)
      const value = { firstDay: forecast.sprintStart, length: forecast.sprintDays, ...sprintReports };
      return { after, value, changed };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});

/** The Nexus with its cadence set, forgotten (`firstDay` null) or kept (`cadence` null), and its Sprint reports. */
function withSprint(nexus: Nexus, cadence: Cadence, sprintReports: SprintReports): Nexus {
  if (cadence === null) return { ...nexus, sprintReports };
  const length = cadence.firstDay === null ? nexus.forecast.sprintDays : (cadence.length ?? nexus.forecast.sprintDays);
  return {
    ...nexus,
    forecast: { ...nexus.forecast, sprintStart: cadence.firstDay, sprintDays: length },
    sprintReports,
  };
}

/** `--review on|off` and `--retro on|off`: the reports named, each on or off. */
function parseReports(flags: Partial<Record<SprintReport, string>>): Partial<SprintReports> | Invalid {
  const reports: Partial<SprintReports> = {};
  for (const [report, word] of Object.entries(flags) as [SprintReport, string | undefined][]) {
    if (word === undefined) continue;
    const on = word.toLowerCase();
    if (on !== 'on' && on !== 'off')
      return invalid(
        `\`--${report}\` takes \`on\` or \`off\`, like \`/nexus sprint --${report} on\`: ${code(word.slice(0, 20))} is neither.`,
      );
    reports[report] = on === 'on';
  }
  return reports;
}
