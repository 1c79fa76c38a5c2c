import { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { DigestPoster } from '../schedule/scheduler';
import type { Database } from '../store/database';
import { prismaInstallationStore } from '../store/installation-store';
import { sealedBox } from '../store/sealed-box';
import type { Logger } from '../log';
import { postInChannel, uploadChart } from './message';

/**
 * Posts scheduled digests with the bot token of the Nexus's workspace: the one SLACK_BOT_TOKEN, or, installed through
 * OAuth, the workspace's stored token.
 */
export function slackDigestPoster(config: Config, db: Database, log: Logger): DigestPoster {
  const options = { slackApiUrl: config.SLACK_API_URL };
  const single = config.SLACK_BOT_TOKEN ? new WebClient(config.SLACK_BOT_TOKEN, options) : null;
  const installs = config.SLACK_TOKEN_KEY ? prismaInstallationStore(db.prisma, sealedBox(Buffer.from(config.SLACK_TOKEN_KEY, 'base64'))) : null;
  return async (nexus, reply) => {
    const client = single ?? new WebClient((await installs!.fetchInstallation({ teamId: nexus.workspaceId, enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token, options);
    const threadTs = await postInChannel(client, nexus.channelId, reply);
    // the digest is posted: a failed chart must not make the round post it again
    if (reply.chart) await uploadChart(client, nexus.channelId, reply.chart, { threadTs }).catch((error: unknown) => log.warn({ err: error, nexus: nexus.id }, 'digest chart upload failed'));
  };
}
