import type { ForecastSetting, Nexus } from '../../domain/nexus';
import { code } from '../../render/blocks';
import { count } from '../../render/words';
import { defineCommand, invalid, isInvalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { parseFlags } from '../flags';
import { wholeNumber } from '../numbers';
import { renderSettings, type SettingsOutcome, saveSettings } from './change';

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
    if (isShowSetting(input))
      return Promise.resolve({
        shown: `Forecasts count ${counted(ctx.nexus)}; a Sprint is ${count(ctx.nexus.forecast.sprintDays, 'day')}.`,
      });
    return saveSettings(ctx, 'nexus.forecast-changed', (nexus) => {
      const forecast = { ...nexus.forecast, ...input };
      const said = `🔮 <@${ctx.userId}> set forecasts to count ${counted({ ...nexus, forecast })}; a Sprint is ${count(forecast.sprintDays, 'day')}.`;
      return { after: { ...nexus, forecast }, value: forecast, said };
    });
  },
  render: (outcome) =>
    renderSettings(
      outcome,
      usage,
      () => "Working days are the digest's days (`/nexus digest`). `/forecast sprint` uses the Sprint length.",
    ),
});

function counted({ forecast, digest }: Nexus): string {
  return forecast.days === 'working' ? `working days only (${digest.days.join(', ')})` : 'every calendar day';
}
