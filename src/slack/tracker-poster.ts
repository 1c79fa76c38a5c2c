import { renderTrackerMoves, renderUnmapped } from '../commands/tracker-news';
import type { TrackerNews } from '../domain/tracker';
import type { Config } from '../config';
import type { Store } from '../store';
import type { Database } from '../store/database';
import { postInChannel } from './message';
import { workspaceClients } from './workspace-client';

/** Tracker moves go to the Nexus channel in one message; statuses without a stage go to each NIT member alone. */
export function slackTrackerPoster(config: Config, db: Database, store: Store) {
  const clientFor = workspaceClients(config, db);
  return async (nexusId: string, news: TrackerNews): Promise<void> => {
    const nexus = await store.nexuses.get(nexusId);
    if (!nexus) return;
    const client = await clientFor(nexus.workspaceId);
    if (news.moves.length) await postInChannel(client, nexus.channelId, renderTrackerMoves(news.moves));
    if (news.unmapped.length) {
      const reply = renderUnmapped(news.unmapped);
      for (const user of nexus.nit) await client.chat.postEphemeral({ channel: nexus.channelId, user, text: reply.text, blocks: reply.blocks });
    }
  };
}
