import { z } from 'zod';
import type { TrackerChange } from '../domain/tracker';
import { DELETED, LABEL } from '../domain/tracker';
import { instant } from './parse-time';
import { checkKeyMaterial, header, randomSecret, verifyHubSignature } from './signature';
import type { Parsed, Tracker } from './tracker';

const label = z.object({ name: z.string() });
const issues = z.object({
  action: z.string(),
  label: label.optional(),
  issue: z.object({
    number: z.number().int(),
    title: z.string(),
    html_url: z.url(),
    created_at: instant,
    updated_at: instant,
    closed_at: instant.nullable().optional(),
    labels: z.array(label).default([]),
  }),
  repository: z.object({ full_name: z.string().min(1) }),
});

const option = z.object({ id: z.string().optional(), name: z.string() }).nullable().optional();
const projectItem = z.object({
  action: z.string(),
  projects_v2_item: z.object({ content_node_id: z.string().min(1), created_at: instant, updated_at: instant }),
  changes: z
    .object({
      field_value: z
        .object({ field_name: z.string().optional(), field_type: z.string().optional(), from: option, to: option })
        .optional(),
    })
    .optional(),
});

/** Issues: closed, reopened, labelled with a label the mapping knows as a status, or deleted. */
function fromIssues(body: unknown): Parsed {
  const event = issues.parse(body);
  const { issue, repository } = event;
  const base = (to: TrackerChange['to'], from: TrackerChange['from'], at: TrackerChange['at']): Parsed => ({
    change: {
      item: {
        key: `${repository.full_name}#${issue.number}`,
        title: issue.title,
        url: issue.html_url,
        createdAt: issue.created_at,
      },
      from,
      to,
      at,
      teamHints: issue.labels.map((l) => l.name),
    },
  });
  const open = { id: null, name: 'open', category: 'opened' };
  const closed = { id: null, name: 'closed', category: 'closed' };
  if (event.action === 'closed') return base(closed, open, issue.closed_at ?? issue.updated_at);
  if (event.action === 'reopened') return base(open, closed, issue.updated_at);
  if (event.action === 'labeled' && event.label)
    return base({ id: null, name: event.label.name, category: LABEL }, null, issue.updated_at);
  // the payload has no time of deletion: its last update is the latest time it gives
  if (event.action === 'deleted') return base({ id: null, name: 'deleted', category: DELETED }, null, issue.updated_at);
  return { ignored: `issues.${event.action} carries no status change` };
}

/** Projects (v2): an edit of the single-select field named Status. Title and URL are not in the payload. */
function fromProjectItem(body: unknown): Parsed {
  const event = projectItem.parse(body);
  const value = event.changes?.field_value;
  if (event.action !== 'edited' || !value?.to || (value.field_name ?? 'Status').toLowerCase() !== 'status')
    return { ignored: 'no Status field change' };
  const item = event.projects_v2_item;
  return {
    change: {
      item: {
        key: item.content_node_id,
        title: `GitHub project item ${item.content_node_id}`,
        url: null,
        createdAt: item.created_at,
      },
      from: value.from ? { id: value.from.id ?? null, name: value.from.name, category: null } : null,
      to: { id: value.to.id ?? null, name: value.to.name, category: null },
      at: item.updated_at,
      teamHints: [],
    },
  };
}

export const github: Tracker = {
  kind: 'github',
  verify: (request, secret) => verifyHubSignature(request, 'X-Hub-Signature-256', secret),
  deliveryId: (request) => header(request, 'X-GitHub-Delivery'),
  parse(body, request) {
    const event = header(request, 'X-GitHub-Event');
    if (event === 'issues') return fromIssues(body);
    if (event === 'projects_v2_item') return fromProjectItem(body);
    return { ignored: `${event ?? 'an unnamed'} event carries no status change` };
  },
  checkSecret: checkKeyMaterial,
  newSecret: () => randomSecret(),
  setup:
    'GitHub repository or organization → Settings → Webhooks → Add webhook: paste the URL and the secret, content type `application/json`, events *Issues* (and *Projects v2 items* for a project board).',
};
