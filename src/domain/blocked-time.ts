import type { DateTime } from 'luxon';
import { addDays, type CalendarDate, localDate, weekStart } from './calendar';

/** One block of a PBI: from `pbi.blocked` to `pbi.unblocked` (`until` null: still blocked), with the reason given. */
export type BlockSpan = { key: string; reason: string; from: DateTime; until: DateTime | null };

/** A window of calendar dates, both ends included. */
export type DateWindow = { from: CalendarDate; to: CalendarDate };

/** A block or unblock of a PBI, in order of occurrence: what blockSpans folds. */
export type BlockEvent = { key: string; type: 'pbi.blocked' | 'pbi.unblocked'; at: DateTime; reason: string | null };

/**
 * The blocks of each PBI from its block and unblock events in order of occurrence. A second block while blocked (a
 * new reason) goes on the same block, which keeps its first reason; an unblock while not blocked changes nothing.
 */
export function blockSpans(events: readonly BlockEvent[]): BlockSpan[] {
  const open = new Map<string, BlockSpan>();
  const spans: BlockSpan[] = [];
  for (const e of events) {
    const current = open.get(e.key);
    if (e.type === 'pbi.blocked' && !current) {
      const span = { key: e.key, reason: e.reason ?? '', from: e.at, until: null };
      open.set(e.key, span);
      spans.push(span);
    } else if (e.type === 'pbi.unblocked' && current) {
      current.until = e.at;
      open.delete(e.key);
    }
  }
  return spans;
}

/**
 * The calendar dates (Nexus zone) on which a block held at any moment: a block from Tue 10:00 to Wed 09:00 is Tue and
 * Wed. A block still in force holds up to `now`; only the dates in `window` count, when one is given.
 */
export function blockedDates(
  blocks: readonly Pick<BlockSpan, 'from' | 'until'>[],
  now: DateTime,
  zone: string,
  window?: DateWindow,
): Set<CalendarDate> {
  const dates = new Set<CalendarDate>();
  for (const { from, until } of blocks) {
    let day = localDate(from, zone);
    let last = localDate(until ?? now, zone);
    if (window) {
      if (day < window.from) day = window.from;
      if (last > window.to) last = window.to;
    }
    for (; day <= last; day = addDays(day, 1)) dates.add(day);
  }
  return dates;
}

/** Blocked days (FLOW.md): how many calendar dates the PBI was blocked at any moment (blockedDates). */
export function blockedDays(
  blocks: readonly Pick<BlockSpan, 'from' | 'until'>[],
  now: DateTime,
  zone: string,
  window?: DateWindow,
): number {
  return blockedDates(blocks, now, zone, window).size;
}

/** A PBI's days blocked in a window, and the reasons of its blocks there. */
export type BlockedPbi = { key: string; days: number; reasons: string[]; blockedNow: boolean };

/** Each PBI blocked at some moment of the window, most days blocked first (then by key). */
export function blockedInWindow(
  spans: readonly BlockSpan[],
  now: DateTime,
  zone: string,
  window: DateWindow,
): BlockedPbi[] {
  const byKey = new Map<string, BlockSpan[]>();
  for (const s of spans) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  return [...byKey]
    .map(([key, blocks]) => {
      const inWindow = blocks.filter((b) => blockedDays([b], now, zone, window) > 0);
      return {
        key,
        days: blockedDays(inWindow, now, zone, window),
        reasons: inWindow.map((b) => b.reason),
        blockedNow: blocks.some((b) => b.until === null),
      };
    })
    .filter((p) => p.days > 0)
    .sort((a, b) => b.days - a.days || a.key.localeCompare(b.key, 'en', { numeric: true }));
}

/** Per ISO week of the window (Monday first): blocked days summed over PBIs, and PBIs whose block began that week. */
export type BlockedWeek = { weekOf: CalendarDate; blockedDays: number; newlyBlocked: number };

export function blockedPerWeek(
  spans: readonly BlockSpan[],
  now: DateTime,
  zone: string,
  window: DateWindow,
): BlockedWeek[] {
  const weeks = new Map<CalendarDate, BlockedWeek>();
  for (let d = weekStart(window.from); d <= window.to; d = addDays(d, 7))
    weeks.set(d, { weekOf: d, blockedDays: 0, newlyBlocked: 0 });
  const byKey = new Map<string, BlockSpan[]>();
  for (const s of spans) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  for (const blocks of byKey.values()) {
    // one PBI blocked twice on one day is one blocked day
    for (const date of blockedDates(blocks, now, zone, window)) weeks.get(weekStart(date))!.blockedDays++;
    for (const b of blocks) {
      const began = localDate(b.from, zone);
      if (began >= window.from && began <= window.to) weeks.get(weekStart(began))!.newlyBlocked++;
    }
  }
  return [...weeks.values()];
}

/** Reasons read as the same: words of 3 letters or more, without the words every reason has. */
const COMMON_WORDS = new Set(['the', 'for', 'and', 'with', 'from', 'waiting', 'wait', 'waits', 'blocked', 'until']);
/** Two reasons are grouped when they share more than this share of the words of the one with fewer. */
export const SIMILAR_REASONS = 0.5;

export type ReasonGroup = { reason: string; count: number; days: number; keys: string[] };

/**
 * Blocks grouped by similar reasons ("waiting for legal" and "Legal review pending?" share "legal", all the words of
 * the first; "design team" and "payments team" only half of theirs), the group named by its most frequent wording; the
 * most blocked days first. Each block counts once, in the first group its words are similar enough to.
 */
export function groupReasons(
  spans: readonly BlockSpan[],
  now: DateTime,
  zone: string,
  window: DateWindow,
): ReasonGroup[] {
  const groups: { words: Set<string>; wordings: Map<string, number>; days: number; keys: string[] }[] = [];
  for (const span of spans) {
    const days = blockedDays([span], now, zone, window);
    if (!days) continue;
    const words = wordsOf(span.reason);
    const group =
      groups.find((g) => similarity(g.words, words) > SIMILAR_REASONS) ??
      groups[groups.push({ words, wordings: new Map(), days: 0, keys: [] }) - 1];
    const wording = span.reason.trim() || '(no reason given)';
    group.wordings.set(wording, (group.wordings.get(wording) ?? 0) + 1);
    group.days += days;
    if (!group.keys.includes(span.key)) group.keys.push(span.key);
  }
  return groups
    .map((g) => ({
      reason: [...g.wordings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0],
      count: [...g.wordings.values()].reduce((n, c) => n + c, 0),
      days: g.days,
      keys: g.keys,
    }))
    .sort((a, b) => b.days - a.days || b.count - a.count || a.reason.localeCompare(b.reason));
}

function wordsOf(reason: string): Set<string> {
  const words = reason
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !COMMON_WORDS.has(w))
    // plural and singular are one word: "approvals" and "approval"
    .map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w));
  return new Set(words);
}

/** The share of the shorter reason's words the other has too (reasons without words are alike). */
function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return a.size === b.size ? 1 : 0;
  const shared = [...a].filter((w) => b.has(w)).length;
  return shared / Math.min(a.size, b.size);
}
