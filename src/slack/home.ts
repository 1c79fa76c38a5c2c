import type { WebClient } from '@slack/web-api';
import { runWords } from '../commands';
import type { Nexus } from '../domain/nexus';
import { renderHome } from '../render/home';
import { commandContext, type SlackDeps } from './deps';

/**
 * Publishes a person's App Home: the Nexuses of this workspace whose channels they are in (or whose NIT they are on),
 * and the board of `wanted` (the one they picked; the view keeps it in private_metadata), else of the first.
 */
export async function publishHome(
  client: WebClient,
  deps: SlackDeps,
  teamId: string,
  user: string,
  wanted: string | undefined,
): Promise<void> {
  const mine = await nexusesSeenBy(client, deps, teamId, user);
  const shown = mine.find((n) => n.channelId === wanted) ?? mine[0] ?? null;
  const board = shown
    ? (await runWords('flow', ['board'], commandContext(deps, { teamId, channelId: shown.channelId, userId: user })))
        .blocks
    : [];
  const blocks = renderHome(mine, shown, board);
  await client.views.publish({
    user_id: user,
    view: { type: 'home', private_metadata: shown?.channelId ?? '', blocks },
  });
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
