import { backlogOrder } from '../../domain/backlog';
import type { CalendarDate } from '../../domain/calendar';
import type { Pbi } from '../../domain/pbi';
import { renderBacklog } from '../../render/backlog';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { today } from '../flow-view';
import { wholeNumber } from '../numbers';

/** PBIs listed unless told: a screenful. */
const DEFAULT_TOP = 30;
/** The most one message lists: Slack's 50 blocks hold about this many lines. */
const MOST_TOP = 200;

export const flowBacklog = defineCommand<{ top: number }, { ordered: Pbi[]; top: number; today: CalendarDate }>({
  path: ['flow', 'backlog'],
  usage: '/flow backlog [--top <n>]',
  summary: `the open PBIs in the Product Backlog's order (the first ${DEFAULT_TOP} unless --top), with their teams and stage`,
  scope: 'nexus',
  nitOnly: false,
  parse(words, raw) {
    const parsed = parseFlags(words, ['top'], raw);
    if (isInvalid(parsed)) return parsed;
    if (parsed.positional.length) return invalid('`/flow backlog` takes only `--top <n>`.');
    if (parsed.flags.top === undefined) return { top: DEFAULT_TOP };
    const top = wholeNumber(parsed.flags.top, 1, MOST_TOP);
    return top === null ? invalid(`\`--top\` is a whole number from 1 to ${MOST_TOP}.`) : { top };
  },
  async execute({ top }, ctx) {
    const ordered = [...(await ctx.store.pbis.listOpen(ctx.nexus.id))].sort(backlogOrder);
    return { ordered, top, today: today(ctx) };
  },
  render: ({ ordered, top, today }, { nexus }) => renderBacklog(nexus, ordered, top, today),
});
