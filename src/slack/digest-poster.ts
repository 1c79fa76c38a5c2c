import type { Config } from '../config';
import type { Logger } from '../log';
import type { DigestPoster } from '../schedule/scheduler';
import type { Database } from '../store/database';
import { postInChannel, uploadChart } from './message';
import { workspaceClients } from './workspace-client';

/** Posts scheduled digests as the bot of the Nexus's workspace, with the details and the aging chart in the thread. */
export function slackDigestPoster(config: Config, db: Database, log: Logger): DigestPoster {
  const clientFor = workspaceClients(config, db);
  return async (nexus, reply, posted) => {
    const client = await clientFor(nexus.workspaceId);
    const threadTs = await postInChannel(client, nexus.channelId, reply, posted);
    // the digest is posted: a failed chart must not make the round post it again
    if (reply.chart)
      await uploadChart(client, nexus.channelId, reply.chart, { threadTs }).catch((error: unknown) =>
        log.warn({ err: error, nexus: nexus.id }, 'digest chart upload failed'),
      );
  };
}
