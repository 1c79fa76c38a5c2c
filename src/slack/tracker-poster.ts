import type { TrackerNews } from '../domain/tracker';
import type { Logger } from '../log';
import { renderTrackerMoves, renderUnmapped } from '../render/tracker-news';
import type { Store } from '../store';
import type { AnnouncementProgress } from '../trackers/announcer';
import { postInChannel } from './message';
import { slackErrorCode } from './slack-errors';
import type { WorkspaceClients } from './workspace-client';

/**
 * Slack's answers to a private notice that no retry can change: the member left the channel (or Slack), or the
 * channel is gone. That member is skipped; the others and the channel message are not tried again for it.
 */
const NEVER_DELIVERABLE = new Set([
  'user_not_in_channel',
  'user_not_found',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'account_inactive',
]);

/**
 * Tracker moves go to the Nexus channel in one message; statuses without a stage go to each NIT member alone. Each
 * part is recorded as told when it is posted, so a failed private notice retries only the members still owed it.
 */
export function slackTrackerPoster(clients: WorkspaceClients, store: Store, log: Logger) {
  return async (nexusId: string, news: TrackerNews, progress?: AnnouncementProgress): Promise<void> => {
    const nexus = await store.nexuses.get(nexusId);
    if (!nexus) return;
    const client = await clients.forWorkspace(nexus.workspaceId);
    if (news.moves.length)
      await postInChannel(client, nexus.channelId, renderTrackerMoves(news.moves), () => progress?.channelTold());
    if (!news.unmapped.length) return;
    const reply = renderUnmapped(news.unmapped);
    let owed: unknown = null;
    for (const user of nexus.nit.filter((u) => !progress?.nitTold.has(u))) {
      try {
        await client.chat.postEphemeral({ channel: nexus.channelId, user, text: reply.text, blocks: reply.blocks });
      } catch (error) {
        const code = slackErrorCode(error);
        if (!code || !NEVER_DELIVERABLE.has(code)) {
          owed = error; // tried again later, for this member only
          continue;
        }
        log.warn(
          { nexus: nexusId, user, error: code },
          'a NIT member cannot be told of tracker statuses without a stage; skipped',
        );
      }
      await progress?.nitMemberTold(user);
    }
    if (owed) throw owed;
  };
}
