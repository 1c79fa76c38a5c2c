import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DELETED, type TrackerChange, withLinks } from '../domain/tracker';
import { issueLinks, jiraLinks } from './jira-links';
import { jiraRank } from './jira-rank';
import { epochMillis, instant } from './parse-time';
import { checkKeyMaterial, header, randomSecret, verifyHubSignature } from './signature';
import type { Parsed, Tracker } from './tracker';

const statusItem = z.object({
  fieldId: z.string().optional(),
  field: z.string(),
  from: z.string().nullable(),
  fromString: z.string().nullable(),
  to: z.string().nullable(),
  toString: z.string().nullable(),
});

const payload = z.object({
  webhookEvent: z.string(),
  timestamp: epochMillis,
  issue: z.object({
    key: z.string().min(1),
    self: z.url(),
    // loose: the Rank field is a custom field whose id differs between sites (jira-rank.ts)
    fields: z.looseObject({
      summary: z.string(),
      created: instant,
      status: z.object({ id: z.string(), statusCategory: z.object({ key: z.string() }).optional() }).optional(),
      labels: z.array(z.string()).default([]),
      components: z.array(z.object({ name: z.string() })).default([]),
      issuelinks: issueLinks,
    }),
  }),
  changelog: z.object({ items: z.array(statusItem) }).optional(),
});

/** The changelog fields of a change to the issue's place in Jira's order, to its links or to its flag. */
const ORDER_LINKS_OR_FLAG = ['rank', 'link', 'flagged'];

/**
 * `flagged` when the changelog changes Jira's Flagged field: "Impediment" when flagged, empty when the flag is taken
 * off. Absent otherwise: the field's id differs between sites, so the issue's own fields can't say it.
 */
function withFlag(items: readonly { field: string; toString: string | null }[] | undefined): { flagged?: boolean } {
  const flag = items?.find((item) => item.field.toLowerCase() === 'flagged');
  return flag ? { flagged: Boolean(flag.toString?.trim()) } : {};
}

/** `order` only when the issue has a rank: none found is not "no place". */
function withOrder(order: string | undefined): { order?: string } {
  return order === undefined ? {} : { order };
}

/**
 * Jira Cloud: `jira:issue_updated` whose changelog changes the status (or alone the rank, links or Flagged: Jira sends
 * one to each issue of a link made or removed, with its `issuelinks` as they are then), and `jira:issue_deleted`;
 * signed like GitHub in X-Hub-Signature.
 */
export const jira: Tracker = {
  kind: 'jira',
  verify: (request, secret) => verifyHubSignature(request, 'X-Hub-Signature', secret),
  // the identifier is the same across Jira's retries; without it the body itself names the delivery
  deliveryId: (request) =>
    header(request, 'X-Atlassian-Webhook-Identifier') ?? createHash('sha256').update(request.raw).digest('hex'),
  parse(body) {
    const event = payload.parse(body);
    const { issue } = event;
    const change = (from: TrackerChange['from'], to: TrackerChange['to']): Parsed => ({
      change: {
        item: {
          key: issue.key,
          title: issue.fields.summary,
          url: `${new URL(issue.self).origin}/browse/${issue.key}`,
          createdAt: issue.fields.created,
        },
        from,
        to,
        at: event.timestamp,
        teamHints: [...issue.fields.components.map((c) => c.name), ...issue.fields.labels],
        ...withLinks(jiraLinks(issue.fields.issuelinks)),
        ...withOrder(jiraRank(issue.fields)),
        ...withFlag(event.changelog?.items),
      },
    });
    if (event.webhookEvent === 'jira:issue_deleted')
      return change(null, { id: null, name: 'deleted', category: DELETED });
    if (event.webhookEvent !== 'jira:issue_updated') return { ignored: 'no status change' };
    const status = event.changelog?.items.find((item) => (item.fieldId ?? item.field) === 'status');
    if (!status || status.toString === null)
      // an issue ranked, linked or flagged without a status change still says where it is and what it waits for
      return event.changelog?.items.some((item) => ORDER_LINKS_OR_FLAG.includes(item.field.toLowerCase()))
        ? change(null, null)
        : { ignored: 'no status change' };
    const current = issue.fields.status;
    return change(status.fromString === null ? null : { id: status.from, name: status.fromString, category: null }, {
      id: status.to,
      name: status.toString,
      category: current?.id === status.to ? (current.statusCategory?.key ?? null) : null,
    });
  },
  checkSecret: checkKeyMaterial,
  newSecret: () => randomSecret(),
  setup:
    'Jira settings → System → WebHooks → Create a WebHook: paste the URL and the secret, tick *Issue → updated* and *deleted*.',
};
