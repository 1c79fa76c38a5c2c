import type { CalendarDate } from '../domain/calendar';
import type { SquareState } from '../domain/events';
import { isSnoozed, type Pbi } from '../domain/pbi';
import { EXPEDITE, FIXED_DATE, STANDARD } from '../domain/service-class';
import type { AgingStatus } from '../domain/sle';
import { bold, escape, link } from './blocks';
import { formatDate } from './words';

export const SQUARE_GLYPH: Record<SquareState, string> = { 'not-started': '☐', started: '◐', done: '■' };
const SQUARE_LABEL: Record<SquareState, string> = { 'not-started': 'not started', started: 'started', done: 'done' };
const STATUS_MARK: Record<AgingStatus, string> = { 'on-track': '', 'at-risk': ' 🟡 at risk', aging: ' 🔴 past SLE' };

export const squareLabel = (state: SquareState): string => SQUARE_LABEL[state];

/** The team squares of a PBI, e.g. `■ Alpha  ◐ Beta  ☐ Gamma`. */
export function squares(pbi: Pbi): string {
  return pbi.squares.map((s) => `${SQUARE_GLYPH[s.state]} ${escape(s.team)}`).join('  ');
}

export function ageText(age: { age: number; status: AgingStatus } | null): string {
  return age ? `${age.age}d${STATUS_MARK[age.status]}` : '';
}

/** " · 💤 snoozed until Sat 7 Mar" for a PBI left out of the digest's aging nudges today; nothing otherwise. */
export function snoozeMark(pbi: Pbi, today: CalendarDate): string {
  return isSnoozed(pbi, today) ? ` · 💤 snoozed until ${formatDate(pbi.snoozedUntil!, today)}` : '';
}

/**
 * A PBI's class of service as lists mark it: "⚡ expedite", "📅 due Fri 15 Jan", "🏷 intangible"; nothing for
 * standard, every PBI's class until given another. Without `today` a due date is given with its year.
 */
export function classMark(pbi: Pick<Pbi, 'serviceClass' | 'dueDate'>, today?: CalendarDate): string {
  if (pbi.serviceClass === STANDARD) return '';
  if (pbi.serviceClass === EXPEDITE) return '⚡ expedite';
  if (pbi.serviceClass === FIXED_DATE && pbi.dueDate) return `📅 due ${formatDate(pbi.dueDate, today ?? '')}`;
  return `🏷 ${escape(pbi.serviceClass)}`;
}

/**
 * One line per PBI on boards and lists: key, linked title, class of service, squares, age against the SLE, blocked
 * reason, and what it depends on: `waiting`, its dependencies not integrated yet, where the list knows them; otherwise
 * all of them. `today` dates a fixed-date PBI's due date as replies do (without it, with its year).
 */
export function pbiLine(
  pbi: Pbi,
  age: { age: number; status: AgingStatus } | null,
  waiting?: readonly string[],
  today?: CalendarDate,
): string {
  const parts = [`${bold(escape(pbi.key))} ${link(pbi.title, pbi.url)}`];
  const serviceClass = classMark(pbi, today);
  if (serviceClass) parts.push(serviceClass);
  if (pbi.squares.length) parts.push(squares(pbi));
  const ageLabel = ageText(age);
  if (ageLabel) parts.push(ageLabel);
  if (pbi.blocked) parts.push(`⛔ ${escape(pbi.blocked.reason)}`);
  const depends = dependsMark(pbi, waiting);
  if (depends) parts.push(depends);
  return parts.join(' · ');
}

/** "⏳ waits on PBI-7" (dependencies not integrated yet), or where that isn't known "🔗 depends on PBI-7"; or nothing. */
export function dependsMark(pbi: Pick<Pbi, 'dependsOn'>, waiting?: readonly string[]): string {
  if (waiting) return waiting.length ? `⏳ waits on ${waiting.map(escape).join(', ')}` : '';
  return pbi.dependsOn.length ? `🔗 depends on ${pbi.dependsOn.map(escape).join(', ')}` : '';
}

/** Characters of a link's note a compact mark shows; `/pbi show` shows it whole. */
const NOTE_SHOWN = 80;

/** "🔗 2 links · newest: <url|note>" for a PBI linked to conversations; nothing for one with none. */
export function linksMark(pbi: Pick<Pbi, 'links'>): string {
  const newest = pbi.links.at(-1);
  if (!newest) return '';
  const count = pbi.links.length === 1 ? '1 link' : `${pbi.links.length} links`;
  return `🔗 ${count} · newest: ${linkText(newest, NOTE_SHOWN)}`;
}

/** A link as mrkdwn: its note (cut to `max` characters) or, without one, its URL. */
export function linkText(l: { url: string; title: string }, max = Number.POSITIVE_INFINITY): string {
  const chars = [...(l.title || l.url)];
  return link(chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join(''), l.url);
}
