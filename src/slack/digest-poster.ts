import type { Logger } from '../log';
import type { DigestPoster } from '../schedule/scheduler';
import { postInChannel, uploadChart } from './message';
import type { WorkspaceClients } from './workspace-client';

/** Posts scheduled digests as the bot of the Nexus's workspace, with the details and the aging chart in the thread. */
export function slackDigestPoster(clients: WorkspaceClients, log: Logger): DigestPoster {
  return async (nexus, reply, posted, channel = nexus.channelId) => {
    const client = await clients.forWorkspace(nexus.workspaceId);
    const threadTs = await postInChannel(client, channel, reply, posted);
    // the digest is posted: a failed chart must not make the round post it again
    if (reply.chart)
      await uploadChart(client, channel, reply.chart, { threadTs }).catch((error: unknown) =>
        log.warn({ err: error, nexus: nexus.id }, 'digest chart upload failed'),
      );
  };
}
