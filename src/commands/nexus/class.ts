import { addClass, isClassProblem, removeClass } from '../../domain/service-class';
import { renderSettings } from '../../render/settings';
import { defineCommand, invalid, isInvalid, isShowSetting, SHOW_SETTING, type ShowSetting } from '../command';
import { parseFlags } from '../flags';
import { parseWipLimit, wholeNumber } from '../numbers';
import { type SettingsOutcome, saveSettings, showSetting } from './change';

type Input =
  | { action: 'add'; name: string; sleDays: number | null; wipLimit: number | null }
  | { action: 'remove'; name: string };

const usage = '/nexus class add <name> [--sle <days>] [--wip <n>]  |  /nexus class remove <name>';
/** A class's SLE in days: the Nexus's own SLE takes 1 to 365 (`/nexus sle`). */
const MAX_SLE_DAYS = 365;

export const nexusClass = defineCommand<Input | ShowSetting, SettingsOutcome>({
  path: ['nexus', 'class'],
  usage,
  summary:
    'add a class of service of the Nexus, or give a class its own SLE (days) and WIP limit; remove one no open PBI has; alone, lists the classes',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return SHOW_SETTING;
    const parsed = parseFlags(words, ['sle', 'wip']);
    if (isInvalid(parsed)) return parsed;
    const [action, name, ...rest] = parsed.positional;
    const { sle, wip } = parsed.flags;
    if (action !== 'add' && action !== 'remove') return invalid('Say `add` or `remove`, then the class.');
    if (!name) return invalid(`Which class to ${action}? Like \`/nexus class ${action} integration-risk\`.`);
    if (rest.length) return invalid('A class name has no spaces: use `-`, like `integration-risk`.');
    if (action === 'remove') {
      if (sle !== undefined || wip !== undefined) return invalid('`--sle` and `--wip` go with `/nexus class add`.');
      return { action, name };
    }
    const sleDays = sle === undefined ? null : wholeNumber(sle.replace(/d(ays?)?$/, ''), 1, MAX_SLE_DAYS);
    if (sleDays === null && sle !== undefined)
      return invalid(`\`--sle\` is the class's SLE in days, a whole number from 1 to ${MAX_SLE_DAYS}.`);
    const wipLimit = wip === undefined ? null : parseWipLimit(wip);
    if (isInvalid(wipLimit)) return wipLimit;
    return { action, name, sleDays, wipLimit };
  },
  execute(input, ctx) {
    if (isShowSetting(input)) return showSetting('classes', ctx);
    // a class that open PBIs still have is refused by the store, in the same turn as the removal
    return saveSettings(ctx, 'nexus.classes-changed', (nexus) => {
      if (input.action === 'remove') {
        const next = removeClass(nexus.classes, input.name);
        if (isClassProblem(next)) return next;
        return {
          after: { ...nexus, classes: next.classes },
          value: next.classes,
          changed: {
            setting: 'class',
            action: 'remove',
            serviceClass: { name: next.removed, sleDays: null, wipLimit: null },
          },
        };
      }
      const next = addClass(nexus.classes, { name: input.name, sleDays: input.sleDays, wipLimit: input.wipLimit });
      if (isClassProblem(next)) return next;
      return {
        after: { ...nexus, classes: next.classes },
        value: next.classes,
        changed: { setting: 'class', action: next.added ? 'add' : 'set', serviceClass: next.serviceClass },
      };
    });
  },
  render: (outcome) => renderSettings(outcome, usage),
});
