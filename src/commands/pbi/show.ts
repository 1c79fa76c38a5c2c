import type { DateTime } from 'luxon';
import { type CalendarDate, localDate } from '../../domain/calendar';
import type { PbiEvent } from '../../domain/events';
import { cycleTime } from '../../domain/flow-metrics';
import type { Pbi } from '../../domain/pbi';
import { classOf, isExpedite } from '../../domain/service-class';
import { sameName } from '../../domain/workflow';
import { rankPlaceText } from '../../render/backlog';
import {
  type Block,
  bold,
  code,
  context,
  escape,
  fields,
  HEADER_TEXT,
  header,
  lineSections,
  link,
  section,
  textSections,
} from '../../render/blocks';
import { ageText, linkText, SQUARE_GLYPH, squareLabel } from '../../render/pbi';
import { pbiButtons } from '../../render/pbi-buttons';
import { classLimits, refuse } from '../../render/problems';
import { ephemeral } from '../../render/reply';
import { describeSle } from '../../render/sle';
import { formatDate, inStage } from '../../render/words';
import type { UnknownPbi } from '../../store/pbi-repository';
import { defineCommand, invalid, isInvalid } from '../command';
import { type FlowView, loadFlowView } from '../flow-view';
import { parseKey } from './change';

/** `dependencies`: the PBIs it depends on, as they are now (null: no such PBI any more) */
type Outcome = { pbi: Pbi; history: PbiEvent[]; view: FlowView; dependencies: (Pbi | null)[] } | UnknownPbi;
const usage = '/pbi show <key>';
/** The newest events the card lists; the rest stay in the history. */
const HISTORY_SHOWN = 15;
/** The newest links the card lists (each may be a long address): all are in the history. */
const LINKS_SHOWN = 10;

export const pbiShow = defineCommand<{ key: string }, Outcome>({
  path: ['pbi', 'show'],
  usage,
  summary: 'a PBI: stage, age against the SLE, team squares, history',
  scope: 'nexus',
  nitOnly: false,
  parse(words) {
    const key = parseKey(words[0]);
    if (isInvalid(key)) return key;
    if (words.length > 1) return invalid('`/pbi show` takes only the key.');
    return { key };
  },
  async execute({ key }, ctx) {
    const pbi = await ctx.store.pbis.get(ctx.nexus.id, key);
    if (!pbi) return { problem: 'unknown-pbi', key };
    const [history, view, dependencies] = await Promise.all([
      ctx.store.pbis.history(ctx.nexus.id, pbi.key),
      loadFlowView(ctx),
      Promise.all(pbi.dependsOn.map((k) => ctx.store.pbis.get(ctx.nexus.id, k))),
    ]);
    return { pbi, history, view, dependencies };
  },
  render(outcome) {
    if ('problem' in outcome) return refuse(outcome, usage);
    const { pbi, history, view, dependencies } = outcome;
    const zone = view.nexus.timeZone;
    const dayOf = (at: DateTime) => formatDate(localDate(at, zone), view.today);
    const lines = history
      .slice(-HISTORY_SHOWN)
      .map((e) => `${dayOf(e.at)} ${e.at.setZone(zone).toFormat('HH:mm')}  ${describeEvent(e, view.today)}`);
    const heading = `${pbi.key} · ${pbi.title}`;
    const text = `${escape(pbi.key)} ${escape(clipTitle(pbi.title))}: ${pbi.stage}`;
    return ephemeral(text, [
      header(heading),
      // a tracker's title may be far longer than a header shows: then it is given whole below
      ...(heading.length > HEADER_TEXT ? textSections(`${bold('Title')} ${escape(pbi.title)}`) : []),
      section(
        `${bold('Stage')} ${code(pbi.stage)} · ${bold('Class')} ${classOfService(pbi, view)}${pbi.url ? ` · ${link('open in tracker', pbi.url)}` : ''}`,
      ),
      fields(
        `${bold('Flow')}\n${flowState(pbi, view)}`,
        `${bold('Teams')}\n${pbi.squares.map((s) => `${SQUARE_GLYPH[s.state]} ${escape(s.team)} ${squareLabel(s.state)}`).join('\n') || 'none named'}`,
      ),
      ...(pbi.blocked
        ? [section(`⛔ ${bold('Blocked')} since ${dayOf(pbi.blocked.at)}: ${escape(pbi.blocked.reason)}`)]
        : []),
      ...(pbi.discardedAt ? [section(`🗑 Discarded on ${dayOf(pbi.discardedAt)}`)] : []),
      ...dependsSections(pbi, dependencies, view),
      ...linkSections(pbi, dayOf),
      ...pbiButtons(pbi, view.nexus),
      section(bold(`History${history.length > HISTORY_SHOWN ? ` (last ${HISTORY_SHOWN} of ${history.length})` : ''}`)),
      ...lineSections(lines),
      context(describeSle(view.sleOf(pbi))),
    ]);
  },
});

/**
 * What it depends on, each with where it is ("PBI-7 in `build`", "PBI-3 integrated"), and the open PBIs that depend on
 * it: what it holds up.
 */
function dependsSections(pbi: Pbi, dependencies: (Pbi | null)[], view: FlowView): Block[] {
  const where = (on: Pbi | null, key: string) => {
    if (!on) return `${escape(key)} (no longer in this Nexus)`;
    if (on.discardedAt) return `${escape(on.key)} discarded`;
    if (on.finishedAt) return `${escape(on.key)} ✓ integrated`;
    return `⏳ ${escape(on.key)} ${inStage(on.stage)}`;
  };
  const needs = dependencies.map((on, i) => where(on, pbi.dependsOn[i]));
  const heldUp = view.open.filter((p) => p.dependsOn.some((k) => sameName(k, pbi.key))).map((p) => escape(p.key));
  return [
    ...(needs.length ? [section(`🔗 ${bold('Depends on')} ${needs.join(', ')}`)] : []),
    ...(heldUp.length ? [section(`🔗 ${bold('Needed by')} ${heldUp.join(', ')}`)] : []),
  ];
}

/** Where it was talked about, newest last: each link with its note, who linked it and when. */
function linkSections(pbi: Pbi, dayOf: (at: DateTime) => string): Block[] {
  if (!pbi.links.length) return [];
  const shown = pbi.links.slice(-LINKS_SHOWN);
  const more = pbi.links.length > shown.length ? ` (newest ${shown.length} of ${pbi.links.length})` : '';
  return lineSections([
    `🔗 ${bold('Links')}${more}`,
    ...shown.map((l) => `• ${linkText(l)} · <@${l.actor}> ${dayOf(l.at)}`),
  ]);
}

/** "expedite: shown apart on the board, outside stage WIP limits", "fixed-date, due Wed 1 Apr", its own limits. */
function classOfService(pbi: Pbi, view: FlowView): string {
  const c = classOf(view.nexus.classes, pbi);
  const parts = [code(c.name)];
  if (pbi.dueDate) parts.push(`due ${formatDate(pbi.dueDate, view.today)}`);
  if (isExpedite(pbi)) parts.push("shown apart on the board, outside the stages' WIP limits");
  if (c.sleDays !== null || c.wipLimit !== null) parts.push(`its own ${classLimits(c).replace(/^an? /, '')}`);
  return parts.join(', ');
}

/** The title in the notification text: enough to recognise it; the card shows it whole. */
function clipTitle(title: string): string {
  return title.length <= NOTIFIED_TITLE ? title : `${title.slice(0, NOTIFIED_TITLE - 1)}…`;
}
const NOTIFIED_TITLE = 300;

function flowState(pbi: Pbi, view: FlowView): string {
  const zone = view.nexus.timeZone;
  const dayOf = (at: DateTime) => formatDate(localDate(at, zone), view.today);
  if (!pbi.startedAt) return 'not started';
  const started = `started ${dayOf(pbi.startedAt)}`;
  if (pbi.finishedAt) return `${started}\nfinished ${dayOf(pbi.finishedAt)}\ncycle time ${cycleTime(pbi, zone)}d`;
  if (pbi.discardedAt) return started;
  return `${started}\nage ${ageText(view.ageOf(pbi))}`;
}

function describeEvent(e: PbiEvent, today: CalendarDate): string {
  const who = `<@${e.actor}>`;
  switch (e.type) {
    case 'pbi.added':
      return `${who} added it ${inStage(e.stage)}${e.teams.length ? ` for ${e.teams.map(escape).join(', ')}` : ''}`;
    case 'pbi.moved':
      return `${who} moved it ${code(e.from)} → ${code(e.to)}`;
    case 'square.changed':
      return `${who}: ${escape(e.team)} ${SQUARE_GLYPH[e.from]} → ${SQUARE_GLYPH[e.to]} ${squareLabel(e.to)}`;
    case 'pbi.teams-changed':
      return `${who} changed teams: ${[...e.added.map((t) => `+${t}`), ...e.removed.map((t) => `−${t}`)].map(escape).join(' ')}`;
    case 'pbi.renamed':
      return `${who} renamed it “${escape(e.title)}”`;
    case 'pbi.blocked':
      return `${who} blocked it: ${escape(e.reason)}`;
    case 'pbi.unblocked':
      return `${who} unblocked it`;
    case 'pbi.discarded':
      return `${who} discarded it${e.reason ? `: ${escape(e.reason)}` : ''}`;
    case 'pbi.swarming':
      return `🐝 ${who} is swarming on it`;
    case 'pbi.snoozed':
      return `💤 ${who} snoozed its aging nudges until ${formatDate(e.until, today)}`;
    case 'pbi.ranked':
      return `↕️ ${who} ranked it ${rankPlaceText(e.place)}`;
    case 'pbi.tracker-ordered':
      // a tracker reorders an item of its own; a rank of null: kept where it was (ranked here since, or in place)
      return e.rank ? `↕️ ${who}'s own order placed it` : `↕️ ${who} reordered it; it keeps its place here`;
    case 'pbi.dependency-added':
      return `🔗 ${who} made it depend on ${escape(e.on)}`;
    case 'pbi.dependency-removed':
      return `🔗 ${who} took away its dependency on ${escape(e.on)}`;
    case 'pbi.class-changed':
      return `🏷 ${who} made it ${code(e.serviceClass)}${e.dueDate ? `, due ${formatDate(e.dueDate, today)}` : ''}`;
    case 'pbi.linked':
      return `🔗 ${who} linked it to ${linkText(e)}`;
    case 'pbi.unlinked':
      return `🔗 ${who} took away its link ${escape(e.url)}`;
    default: {
      const unknown: never = e; // written by a newer version of the bot
      return `${who}: ${escape(String((unknown as { type: unknown }).type))}`;
    }
  }
}
