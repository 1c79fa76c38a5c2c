import type { AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { BufferedIncomingMessage } from '@slack/bolt/dist/receivers/BufferedIncomingMessage';
import { DateTime } from 'luxon';
import { REPLAY_REFUSED } from '../render/apology';
import type { SlackDeps } from './deps';
import { requestLog } from './request-log';

/**
 * Bolt takes a signed request for 5 minutes after its timestamp; a signature is remembered a minute longer, for clock
 * skew between replicas. Judged by the real clock, as Bolt judges the timestamp.
 */
const REMEMBER_MINUTES = 6;

/**
 * Slack wants an answer within 3 s, and Bolt answers 404 after that: a database that is away or slow must not hold
 * the acknowledgement of a request whose ack carries an answer (a modal's errors). Past this, the request is
 * acknowledged and fails with the apology, changing nothing.
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
    if (typeof signature !== 'string') return args.next();
    const early = acksEmpty(args);
    if (early) await ackNow(args);
    const now = DateTime.utc();
    const claim = deps.store.seenRequests.claim(`slack:${signature}`, now, now.plus({ minutes: REMEMBER_MINUTES }));
    const claimed = early
      ? await claim
      : await claimInTime(claim).catch(async (error: unknown) => {
          await acknowledge(args);
          throw error;
        });
    if (claimed) return args.next();
    requestLog(args.context, deps.log).warn(
      { type: (args.body as { type?: string }).type ?? 'command' },
      'a replayed Slack request was refused',
    );
    const respond = (args as { respond?: RespondFn }).respond;
    if (early && 'command' in args && respond) await respond({ response_type: 'ephemeral', text: REPLAY_REFUSED });
    else if (!early && 'command' in args) await args.ack({ response_type: 'ephemeral', text: REPLAY_REFUSED });
    else if (!early) await acknowledge(args);
  };
}

/**
 * Slash commands and button clicks are acknowledged empty and answered through `respond`, so they are acknowledged
 * before the claim: under load (1,000 digests going out) the claim waited seconds for a database connection, and the
 * acknowledgement with it. Modals and option lists answer in the acknowledgement itself, so they wait for the claim.
 */
function acksEmpty(args: AnyMiddlewareArgs): boolean {
  if ('command' in args) return true;
  return (args.body as { type?: string }).type === 'block_actions';
}

/** Acknowledges now and says so in the request's context, which the listener shares (its arguments are a copy). */
async function ackNow(args: AnyMiddlewareArgs & { context: object }): Promise<void> {
  await acknowledge(args);
  (args.context as { acknowledged?: boolean }).acknowledged = true;
}

/** A listener's acknowledgement: nothing when the request was acknowledged already (Bolt refuses a second one). */
export function ackOnce(ack: () => Promise<void>, context: object): Promise<void> {
  return (context as { acknowledged?: boolean }).acknowledged ? Promise.resolve() : ack();
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
