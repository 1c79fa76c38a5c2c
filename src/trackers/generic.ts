import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { instant } from './parse-time';
import { checkKeyMaterial, header, hmacSha256, sameSecret } from './signature';
import { ACCEPTED, rejected, type Tracker } from './tracker';

/** Standard Webhooks: signatures older or newer than this are refused as replays. */
const TOLERANCE_SECONDS = 5 * 60;
const SECRET_PREFIX = 'whsec_';
/** The fewest key bytes taken: an HMAC key shorter than this is guessable whatever its characters. */
const MIN_KEY_BYTES = 16;

const status = z.union([
  z
    .string()
    .min(1)
    .transform((name) => ({ id: null, name, category: null })),
  z.object({
    id: z.string().nullable().default(null),
    name: z.string().min(1),
    category: z.string().nullable().default(null),
  }),
]);
const payload = z.object({
  id: z.string().min(1),
  item: z.object({
    id: z.string().min(1),
    key: z.string().min(1).optional(),
    title: z.string().optional(),
    url: z.url().optional(),
    createdAt: instant.optional(),
  }),
  from: status.nullable().optional(),
  to: status,
  occurredAt: instant,
  teams: z.array(z.string()).default([]),
});

/**
 * The Standard Webhooks key: the secret's base64 after `whsec_`. Standard base64 is what the spec and its libraries
 * decode; base64url (which earlier versions made) is read too, as Node's decoder takes both alphabets.
 */
function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** Any other tool: our own JSON, signed as Standard Webhooks sign (webhook-id, webhook-timestamp, webhook-signature). */
export const generic: Tracker = {
  kind: 'generic',
  verify(request, secret, now) {
    const id = header(request, 'webhook-id');
    const timestamp = header(request, 'webhook-timestamp');
    const signatures = header(request, 'webhook-signature');
    if (!id || !timestamp || !signatures)
      return rejected('webhook-id, webhook-timestamp and webhook-signature are required');
    const sentAt = Number(timestamp);
    if (!Number.isInteger(sentAt) || Math.abs(now.toSeconds() - sentAt) > TOLERANCE_SECONDS)
      return rejected('webhook-timestamp is more than 5 minutes off');
    const expected = `v1,${hmacSha256(signingKey(secret), `${id}.${timestamp}.${request.raw.toString('utf8')}`, 'base64')}`;
    return signatures.split(' ').some((given) => sameSecret(given, expected))
      ? ACCEPTED
      : rejected('no webhook-signature matches');
  },
  deliveryId: (request) => header(request, 'webhook-id'),
  parse(body) {
    const event = payload.parse(body);
    const key = event.item.key ?? event.item.id;
    return {
      change: {
        item: {
          key,
          title: event.item.title ?? key,
          url: event.item.url ?? null,
          createdAt: event.item.createdAt ?? event.occurredAt,
        },
        from: event.from ?? null,
        to: event.to,
        at: event.occurredAt,
        teamHints: event.teams,
      },
    };
  },
  checkSecret(secret) {
    const bytes = signingKey(secret).length;
    if (bytes < MIN_KEY_BYTES) {
      return rejected(
        `That secret has too little key material: after \`${SECRET_PREFIX}\` its base64 decodes to ${bytes} bytes, and a Standard Webhooks key needs at least ${MIN_KEY_BYTES} random bytes with at least 64 bits of randomness (\`${SECRET_PREFIX}\` and then \`openssl rand -base64 32\`). Leave out --secret and the bot makes one.`,
      );
    }
    return checkKeyMaterial(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  },
  // standard base64 with its padding: base64url left three secrets in four unreadable to Standard Webhooks libraries
  newSecret: () => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`,
  setup:
    'Send `{id, item: {id, key, title, url, createdAt}, from, to, occurredAt, teams}` signed as Standard Webhooks sign (webhook-id, webhook-timestamp, webhook-signature `v1,<base64 HMAC-SHA256>`). `item.key` (else `item.id`) is the PBI key: one word of letters, digits and `-_.#/`, not a number, like `SHOP-42`.',
};

/** Signs a generic delivery as the sender must: for tests, benchmarks and anyone writing a sender. */
export function signGeneric(secret: string, id: string, body: string, at: DateTime): Record<string, string> {
  const timestamp = String(Math.floor(at.toSeconds()));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${hmacSha256(signingKey(secret), `${id}.${timestamp}.${body}`, 'base64')}`,
  };
}
