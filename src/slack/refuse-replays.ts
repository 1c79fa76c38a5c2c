import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { BufferedIncomingMessage } from '@slack/bolt/dist/receivers/BufferedIncomingMessage';
import { DateTime } from 'luxon';
import type { SlackDeps } from './deps';
import { requestLog } from './request-log';

/**
 * Bolt takes a signed request for 5 minutes after its timestamp; a signature is remembered a minute longer, for clock
 * skew between replicas. Judged by the real clock, as Bolt judges the timestamp.
 */
const REMEMBER_MINUTES = 6;

/**
 * Slack wants an answer within 3 s, and Bolt answers 404 after that: a database that is away or slow must not hold
 * the acknowledgement. Past this, the request is acknowledged and fails with the apology, changing nothing.
 */
export const CLAIM_WAIT_MS = 1_500;

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
    const claimed =
      typeof signature !== 'string' ||
      (await claimInTime(
        deps.store.seenRequests.claim(`slack:${signature}`, now, now.plus({ minutes: REMEMBER_MINUTES })),
      ).catch(async (error: unknown) => {
        await acknowledge(args);
        throw error;
      }));
    if (claimed) {
      await args.next();
      return;
    }
    requestLog(args.context, deps.log).warn(
      { type: (args.body as { type?: string }).type ?? 'command' },
      'a replayed Slack request was refused',
    );
    if ('command' in args)
      await args.ack({
        response_type: 'ephemeral',
        text: 'This exact request was already received; nothing was done again.',
      });
    else await acknowledge(args);
  };
}

async function acknowledge(args: AnyMiddlewareArgs): Promise<void> {
  if ('ack' in args && args.ack) await (args.ack as () => Promise<void>)();
}

function claimInTime(claim: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the database did not answer within ${CLAIM_WAIT_MS} ms`)),
      CLAIM_WAIT_MS,
    );
  });
  return Promise.race([claim, late]).finally(() => clearTimeout(timer));
}
