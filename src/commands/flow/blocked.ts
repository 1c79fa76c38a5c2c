import type { DateTime } from 'luxon';
import {
  type BlockSpan,
  blockedDays,
  blockedInWindow,
  blockedPerWeek,
  type DateWindow,
  groupReasons,
} from '../../domain/blocked-time';
import { type CalendarDate, localDate } from '../../domain/calendar';
import { windowEnding } from '../../domain/flow-metrics';
import { oldestFirst, type Pbi } from '../../domain/pbi';
import { bold, code, context, escape, header, lineSections, section } from '../../render/blocks';
import { ephemeral } from '../../render/reply';
import { count, formatDate } from '../../render/words';
import { defineCommand } from '../command';
import { startOfDay, today } from '../flow-view';
import { noInput } from './no-input';

/** PBIs and reason groups the reply names; the rest are counted. */
const LISTED = 10;
const LISTED_REASONS = 5;

type Outcome = {
  spans: readonly BlockSpan[];
  /** open PBIs blocked now, oldest first */
  blockedNow: Pbi[];
  window: DateWindow;
  now: DateTime;
};

export const flowBlocked = defineCommand<Record<string, never>, Outcome>({
  path: ['flow', 'blocked'],
  usage: '/flow blocked',
  summary:
    'PBIs blocked now and in the SLE window, with their days blocked, the reasons grouped by similar text and ' +
    'blocked days per week',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  async execute(_input, ctx) {
    const { nexus, store } = ctx;
    const window = windowEnding(today(ctx), nexus.sle.historyDays);
    const [spans, open] = await Promise.all([
      store.pbis.blocksSince(nexus.id, startOfDay(nexus, window.from)),
      store.pbis.listOpen(nexus.id),
    ]);
    const blockedNow = open.filter((p) => p.blocked).sort(oldestFirst);
    return { spans, blockedNow, window, now: ctx.now() };
  },
  render({ spans, blockedNow, window, now }, { nexus }) {
    const zone = nexus.timeZone;
    const day = window.to;
    const inWindow = blockedInWindow(spans, now, zone, window);
    const total = inWindow.reduce((n, p) => n + p.days, 0);
    const title = `${nexus.name} · blocked work`;
    const since = `since ${formatDate(window.from, day)} (the last ${nexus.sle.historyDays} days)`;
    const summary = `${blockedNow.length} blocked now; ${count(inWindow.length, 'PBI')} blocked ${since}, ${count(total, 'blocked day')}.`;
    const nowLines = blockedNow.slice(0, LISTED).map((p) => nowLine(p, spans, now, zone, day));
    const pastLines = inWindow
      .slice(0, LISTED)
      .map(
        (p) =>
          `• ${bold(escape(p.key))} · ${count(p.days, 'day')} · ${p.reasons.map((r) => `⛔ ${escape(r)}`).join(', ')}`,
      );
    const reasons = groupReasons(spans, now, zone, window)
      .slice(0, LISTED_REASONS)
      .map(
        (g) =>
          `• ${escape(g.reason)} — ${count(g.count, 'block')}, ${count(g.days, 'day')} (${g.keys.slice(0, 5).map(escape).join(', ')}${g.keys.length > 5 ? ', …' : ''})`,
      );
    const weeks = blockedPerWeek(spans, now, zone, window).map(
      (w) =>
        `${code(`week of ${formatDate(w.weekOf, day)}`)}  ${count(w.blockedDays, 'blocked day')}, ${w.newlyBlocked} newly blocked`,
    );
    return ephemeral(`${escape(title)}: ${summary}`, [
      header(title),
      section(summary),
      ...(nowLines.length ? lineSections([bold('Blocked now'), ...nowLines, ...moreOf(blockedNow.length)], 2) : []),
      ...(pastLines.length
        ? lineSections([bold('Most days blocked'), ...pastLines, ...moreOf(inWindow.length)], 2)
        : [section(`_Nothing was blocked ${since}._`)]),
      ...(reasons.length ? [section(`${bold('Reasons, similar ones together')}\n${reasons.join('\n')}`)] : []),
      section(`${bold('Per week')}\n${weeks.join('\n')}`),
      context(
        'A blocked day is a calendar day on which the PBI was blocked at any moment; only days of the window count. ' +
          '`/pbi block <key> <reason>` and `/pbi unblock <key>` record them.',
      ),
    ]);
  },
});

/** "• PBI-14 New · ⛔ waiting for legal · 3 days, since Mon 2 Mar". */
function nowLine(pbi: Pbi, spans: readonly BlockSpan[], now: DateTime, zone: string, day: CalendarDate): string {
  const open = spans.filter((s) => s.key === pbi.key && s.until === null);
  const from = open[0]?.from ?? pbi.blocked!.at;
  const days = blockedDays([{ from, until: null }], now, zone);
  return (
    `• ${bold(escape(pbi.key))} ${escape(pbi.title.slice(0, 80))} · ⛔ ${escape(pbi.blocked!.reason)} · ` +
    `${count(days, 'day')}, since ${formatDate(localDate(from, zone), day)}`
  );
}

function moreOf(total: number): string[] {
  return total > LISTED ? [`_…and ${total - LISTED} more_`] : [];
}
