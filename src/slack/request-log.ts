import { randomUUID } from 'node:crypto';
import type { AnyMiddlewareArgs, Context, Middleware } from '@slack/bolt';
import type { Logger } from '../log';

/**
 * One child logger per Slack request, made before anything else looks at the request: every line it writes (a refused
 * replay, a failed chart upload, the error handler's) carries its `requestId`, so one person's request reads apart
 * from everyone else's. The id is made here: nothing of the request (its signature, the context's tokens) is logged.
 */
export function logPerRequest(log: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ context, next }) => {
    requestLog(context, log);
    await next();
  };
}

/** The request's own logger; a request no middleware saw (Bolt refused to authorise it) gets one here. */
export function requestLog(context: Context, log: Logger): Logger {
  context.requestLog ??= log.child({ requestId: randomUUID() });
  return context.requestLog as Logger;
}
