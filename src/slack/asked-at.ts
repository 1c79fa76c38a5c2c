import type { AnyMiddlewareArgs, Context, Middleware } from '@slack/bolt';
import type { DateTime } from 'luxon';

/**
 * Notes when a request reached this process, before anything waits on the database: a move typed again after no
 * answer came is then told from its late first attempt, however long that waited for its turn (`supersededMove`).
 */
export function noteArrival(now: () => DateTime): Middleware<AnyMiddlewareArgs> {
  return async ({ context, next }) => {
    context.askedAt ??= now();
    await next();
  };
}

/** When the request arrived, as noteArrival saw it. */
export function askedAt(context: Context): DateTime | undefined {
  return context.askedAt as DateTime | undefined;
}
