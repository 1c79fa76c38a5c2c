import { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Database } from '../store/database';
import { prismaInstallationStore } from '../store/installation-store';
import { sealedBox } from '../store/sealed-box';

/**
 * A Web API client with the bot token of a workspace, for posts no request started (digests, tracker moves): the one
 * SLACK_BOT_TOKEN, or, installed through OAuth, the workspace's stored token or its Enterprise Grid organisation's.
 */
export function workspaceClients(config: Config, db: Database): (workspaceId: string) => Promise<WebClient> {
  // a few quick retries: these posts run in the background and in shutdown, where Slack's default half hour is too long
  const options = { slackApiUrl: config.SLACK_API_URL, retryConfig: { retries: 2, factor: 2, minTimeout: 500 } };
  const single = config.SLACK_BOT_TOKEN ? new WebClient(config.SLACK_BOT_TOKEN, options) : null;
  const installs = config.SLACK_TOKEN_KEY
    ? prismaInstallationStore(db, sealedBox(Buffer.from(config.SLACK_TOKEN_KEY, 'base64')))
    : null;
  return async (workspaceId) => {
    if (single) return single;
    const installation = await installs!.fetchForWorkspace(workspaceId);
    // an org-wide token serves every workspace of the organisation: say which one each call is for
    return new WebClient(installation.bot?.token, {
      ...options,
      ...(installation.isEnterpriseInstall ? { teamId: workspaceId } : {}),
    });
  };
}
