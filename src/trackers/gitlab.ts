import { z } from 'zod';
import { LABEL, type TrackerStatus } from '../domain/tracker';
import { instant } from './parse-time';
import { checkKeyMaterial, header, randomSecret, sameSecret } from './signature';
import { ACCEPTED, rejected, type Tracker } from './tracker';

const label = z.object({ title: z.string() });
const payload = z.object({
  object_kind: z.string(),
  project: z.object({ path_with_namespace: z.string().min(1) }),
  object_attributes: z.object({
    iid: z.number().int(),
    title: z.string(),
    url: z.url(),
    state: z.string(),
    action: z.string().optional(),
    created_at: instant,
    updated_at: instant,
  }),
  labels: z.array(label).default([]),
  changes: z.object({ labels: z.object({ previous: z.array(label), current: z.array(label) }).optional() }).optional(),
});

/** Scoped `workflow::…` labels are GitLab's board columns; other labels may be mapped as statuses too. */
export const isWorkflow = (title: string) => title.toLowerCase().startsWith('workflow::');

/** An issue's open and closed states, as statuses: a close moves it from the one to the other, a reopen back. */
export const OPENED: TrackerStatus = { id: null, name: 'opened', category: 'opened' };
export const CLOSED: TrackerStatus = { id: null, name: 'closed', category: 'closed' };

function labelStatus(title: string | undefined): TrackerStatus | null {
  if (title === undefined) return null;
  return isWorkflow(title)
    ? { id: title, name: title.slice('workflow::'.length), category: null }
    : { id: title, name: title, category: LABEL };
}

/**
 * The status change of labels added and removed at once: to the workflow label added (or else the first label added),
 * from the workflow label removed (or else the first removed); null when none was added. The webhook and the import
 * (resource label events) both read labels through this, so an item maps the same whichever told us.
 */
export function labelChange(
  added: readonly string[],
  removed: readonly string[],
): { from: TrackerStatus | null; to: TrackerStatus } | null {
  const to = labelStatus(added.find(isWorkflow) ?? added[0]);
  return to && { from: labelStatus(removed.find(isWorkflow) ?? removed[0]), to };
}

export const gitlab: Tracker = {
  kind: 'gitlab',
  verify(request, secret) {
    const given = header(request, 'X-Gitlab-Token');
    if (!given) return rejected('the X-Gitlab-Token header is missing');
    return sameSecret(given, secret) ? ACCEPTED : rejected('the X-Gitlab-Token does not match');
  },
  // X-Gitlab-Webhook-UUID is new on every attempt; Idempotency-Key is the same across them
  deliveryId: (request) => header(request, 'Idempotency-Key'),
  parse(body) {
    const event = payload.parse(body);
    if (event.object_kind !== 'issue') return { ignored: `${event.object_kind} carries no status change` };
    const issue = event.object_attributes;
    const item = {
      key: `${event.project.path_with_namespace}#${issue.iid}`,
      title: issue.title,
      url: issue.url,
      createdAt: issue.created_at,
    };
    const teamHints = event.labels.map((l) => l.title).filter((t) => !isWorkflow(t));
    if (issue.action === 'close' || issue.action === 'reopen') {
      const closing = issue.action === 'close';
      return {
        change: {
          item,
          from: closing ? OPENED : CLOSED,
          to: closing ? CLOSED : OPENED,
          at: issue.updated_at,
          teamHints,
        },
      };
    }
    const labels = event.changes?.labels;
    if (!labels) return { ignored: 'no label or state change' };
    const before = labels.previous.map((l) => l.title);
    const after = labels.current.map((l) => l.title);
    const added = after.filter((t) => !before.includes(t));
    const removed = before.filter((t) => !after.includes(t));
    const moved = labelChange(added, removed);
    if (!moved) return { ignored: 'no label was added' };
    return { change: { item, ...moved, at: issue.updated_at, teamHints } };
  },
  checkSecret: checkKeyMaterial,
  newSecret: () => randomSecret(),
  setup:
    'GitLab project or group → Settings → Webhooks → Add new webhook: paste the URL, the secret as *Secret token*, tick *Issues events*.',
};
