import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DateTime } from 'luxon';
import { ZodError } from 'zod';
import { explainKeyFault, pbiKeyFault } from '../domain/pbi-key';
import { isTrackerKind, TRACKER_KINDS } from '../domain/tracker';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Store } from '../store';
import { TRACKERS } from '.';
import { connectionCache } from './connection-cache';
import { groupedReceiver } from './grouped-receiver';
import { type TokenBuckets, tokenBuckets } from './rate-limit';
import { isRejected, jsonOrNull, type Parsed, type WebhookRequest } from './tracker';

export const WEBHOOK_PATH = '/webhooks/:tracker/:nexusId';
/** Larger than any status change a tracker sends; bigger bodies are refused before they are read. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How much one sender or one Nexus may ask of a replica. `refusedPerSender`: refused requests (bad signature, unknown
 * URL, replay…) a second from one address before its requests get 429 unread; `deliveriesPerNexus`: authentic
 * deliveries a second to one Nexus before 429; `trustProxyHops`: load balancers in front that add X-Forwarded-For
 * (0: the connection's own address is the sender's).
 */
export type WebhookLimits = { refusedPerSender: number; deliveriesPerNexus: number; trustProxyHops: number };
export const DEFAULT_WEBHOOK_LIMITS: WebhookLimits = {
  refusedPerSender: 5,
  deliveriesPerNexus: 200,
  trustProxyHops: 0,
};
/** A bucket holds this many seconds of its rate: a burst (a bulk edit in the tracker) passes, a flood does not. */
const BURST_SECONDS = 10;
/** Refusals that count against the sender: what a forger or a scanner gets. A signed body that fails to parse does not. */
const REFUSALS = new Set([401, 404, 405, 409, 413]);

export type WebhookDeps = {
  store: Store;
  now: () => DateTime;
  log: Logger;
  metrics: Metrics;
  limits?: WebhookLimits;
  stored(nexusId: string): void;
};
type Answer = { status: number; body: Record<string, unknown>; retryAfter?: number };

const PATH = /^\/webhooks\/([^/]+)\/([^/]+)\/?$/;

/**
 * POST /webhooks/<tracker>/<nexus-id>: checks the sender's signature over the raw bytes, stores the delivery in the
 * inbox and answers; applying it comes after. A failure to store answers 503, so the sender retries.
 */
export function webhookHandler(deps: WebhookDeps) {
  const limits = deps.limits ?? DEFAULT_WEBHOOK_LIMITS;
  const parts: Parts = {
    connection: connectionCache(deps.store),
    store: groupedReceiver(deps.store),
    senders: tokenBuckets({ perSecond: limits.refusedPerSender, burst: limits.refusedPerSender * BURST_SECONDS }),
    nexuses: tokenBuckets({ perSecond: limits.deliveriesPerNexus, burst: limits.deliveriesPerNexus * BURST_SECONDS }),
    deliveriesPerNexus: limits.deliveriesPerNexus,
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    // the delivery's own logger once it is known to be authentic, so every line it writes carries its id
    const delivery: Delivery = { log: deps.log };
    const sender = senderOf(req, limits.trustProxyHops);
    const wait = parts.senders.waitSeconds(sender);
    // a sender refused again and again is answered unread: no body, no signature, no database
    const answered =
      wait > 0
        ? Promise.resolve({
            ...refuse(req, 429, 'too many refused requests from this address; send again after Retry-After'),
            retryAfter: wait,
          })
        : receive(deps, parts, req, delivery);
    answered
      .catch((error: unknown): Answer => {
        delivery.log.error({ err: error, url: req.url }, 'webhook delivery could not be stored');
        return { status: 503, body: { error: 'the delivery could not be stored now; send it again' } };
      })
      .then(({ status, body, retryAfter }) => {
        if (REFUSALS.has(status)) parts.senders.take(sender);
        // 429s are counted, not logged: a flood would write a line each
        if (status >= 400 && status !== 503 && status !== 429)
          delivery.log.warn({ status, url: req.url, reason: body.error }, 'webhook refused');
        deps.metrics.webhookAnswered(PATH.exec(pathOf(req))?.[1] ?? 'unknown', status);
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(retryAfter ? { 'retry-after': String(retryAfter) } : {}),
        });
        res.end(JSON.stringify(body));
      });
  };
}

/** What a request has learnt of itself: a verified delivery's logger carries its id (`deliveryId`). */
type Delivery = { log: Logger };

type Parts = {
  connection: ReturnType<typeof connectionCache>;
  store: ReturnType<typeof groupedReceiver>;
  senders: TokenBuckets;
  nexuses: TokenBuckets;
  deliveriesPerNexus: number;
};

/** The sender's address: the connection's, or the one the outermost trusted load balancer saw (X-Forwarded-For). */
function senderOf(req: IncomingMessage, trustProxyHops: number): string {
  const own = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops <= 0) return own;
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - trustProxyHops] ?? own;
}

async function receive(deps: WebhookDeps, parts: Parts, req: IncomingMessage, delivery: Delivery): Promise<Answer> {
  const match = PATH.exec(pathOf(req));
  if (!match) return refuse(req, 404, 'the webhook URL is /webhooks/<tracker>/<nexus-id>');
  if (req.method !== 'POST') return refuse(req, 405, 'webhooks are POSTed');
  const [, kind, nexusId] = match;
  if (!isTrackerKind(kind))
    return refuse(req, 404, `"${kind.slice(0, 20)}" is not a tracker; one of ${TRACKER_KINDS.join(', ')}`);
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return refuse(req, 413, 'the body is over 1 MiB');
  const raw = await readBody(req);
  if (!raw) return { status: 413, body: { error: 'the body is over 1 MiB' } };
  const tracker = TRACKERS[kind];
  const request: WebhookRequest = { headers: req.headers, raw };
  let { found, cached } = await parts.connection(nexusId, kind);
  let verdict = found && tracker.verify(request, found.secret, deps.now());
  if (verdict && isRejected(verdict) && cached) {
    ({ found } = await parts.connection(nexusId, kind, true));
    verdict = found && tracker.verify(request, found.secret, deps.now());
  }
  // no verdict without a connection to verify against
  if (!found || !verdict)
    return {
      status: 404,
      body: { error: `no Nexus ${nexusId.slice(0, 40)} with a ${kind} connection; /nexus tracker ${kind} makes one` },
    };
  // a secret taken before weak ones were refused: a forger could guess it, so nothing signed with it counts
  if (isRejected(tracker.checkSecret(found.secret)))
    return {
      status: 401,
      body: {
        error: `this connection's secret has too little key material; a NIT member gives it a new one with /nexus tracker ${kind}`,
      },
    };
  if (isRejected(verdict)) return { status: 401, body: { error: verdict.rejected } };
  // one reading of the bucket decides and says how long to wait: a 429 always carries its Retry-After
  const wait = parts.nexuses.takeOrWait(nexusId);
  if (wait > 0) {
    const error = `more than ${parts.deliveriesPerNexus} deliveries a second for this Nexus; send again after Retry-After`;
    return { status: 429, body: { error }, retryAfter: wait };
  }
  const body = jsonOrNull(raw);
  const bodyDigest = createHash('sha256').update(raw).digest('hex');
  const deliveryId = (body !== null && tracker.deliveryId(request, body)) || bodyDigest;
  delivery.log = deps.log.child({ deliveryId, tracker: kind });
  const at = deps.now();
  // kept for the NIT to inspect (/nexus tracker shows the latest), never applied
  const refuseInvalid = async (reason: string): Promise<Answer> => {
    const kept = { nexusId, kind, deliveryId, bodyDigest, at, body: raw.toString('utf8'), error: reason };
    await deps.store.inbox.keepInvalid(kept);
    return { status: 400, body: { error: `not a ${kind} status change: ${reason}` } };
  };
  let parsed: Parsed;
  try {
    if (body === null) throw new SyntaxError('the body is not JSON');
    parsed = tracker.parse(body, request);
  } catch (error) {
    if (!(error instanceof ZodError || error instanceof SyntaxError)) throw error;
    return refuseInvalid(error instanceof ZodError ? zodReason(error) : error.message);
  }
  if ('ignored' in parsed) return { status: 202, body: { ignored: parsed.ignored } };
  // the one rule for keys: a key no command could name is refused here, where the sender can still change it
  const { key } = parsed.change.item;
  const keyFault = pbiKeyFault(key);
  if (keyFault) {
    const backticks = (text: string) => `\`${text}\``;
    return refuseInvalid(
      `the item's key ${backticks(key.slice(0, 60))} is not a PBI key: ${explainKeyFault(keyFault, backticks)}`,
    );
  }
  const received = await parts.store({ nexusId, kind, deliveryId, bodyDigest, at, change: parsed.change });
  if (received === 'duplicate') return { status: 200, body: { duplicate: true, delivery: deliveryId } };
  if (received === 'replay')
    return {
      status: 409,
      body: { error: 'this signed body was received before under another delivery id: a replay, refused' },
    };
  deps.stored(nexusId);
  return { status: 202, body: { stored: true, delivery: deliveryId } };
}

/** The request's path; a URL no parser accepts has none (and gets 404, not a failure). */
export function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/** Refuses before reading the body: what the sender still sends is drained, not kept. */
function refuse(req: IncomingMessage, status: number, error: string): Answer {
  req.resume();
  return { status, body: { error } };
}

/** The body's bytes; null once it passes the limit (the rest is drained). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function zodReason(error: ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}
