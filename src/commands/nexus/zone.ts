import { canonicalZone, isValidZone } from '../../domain/calendar';
import { code } from '../../render/blocks';
import { renderSettings } from '../../render/settings';
import { ZONE_MOVES } from '../../render/words';
import { defineCommand, invalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { type SettingsOutcome, saveSettings, showSetting } from './change';

const usage = '/nexus zone <IANA zone>';

/**
 * The Nexus's time zone. It has its own command, not a word of `/nexus digest`: it moves every date of every report,
 * so changing it is never a side effect of setting the digest's time, and its reply says what it moved.
 */
export const nexusZone = defineCommand<{ zone: string } | ShowSetting, SettingsOutcome>({
  path: ['nexus', 'zone'],
  usage,
  summary: `the Nexus's time zone, in which every day is counted (${ZONE_MOVES}); alone, shows it`,
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const [zone, ...rest] = words;
    if (rest.length) return invalid(`Give one IANA time zone, like \`Europe/Berlin\`; unexpected ${code(rest[0])}.`);
    if (!isValidZone(zone))
      return invalid(
        `${code(zone.slice(0, 40))} is not an IANA time zone; try \`Europe/Berlin\` or \`America/New_York\`.`,
      );
    return { zone: canonicalZone(zone) };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('zone', ctx);
    return saveSettings(ctx, 'nexus.zone-changed', (nexus) => {
      const from = nexus.timeZone;
      if (isSameZone(from, input.zone)) return { problem: 'same-zone', zone: from };
      const changed = { setting: 'zone', from, to: input.zone } as const;
      return { after: { ...nexus, timeZone: input.zone }, value: input.zone, changed };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});

/** Two names of one zone (letters, or an alias like US/Eastern) are the same zone. */
export function isSameZone(a: string, b: string): boolean {
  return isValidZone(a) && isValidZone(b) ? canonicalZone(a) === canonicalZone(b) : a === b;
}
