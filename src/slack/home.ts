import type { WebClient } from '@slack/web-api';
import { runWords } from '../commands';
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
  const nexuses = await deps.store.nexuses.listInWorkspace(teamId);
  const member = new Set<string>();
  if (nexuses.length) {
    const { channels = [] } = await client.users.conversations({
      user,
      types: 'public_channel,private_channel',
      limit: 1000,
    });
    for (const c of channels) if (c.id) member.add(c.id);
  }
  const mine = nexuses.filter((n) => member.has(n.channelId) || n.nit.includes(user));
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
