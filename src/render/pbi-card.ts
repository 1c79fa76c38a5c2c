import type { PbiCard } from '../commands/pbi/card';
import { localDate } from '../domain/calendar';
import { cycleTime } from '../domain/flow-metrics';
import { type Block, bold, context, escape, link, section } from './blocks';
import { ageText, classMark, linksMark, squares } from './pbi';
import { pbiButtons } from './pbi-buttons';
import { describeSle } from './sle';
import { formatDate, inStage } from './words';

/**
 * A PBI as a shared link unfurls: key and title, where it stands (stage, team squares, age against its SLE, blocked
 * reason, its 85% date), its links (how many, the newest), and, in its own Nexus's channel, the card's buttons.
 */
export function pbiCardBlocks(card: PbiCard): Block[] {
  const { pbi, nexus } = card;
  const title = [`${bold(escape(pbi.key))} ${link(pbi.title, pbi.url)}`, classMark(pbi, card.today)].filter(Boolean);
  return [
    section(title.join(' · ')),
    section(standing(card)),
    ...(pbi.blocked ? [section(`⛔ ${bold('Blocked')}: ${escape(pbi.blocked.reason)}`)] : []),
    ...(pbi.links.length ? [context(linksMark(pbi))] : []),
    context(`${escape(nexus.name)} · ${describeSle(card.sle)}`),
    ...(card.inItsChannel ? pbiButtons(pbi, nexus) : []),
  ];
}

/** The unfurl's plain text, for notifications and screen readers. */
export function pbiCardText(card: PbiCard): string {
  return `${card.pbi.key} ${card.pbi.title}: ${card.pbi.stage}`;
}

function standing({ pbi, nexus, today, age, likelyBy }: PbiCard): string {
  const parts = [pbi.discardedAt ? '🗑 discarded' : inStage(pbi.stage)];
  if (pbi.squares.length) parts.push(squares(pbi));
  if (pbi.finishedAt) {
    const on = formatDate(localDate(pbi.finishedAt, nexus.timeZone), today);
    parts.push(`✓ integrated ${on}, cycle time ${cycleTime(pbi, nexus.timeZone)}d`);
  } else if (age) parts.push(`age ${ageText(age)}`);
  if (likelyBy) parts.push(`🔮 85% by ${formatDate(likelyBy, today)}`);
  return parts.join(' · ');
}
