import type { AnyMiddlewareArgs, Context, Middleware } from '@slack/bolt';
import type { DateTime } from 'luxon';

/**
 * Notes when a request reached this process, before anything waits on the database: a command then acts on the PBIs
 * as they were when the person asked (changedSinceAsked), however long it waited for its turn.
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
