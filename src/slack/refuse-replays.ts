import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { BufferedIncomingMessage } from '@slack/bolt/dist/receivers/BufferedIncomingMessage';
import { DateTime } from 'luxon';
import type { SlackDeps } from './deps';

/**
 * Bolt takes a signed request for 5 minutes after its timestamp; a signature is remembered a minute longer, for clock
 * skew between replicas. Judged by the real clock, as Bolt judges the timestamp.
 */
const REMEMBER_MINUTES = 6;

/** What the HTTP receiver hands the middleware: the request's signature (none in Socket Mode). */
export function signatureOf(request: BufferedIncomingMessage): { slackSignature: string | null } {
  const signature = request.headers['x-slack-signature'];
  return { slackSignature: typeof signature === 'string' ? signature : null };
}

/**
 * The same signed request sent again (by anyone who saw it) is acknowledged and does nothing: every signature is
 * claimed in the database first, so a replay is refused on every replica. Slack itself never resends a command.
 */
export function refuseReplays(deps: SlackDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const signature = (args.context as { slackSignature?: unknown }).slackSignature;
    const now = DateTime.utc();
    if (typeof signature !== 'string' || (await deps.store.seenRequests.claim(`slack:${signature}`, now, now.plus({ minutes: REMEMBER_MINUTES })))) {
      await args.next();
      return;
    }
    deps.log.warn({ type: (args.body as { type?: string }).type ?? 'command' }, 'a replayed Slack request was refused');
    if ('command' in args) await args.ack({ response_type: 'ephemeral', text: 'This exact request was already received; nothing was done again.' });
    else if ('ack' in args && args.ack) await (args.ack as () => Promise<void>)();
  };
}
