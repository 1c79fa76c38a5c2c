import { App, type Logger as BoltLogger, type CustomRoute, ErrorCode, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App';
import type { Config } from '../config';
import { NOT_INSTALLED } from '../domain/expected-failure';
import type { Logger } from '../log';
import { apology } from '../render/apology';
import type { Installations } from '../store/installation-store';
import { registerActions } from './actions';
import { noteArrival } from './asked-at';
import { registerCommands } from './commands';
import type { SlackDeps } from './deps';
import { registerEvents } from './events';
import { refuseReplays, signatureOf } from './refuse-replays';
import { logPerRequest, requestLog } from './request-log';
import { registerShortcuts } from './shortcuts';
import { registerViews } from './views';

/** The bot scopes the app asks for; the manifest lists the same. */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'files:write',
  'files:read',
  'channels:read',
  'groups:read',
  'links:read',
  'links:write',
  'reactions:read',
];

export type SlackAppOptions = {
  config: Config;
  /** the workspaces' tokens when installed through OAuth: the installations of `workspaceClients` */
  installations: Installations | null;
  deps: SlackDeps;
  /** from auth.test at start, for a single-workspace install */
  bot?: { botId: string; botUserId: string };
  /** answer HTTP only after the listener finished: deterministic tests; in production acks go out at once */
  processBeforeResponse?: boolean;
  customRoutes?: CustomRoute[];
};

/**
 * The Bolt app: HTTP (POST /slack/events) with the signing secret, or Socket Mode with an app token; one workspace
 * with a bot token, or many through OAuth (/slack/install) with tokens kept encrypted in the database.
 */
export function createSlackApp({
  config,
  installations,
  deps,
  bot,
  processBeforeResponse = false,
  customRoutes = [],
}: SlackAppOptions): App {
  const oauth = config.SLACK_CLIENT_ID
    ? {
        clientId: config.SLACK_CLIENT_ID,
        clientSecret: config.SLACK_CLIENT_SECRET,
        stateSecret: config.SLACK_STATE_SECRET,
        scopes: BOT_SCOPES,
        installationStore: installations!,
        installerOptions: { directInstall: true, clientOptions: { slackApiUrl: config.SLACK_API_URL } },
      }
    : { token: config.SLACK_BOT_TOKEN, botId: bot?.botId, botUserId: bot?.botUserId };
  const logger = boltLogger(deps.log);
  const clientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    ...(config.SLACK_API_URL ? { retryConfig: { retries: 0 } } : {}),
  };
  const app = new App({
    ...(config.SLACK_APP_TOKEN
      ? { ...oauth, socketMode: true, appToken: config.SLACK_APP_TOKEN, customRoutes }
      : httpOnly(oauth, { config, processBeforeResponse, customRoutes, logger, clientOptions })),
    processBeforeResponse,
    extendedErrorHandler: true,
    logger,
    clientOptions,
  });
  app.use(noteArrival(deps.now));
  app.use(logPerRequest(deps.log));
  app.use(refuseReplays(deps));
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  registerShortcuts(app, deps);
  app.error(async ({ error, body, context }: ExtendedErrorHandlerArgs) => {
    // one place for failures: logged with what Slack sent, and a plain apology to the person instead of silence
    const request = body as { response_url?: string; command?: string; type?: string; trigger_id?: string };
    requestLog(context, deps.log).error(
      { err: error, command: request.command, type: request.type, trigger: request.trigger_id },
      'Slack listener failed',
    );
    if (request.response_url) {
      await fetch(request.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'ephemeral',
          replace_original: false,
          text: apology(failureCode(error)),
        }),
      }).catch(() => undefined);
    }
  });
  return app;
}

/**
 * Over HTTP the receiver is made here rather than by Bolt, so that it hands each request's signature to the middleware
 * that refuses replays; the OAuth settings go to it (it serves /slack/install), the bot token to the app.
 */
function httpOnly(
  oauth: Record<string, unknown>,
  opts: {
    config: Config;
    processBeforeResponse: boolean;
    customRoutes: CustomRoute[];
    logger: BoltLogger;
    clientOptions: object;
  },
) {
  type Installer = { clientId?: string; token?: string; botId?: string; botUserId?: string; installerOptions?: object };
  const { token, botId, botUserId, installerOptions, ...installer } = oauth as Installer;
  const receiver = new HTTPReceiver({
    signingSecret: opts.config.SLACK_SIGNING_SECRET ?? '',
    processBeforeResponse: opts.processBeforeResponse,
    customRoutes: opts.customRoutes,
    logger: opts.logger,
    ...installer,
    // as Bolt's own receiver gets them: the installer's Web API calls go where the app's do
    installerOptions: installer.clientId ? { clientOptions: opts.clientOptions, ...installerOptions } : undefined,
    customPropertiesExtractor: signatureOf,
  });
  return { receiver, token, botId, botUserId };
}

/** Bolt's own messages (rejected signatures, retries) go to the app's JSON log, not to the console. */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      child[level](msg.map(String).join(' '));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/** The failure's code as render knows it: ours as thrown (ExpectedFailure), Bolt's authorization error as not-installed. */
function failureCode(error: { code?: string }): string | undefined {
  return error.code === ErrorCode.AuthorizationError ? NOT_INSTALLED : error.code;
}
