import type { ForecastSetting } from '../../domain/nexus';
import { code } from '../../render/blocks';
import { renderSettings } from '../../render/settings';
import { defineCommand, invalid, isInvalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { parseFlags } from '../flags';
import { wholeNumber } from '../numbers';
import { type SettingsOutcome, saveSettings, showSetting } from './change';

const usage = '/nexus forecast calendar|working [--sprint <days>]';

export const nexusForecast = defineCommand<Partial<ForecastSetting> | ShowSetting, SettingsOutcome>({
  path: ['nexus', 'forecast'],
  usage,
  summary:
    'forecasts count calendar days or only working days (the digest days); the Sprint length for `/forecast sprint`; alone, shows them',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const parsed = parseFlags(words, ['sprint']);
    if (isInvalid(parsed)) return parsed;
    const [mode, ...rest] = parsed.positional.map((w) => w.toLowerCase());
    if (rest.length || (mode !== undefined && mode !== 'calendar' && mode !== 'working'))
      return invalid('Say `calendar` or `working`.');
    const sprint = parsed.flags.sprint;
    const sprintDays = sprint === undefined ? undefined : wholeNumber(sprint.replace(/d(ays?)?$/, ''), 1, 60);
    if (sprint !== undefined && sprintDays === null)
      return invalid(
        `The Sprint length is a whole number of calendar days from 1 to 60, like \`--sprint 14\`: ${code(sprint.slice(0, 20))} is not one.`,
      );
    if (mode === undefined && sprintDays === undefined)
      return invalid('Say `calendar` or `working`, or give `--sprint <days>`.');
    return { ...(mode && { days: mode }), ...(sprintDays && { sprintDays }) };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('forecast', ctx);
    return saveSettings(ctx, 'nexus.forecast-changed', (nexus) => {
      const forecast = { ...nexus.forecast, ...input };
      const changed = { setting: 'forecast', forecast, workingDays: nexus.digest.days } as const;
      return { after: { ...nexus, forecast }, value: forecast, changed };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});
