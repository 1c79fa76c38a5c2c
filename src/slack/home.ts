import type { WebClient } from '@slack/web-api';
import { runWords } from '../commands';
import type { Nexus } from '../domain/nexus';
import { ownPbis } from '../domain/own-pbis';
import { HOME_TABS, type HomeTab, OWN_SHOWN, renderHome } from '../render/home';
import { commandContext, type SlackDeps } from './deps';

/** What a person's Home shows, kept in the view's private_metadata: which Nexus (its channel) and which tab. */
export type HomeState = { channel?: string; tab: HomeTab };

/** Each tab is a command's answer, as typed in the Nexus channel. */
const TAB_WORDS: Record<HomeTab, [string, string[]]> = {
  board: ['flow', ['board']],
  aging: ['flow', ['aging']],
  forecasts: ['forecast', ['backlog']],
};

/** A tab as a button or the view named it; the board for anything else. */
export const homeTab = (named: unknown): HomeTab => HOME_TABS.find((t) => t === named) ?? 'board';

/** The Home state a view kept (JSON; a view published before tabs kept the channel alone), or the board of none. */
export function homeState(metadata: string | undefined): HomeState {
  if (!metadata) return { tab: 'board' };
  try {
    const kept = JSON.parse(metadata) as { channel?: unknown; tab?: unknown };
    const tab = homeTab(kept.tab);
    return typeof kept.channel === 'string' ? { channel: kept.channel, tab } : { tab };
  } catch {
    return { channel: metadata, tab: 'board' };
  }
}

/**
 * Publishes a person's App Home: the Nexuses of this workspace they may see (their channels, their NITs), and one of
 * them (`wanted`, else the first) on its tab, with the person's own PBIs first.
 */
export async function publishHome(
  client: WebClient,
  deps: SlackDeps,
  teamId: string,
  user: string,
  wanted: HomeState,
): Promise<void> {
  const mine = await nexusesSeenBy(client, deps, teamId, user);
  const shown = mine.find((n) => n.channelId === wanted.channel) ?? mine[0] ?? null;
  const { tab } = wanted;
  const [own, body] = shown
    ? await Promise.all([ownOpenPbis(deps, shown, user), tabBlocks(deps, teamId, shown, user, tab)])
    : [[], []];
  const blocks = renderHome({ nexuses: mine, shown, tab, own, body });
  const state: HomeState = { channel: shown?.channelId, tab };
  await client.views.publish({
    user_id: user,
    view: { type: 'home', private_metadata: JSON.stringify(state), blocks },
  });
}

async function tabBlocks(deps: SlackDeps, teamId: string, nexus: Nexus, user: string, tab: HomeTab) {
  const [group, words] = TAB_WORDS[tab];
  const ctx = commandContext(deps, { teamId, channelId: nexus.channelId, userId: user });
  return (await runWords(group, words, ctx)).blocks;
}

async function ownOpenPbis(deps: SlackDeps, nexus: Nexus, user: string) {
  const [open, touched] = await Promise.all([
    deps.store.pbis.listOpen(nexus.id),
    deps.store.pbis.touchedBy(nexus.id, user, OWN_SHOWN),
  ]);
  return ownPbis(open, touched, user, OWN_SHOWN);
}

/** The Nexuses of the workspace a person may see: those whose channel they are in, or whose NIT they are on. */
export async function nexusesSeenBy(
  client: WebClient,
  deps: SlackDeps,
  teamId: string,
  user: string,
): Promise<Nexus[]> {
  const nexuses = await deps.store.nexuses.listInWorkspace(teamId);
  if (!nexuses.length) return [];
  const { channels = [] } = await client.users.conversations({
    user,
    types: 'public_channel,private_channel',
    limit: 1000,
  });
  const member = new Set(channels.flatMap((c) => (c.id ? [c.id] : [])));
  return nexuses.filter((n) => member.has(n.channelId) || n.nit.includes(user));
}
