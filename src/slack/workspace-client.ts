import { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Database } from '../store/database';
import { type Installations, installationStore } from '../store/installation-store';
import { sealedBox } from '../store/sealed-box';

export type WorkspaceClients = {
  /** installed through OAuth: the one store of the workspaces' tokens, which the Bolt app also stores into */
  installations: Installations | null;
  /** a Web API client with the bot token of a workspace */
  forWorkspace(workspaceId: string): Promise<WebClient>;
};

/** The longest one background Web API call may wait for Slack's answer. */
const BACKGROUND_CALL_MS = 20_000;

/**
 * Web API clients for posts no request started (digests, tracker moves): the one SLACK_BOT_TOKEN, or, installed
 * through OAuth, the workspace's stored token or its Enterprise Grid organisation's. Made once per process: the Bolt
 * app gets its `installations`.
 */
export function workspaceClients(config: Config, db: Database): WorkspaceClients {
  // a few quick retries: these posts run in the background and in shutdown, where Slack's default half hour is too long;
  // a time limit on each call, as a post holds its claim (digest, tracker notices) for as long as it lasts
  const options = {
    slackApiUrl: config.SLACK_API_URL,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
    timeout: BACKGROUND_CALL_MS,
  };
  const single = config.SLACK_BOT_TOKEN ? new WebClient(config.SLACK_BOT_TOKEN, options) : null;
  const installations = config.SLACK_TOKEN_KEY
    ? installationStore(db, sealedBox(Buffer.from(config.SLACK_TOKEN_KEY, 'base64')))
    : null;
  return {
    installations,
    async forWorkspace(workspaceId) {
      if (single) return single;
      const installation = await installations!.fetchForWorkspace(workspaceId);
      // an org-wide token serves every workspace of the organisation: say which one each call is for
      return new WebClient(installation.bot?.token, {
        ...options,
        ...(installation.isEnterpriseInstall ? { teamId: workspaceId } : {}),
      });
    },
  };
}
