import { isValidZone, WEEKDAYS, type Weekday } from '../../domain/calendar';
import { DIGEST_TIME, type DigestSchedule } from '../../domain/nexus';
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
import { type SettingsOutcome, saveSettings, showSetting } from './change';
import { isSameZone } from './zone';

const usage = '/nexus digest <HH:MM> [--days mon-fri] | /nexus digest off';
type Input = { digest: Partial<DigestSchedule>; zone: string | null };

export const nexusDigest = defineCommand<Input | ShowSetting, SettingsOutcome>({
  path: ['nexus', 'digest'],
  usage,
  summary:
    "when the daily digest is posted: local time in the Nexus's zone (`/nexus zone`) and working days (also the days forecasts count), or off; alone, shows it",
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const parsed = parseFlags(words, ['days']);
    if (isInvalid(parsed)) return parsed;
    const [time, zone, ...rest] = parsed.positional;
    if (time?.toLowerCase() === 'off' && !zone && !parsed.flags.days) return { digest: { enabled: false }, zone: null };
    if (!time || !DIGEST_TIME.test(time))
      return invalid('Give the local time on a 24-hour clock, like `/nexus digest 09:30`, or `off`.');
    if (rest.length) return invalid(`Unexpected ${code(rest[0])}.`);
    if (zone && !isValidZone(zone))
      return invalid(
        `${code(zone.slice(0, 40))} is not an IANA time zone; try \`Europe/Berlin\` or \`America/New_York\`.`,
      );
    const days = parsed.flags.days === undefined ? undefined : parseDays(parsed.flags.days);
    if (days && 'invalid' in days) return days;
    return { digest: { time, enabled: true, ...(days && { days: days.days }) }, zone: zone ?? null };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('digest', ctx);
    const { digest, zone } = input;
    return saveSettings(ctx, 'nexus.digest-changed', (nexus) => {
      const { timeZone } = nexus;
      // the zone moves every date of every report: it changes only on purpose, with /nexus zone, never by the way
      if (zone && !isSameZone(zone, timeZone)) return { problem: 'zone-in-digest', zone, timeZone, time: digest.time };
      const next = { ...nexus.digest, ...digest };
      const changed = { setting: 'digest', digest: next, timeZone } as const;
      return { after: { ...nexus, digest: next }, value: { ...next, timeZone }, changed };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});

/** `mon-fri`, `mon,wed,fri` or a mix like `mon-wed,fri`. */
function parseDays(text: string): { days: Weekday[] } | Invalid {
  const days = new Set<Weekday>();
  for (const part of text
    .toLowerCase()
    .split(',')
    .map((p) => p.trim())) {
    const [from, to = from] = part.split('-') as Weekday[];
    const [a, b] = [WEEKDAYS.indexOf(from), WEEKDAYS.indexOf(to)];
    if (a < 0 || b < 0 || b < a)
      return invalid(
        `${code(part.slice(0, 20))} is not a day or range of days; write them like \`mon-fri\` or \`mon,wed,fri\`.`,
      );
    for (let i = a; i <= b; i++) days.add(WEEKDAYS[i]);
  }
  return { days: WEEKDAYS.filter((d) => days.has(d)) };
}
