import { code } from '../../render/blocks';
import { renderSettings } from '../../render/settings';
import { defineCommand, invalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { wholeNumber } from '../numbers';
import { type SettingsOutcome, saveSettings, showSetting } from './change';

const usage = '/nexus sle <percentile> [<days>|auto]';

export const nexusSle = defineCommand<{ percentile: number; days: number | null } | ShowSetting, SettingsOutcome>({
  path: ['nexus', 'sle'],
  usage,
  summary: 'the SLE: "85% of PBIs finish within N days", N set or computed (auto) from history; alone, shows it',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const [p, d, ...rest] = words;
    const percentile = wholeNumber(p.replace(/%$/, ''), 50, 99);
    if (percentile === null)
      return invalid(`The percentile is a whole number from 50 to 99, like 85: ${code(p.slice(0, 20))} is not one.`);
    if (rest.length) return invalid('Give the percentile and at most the days.');
    if (d === undefined || d.toLowerCase() === 'auto') return { percentile, days: null };
    const days = wholeNumber(d.replace(/d(ays?)?$/, ''), 1, 365);
    if (days === null)
      return invalid(`The days are a whole number from 1 to 365, or \`auto\`: ${code(d.slice(0, 20))} is not one.`);
    return { percentile, days };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('sle', ctx);
    const { percentile, days } = input;
    return saveSettings(ctx, 'nexus.sle-changed', (nexus) => {
      const sle = { ...nexus.sle, percentile, days };
      return { after: { ...nexus, sle }, value: sle, changed: { setting: 'sle', sle } };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});
