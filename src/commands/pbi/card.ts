import type { CalendarDate } from '../../domain/calendar';
import { boardPbiLink, storedFormsOf } from '../../domain/item-url';
import type { Nexus } from '../../domain/nexus';
import type { Pbi } from '../../domain/pbi';
import type { AgingStatus, Sle } from '../../domain/sle';
import type { CommandContext, NexusContext } from '../command';
import { loadFlowView } from '../flow-view';
import { forecastOpenPbi } from '../forecast/pbi';

/**
 * A PBI as a link to it shows it where it is shared (a Slack unfurl): its Nexus's view of it now, its 85% forecast
 * when it is open and can be dated, and whether its buttons belong there (only in its own Nexus's channel).
 */
export type PbiCard = {
  pbi: Pbi;
  nexus: Nexus;
  today: CalendarDate;
  age: { age: number; status: AgingStatus } | null;
  sle: Sle;
  /** the day it is integrated by at 85%; null when it is done, discarded or cannot be dated */
  likelyBy: CalendarDate | null;
  inItsChannel: boolean;
};

/** Where a link was shared: the channel of a workspace. Another workspace's Nexuses are never looked in. */
type SharedIn = Pick<CommandContext, 'store' | 'now' | 'workspaceId' | 'channelId' | 'publicUrl'>;

/**
 * The cards for the links shared in a channel, by link as shared. In a Nexus's channel only that Nexus's PBIs are
 * found; elsewhere in the workspace, any of its Nexuses'. Links that name no PBI have no card.
 */
export async function loadPbiCards(where: SharedIn, links: readonly string[]): Promise<Map<string, PbiCard>> {
  const { store, workspaceId, channelId } = where;
  const here = await store.nexuses.findByChannel(workspaceId, channelId);
  const nexuses = here ? [here] : await store.nexuses.listInWorkspace(workspaceId);
  const formsOf = new Map(links.map((link) => [link, storedFormsOf(link)]));
  const found = await store.pbis.withUrls(
    nexuses.map((n) => n.id),
    [...new Set([...formsOf.values()].flat())],
  );
  const cards = new Map<string, PbiCard>();
  for (const [link, forms] of formsOf) {
    const match = found.find(({ pbi }) => pbi.url !== null && forms.includes(pbi.url));
    const nexus = match && nexuses.find((n) => n.id === match.nexusId);
    if (match && nexus) cards.set(link, await cardOf({ ...where, userId: 'nexus-flow', nexus }, match.pbi, here));
  }
  for (const link of links.filter((l) => !cards.has(l))) {
    const found = await boardPbi(where, link, nexuses);
    if (found) cards.set(link, await cardOf({ ...where, userId: 'nexus-flow', nexus: found.nexus }, found.pbi, here));
  }
  return cards;
}

/**
 * The PBI a link to the web board's page of it names (`/nexus share`), when the link's Nexus is among those the
 * channel may unfurl (its own in a Nexus channel, else the workspace's) and the link is not revoked.
 */
async function boardPbi(where: SharedIn, link: string, nexuses: readonly Nexus[]) {
  const named = boardPbiLink(link, where.publicUrl);
  const share = named && (await where.store.webShares.find(named.token));
  const nexus = share && nexuses.find((n) => n.id === share.nexusId);
  const pbi = nexus && (await where.store.pbis.get(nexus.id, named.key));
  return pbi && nexus ? { pbi, nexus } : null;
}

async function cardOf(ctx: NexusContext, pbi: Pbi, here: Nexus | null): Promise<PbiCard> {
  const view = await loadFlowView(ctx);
  const open = !pbi.finishedAt && !pbi.discardedAt;
  const forecast = open ? await forecastOpenPbi(ctx, pbi, [85], null) : null;
  return {
    pbi,
    nexus: ctx.nexus,
    today: view.today,
    age: view.ageOf(pbi),
    sle: view.sleOf(pbi),
    likelyBy: forecast && 'answer' in forecast ? (forecast.answer[0]?.date ?? null) : null,
    inItsChannel: here?.id === ctx.nexus.id,
  };
}
