import type { Nexus } from '../../domain/nexus';
import { code } from '../../render/blocks';
import { count } from '../../render/words';
import { defineCommand, invalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { wholeNumber } from '../numbers';
import { renderSettings, type SettingsOutcome, saveSettings } from './change';

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
    if (isShowSetting(input)) return Promise.resolve({ shown: describeSle(ctx.nexus) });
    const { percentile, days } = input;
    return saveSettings(ctx, 'nexus.sle-changed', (nexus) => {
      const sle = { ...nexus.sle, percentile, days };
      const said =
        days === null
          ? `🎯 <@${ctx.userId}> set the SLE to the ${percentile}th percentile of cycle times of the last ${sle.historyDays} days, computed from history.`
          : `🎯 <@${ctx.userId}> set the SLE: ${percentile}% of PBIs finish within ${count(days, 'day')}.`;
      return { after: { ...nexus, sle }, value: sle, said };
    });
  },
  render: (outcome) => renderSettings(outcome, usage, () => '`/flow sle` shows the cycle times behind it.'),
});

function describeSle({ sle }: Nexus): string {
  return sle.days === null
    ? `SLE: ${sle.percentile}% of PBIs finish within a number of days computed from the cycle times of the last ${sle.historyDays} days. \`/flow sle\` shows it.`
    : `SLE: ${sle.percentile}% of PBIs finish within ${count(sle.days, 'day')} (set by hand).`;
}
