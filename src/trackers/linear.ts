import { z } from 'zod';
import { DELETED } from '../domain/tracker';
import { epochMillis, instant } from './parse-time';
import { checkKeyMaterial, header, hmacSha256, randomSecret, sameSecret } from './signature';
import { ACCEPTED, jsonOrNull, rejected, type Tracker } from './tracker';

/** Linear signs the body and puts the send time in it: older than this and it is a replay. */
const MAX_SKEW_MS = 60_000;

const payload = z.object({
  type: z.string(),
  action: z.string(),
  webhookTimestamp: epochMillis,
  updatedFrom: z.looseObject({ stateId: z.string().optional(), sortOrder: z.number().optional() }).optional(),
  data: z.looseObject({
    identifier: z.string().min(1).optional(),
    title: z.string().optional(),
    url: z.url().optional(),
    createdAt: instant.optional(),
    updatedAt: instant.optional(),
    state: z.object({ id: z.string(), name: z.string(), type: z.string().optional() }).optional(),
    team: z.object({ key: z.string() }).optional(),
    labels: z.array(z.object({ name: z.string() })).optional(),
    /** its place in the team's manual order (lower first), as the SDK's `Issue.sortOrder` */
    sortOrder: z.number().optional(),
  }),
});

export const linear: Tracker = {
  kind: 'linear',
  verify(request, secret, now) {
    const given = header(request, 'linear-signature');
    if (!given) return rejected('the linear-signature header is missing');
    if (!sameSecret(given, hmacSha256(secret, request.raw, 'hex')))
      return rejected('the linear-signature does not match');
    const sent = z.object({ webhookTimestamp: z.number() }).safeParse(jsonOrNull(request.raw));
    if (!sent.success) return rejected('webhookTimestamp is missing');
    return Math.abs(now.toMillis() - sent.data.webhookTimestamp) > MAX_SKEW_MS
      ? rejected('webhookTimestamp is more than 60 s off')
      : ACCEPTED;
  },
  deliveryId: (request) => header(request, 'Linear-Delivery'),
  parse(body) {
    const event = payload.parse(body);
    const { data } = event;
    const moved =
      event.type === 'Issue' && event.action === 'update' && event.updatedFrom?.stateId && data.state
        ? { from: event.updatedFrom.stateId, to: data.state }
        : null;
    const removed = event.type === 'Issue' && event.action === 'remove';
    // an issue dragged to another place: no state change, a new sortOrder (updatedFrom holds the old one)
    const before = event.updatedFrom?.sortOrder;
    const reordered =
      event.type === 'Issue' && event.action === 'update' && before !== undefined && before !== data.sortOrder;
    if (!moved && !removed && !reordered) return { ignored: 'no state change' };
    if (!data.identifier || !data.title || !data.createdAt || !data.updatedAt)
      throw new z.ZodError([
        {
          code: 'custom',
          path: ['data'],
          message: 'an issue update needs identifier, title, createdAt and updatedAt',
          input: data,
        },
      ]);
    return {
      change: {
        item: { key: data.identifier, title: data.title, url: data.url ?? null, createdAt: data.createdAt },
        // Linear sends only the old state's id: the mapping may name it by id
        from: moved ? { id: moved.from, name: moved.from, category: null } : null,
        to: moved
          ? { id: moved.to.id, name: moved.to.name, category: moved.to.type ?? null }
          : removed
            ? { id: null, name: 'deleted', category: DELETED }
            : null,
        at: data.updatedAt,
        teamHints: [...(data.team ? [data.team.key] : []), ...(data.labels ?? []).map((l) => l.name)],
        ...(data.sortOrder === undefined || removed ? {} : { order: data.sortOrder }),
      },
    };
  },
  // Linear's secrets start lin_wh_: the prefix adds no randomness
  checkSecret: (secret) => checkKeyMaterial(secret.replace(/^lin_wh_/, '')),
  newSecret: () => randomSecret(),
  setup:
    'Linear settings → API → Webhooks → New webhook: paste the URL, tick *Issues*; Linear shows its own signing secret: give it to the bot with `/nexus tracker linear --secret <secret>`.',
};
