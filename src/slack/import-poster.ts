import { fallbackText } from '../render/blocks';
import type { Store } from '../store';
import type { ImportPoster } from '../trackers/import-worker';
import { postInChannel } from './message';
import type { WorkspaceClients } from './workspace-client';

/**
 * An import's messages in its Nexus channel: the first starts the thread, the rest go in it; the last (the summary)
 * is also shown in the channel.
 */
export function slackImportPoster(clients: WorkspaceClients, store: Store): ImportPoster {
  return async (nexusId, reply, thread) => {
    const nexus = await store.nexuses.get(nexusId);
    if (!nexus) return null;
    const client = await clients.forWorkspace(nexus.workspaceId);
    if (!thread) return postInChannel(client, nexus.channelId, reply);
    const posted = await client.chat.postMessage({
      channel: nexus.channelId,
      thread_ts: thread.ts,
      reply_broadcast: thread.broadcast ?? false,
      text: fallbackText(reply.text),
      blocks: reply.blocks,
    });
    return posted.ts ?? null;
  };
}
