import type { RankPlace } from '../domain/backlog';
import type { CalendarDate } from '../domain/calendar';
import { openKeys, waitingOn } from '../domain/dependencies';
import type { Nexus } from '../domain/nexus';
import type { Pbi } from '../domain/pbi';
import { context, escape, header, lineSections } from './blocks';
import { pbiLine } from './pbi';
import { ephemeral, type Reply } from './reply';
import { count, inStage } from './words';

/** Where a PBI was ranked, as its history says it: "at the top", "before PBI-7". */
export function rankPlaceText(place: RankPlace): string {
  if (place.at === 'top' || place.at === 'bottom') return `at the ${place.at}`;
  return `${place.at} ${escape(place.key)}`;
}

/** `/flow backlog`: the open PBIs in the Product Backlog's order, the first `top` of them, numbered. */
export function renderBacklog(nexus: Nexus, ordered: readonly Pbi[], top: number, today: CalendarDate): Reply {
  const shown = ordered.slice(0, top);
  const open = openKeys(ordered);
  const lines = shown.map(
    (pbi, i) => `${i + 1}. ${pbiLine(pbi, null, waitingOn(pbi, open), today)} · ${inStage(pbi.stage)}`,
  );
  const more = ordered.length - shown.length;
  const summary = `${count(ordered.length, 'open PBI')} in the Product Backlog, in order`;
  return ephemeral(`${escape(nexus.name)} backlog: ${summary}`, [
    header(`${nexus.name} · Product Backlog`),
    context(summary),
    ...(lines.length ? lineSections(lines) : [context('_No open PBIs._ Add one with `/pbi add <title>`.')]),
    ...(more > 0 ? [context(`…and ${more} more below: \`/flow backlog --top ${ordered.length}\`.`)] : []),
    context(
      'Reorder with `/pbi rank <key> top|bottom|before <key>|after <key>`; teams take their squares in this order.',
    ),
  ]);
}
