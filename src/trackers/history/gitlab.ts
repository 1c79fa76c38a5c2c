import { z } from 'zod';
import { IMPORT_PAGE_ITEMS, type ItemHistory, type StatusChange } from '../../domain/tracker-import';
import { CLOSED, isWorkflow, labelChange, OPENED } from '../gitlab';
import { instant } from '../parse-time';
import { readFailure } from './gitlab-answers';
import { onceRequester } from './gitlab-requester';
import {
  type HistorySource,
  isUnreadable,
  READ_TIMEOUT_MS,
  skip,
  type TrackerHistory,
  type Unreadable,
} from './history';
import { inTurns, patiently } from './patiently';

/** Issues whose events are read at once: each reads its state and label events together, so 8 requests at most. */
const ISSUES_AT_ONCE = 4;
/** GitLab's largest page. */
const EVENTS_PAGE = 100;
const GONE = 'gone from GitLab (or hidden from the token) while it was read';

const issue = z.object({
  id: z.number().int(),
  iid: z.number().int(),
  title: z.string(),
  state: z.string(),
  created_at: instant,
  web_url: z.url(),
  labels: z.array(z.string()).default([]),
  references: z.object({ full: z.string().min(1) }).optional(),
});
type Issue = z.infer<typeof issue>;
export const stateEvent = z.object({ id: z.number().int(), created_at: instant, state: z.string() });
// a label deleted since is `null`: GitLab keeps the event, not the label's name
export const labelEvent = z.object({
  id: z.number().int(),
  created_at: instant,
  action: z.string(),
  label: z.object({ name: z.string() }).nullable(),
});
type StateEvent = z.infer<typeof stateEvent>;
type LabelEvent = z.infer<typeof labelEvent>;

type Clients = Awaited<ReturnType<typeof clientsFor>>;

/**
 * One GitLab project's history through @gitbeaker/rest: its issues updated since the date (`GET
 * /projects/:id/issues`, a page of 100 at a time, oldest created first, the cursor the page number), and each issue's
 * resource state events (closed, reopened) and label events (added, removed), merged in time order and mapped as the
 * webhook maps them (src/trackers/gitlab.ts). The query is the project (`group/project`, or its number); the token
 * a personal, group or project access token with `read_api`.
 */
export function gitlabHistory(source: HistorySource): TrackerHistory {
  let loaded: Promise<Clients> | null = null;
  const clients = () => (loaded ??= clientsFor(source));
  const project = source.query.trim();
  const read = (error: unknown) => readFailure(error, source.baseUrl, project);
  const list = async (page: number, perPage: number) =>
    patiently(
      async () =>
        (await clients()).issues.all({
          projectId: project,
          updatedAfter: source.since.toUTC().toISO()!,
          orderBy: 'created_at',
          sort: 'asc',
          page,
          perPage,
          showExpanded: true,
        }),
      read,
    );

  return {
    async check() {
      const { paginationInfo } = await list(1, 1);
      return { expected: Number.isFinite(paginationInfo.total) ? paginationInfo.total : null };
    },
    async page(cursor) {
      const { data, paginationInfo } = await list(cursor ? Number(cursor) : 1, IMPORT_PAGE_ITEMS);
      const found = z.array(issue).parse(data);
      const c = await clients();
      const histories = await inTurns(found, ISSUES_AT_ONCE, async (one) => {
        try {
          const [states, labels] = await Promise.all([
            patiently(() => c.states.all(project, one.iid, { perPage: EVENTS_PAGE }), read),
            patiently(() => c.labels.all(project, one.iid, { perPage: EVENTS_PAGE }), read),
          ]);
          return statusChanges(z.array(stateEvent).parse(states), z.array(labelEvent).parse(labels));
        } catch (error) {
          // deleted, moved or made confidential between the list and now: the rest of the page goes on
          if (isUnreadable(error) && isGone(error.data)) return 'gone' as const;
          throw error;
        }
      });
      const skipped: Record<string, number> = {};
      const items: ItemHistory[] = [];
      found.forEach((one, i) => {
        const changes = histories[i];
        if (changes === 'gone') skip(skipped, GONE);
        else items.push(itemHistory(one, project, changes));
      });
      return { items, skipped, next: paginationInfo.next ? String(paginationInfo.next) : null };
    },
  };
}

/**
 * An issue's status changes, oldest first: each close or reopen (state events), and each set of labels changed at
 * one instant (label events of one update share its time) as the one change a webhook would tell of it; at one
 * instant, the close or reopen first. Change ids
 * are GitLab's event ids, prefixed by their kind, so a state event and a label event never share one.
 */
export function statusChanges(states: readonly StateEvent[], labels: readonly LabelEvent[]): StatusChange[] {
  const changes: StatusChange[] = [];
  for (const e of states) {
    if (e.state === 'closed') changes.push({ id: `state-${e.id}`, at: e.created_at, from: OPENED, to: CLOSED });
    else if (e.state === 'reopened' || e.state === 'opened')
      changes.push({ id: `state-${e.id}`, at: e.created_at, from: CLOSED, to: OPENED });
  }
  const together = new Map<number, LabelEvent[]>();
  for (const e of labels) {
    if (!e.label) continue;
    const at = e.created_at.toMillis();
    together.set(at, [...(together.get(at) ?? []), e]);
  }
  for (const group of together.values()) {
    const named = (action: string) => group.filter((e) => e.action === action).map((e) => e.label!.name);
    const moved = labelChange(named('add'), named('remove'));
    if (!moved) continue;
    const cause = group.find((e) => e.action === 'add' && e.label!.name === moved.to.id)!;
    changes.push({ id: `label-${cause.id}`, at: cause.created_at, ...moved });
  }
  return changes.sort((a, b) => a.at.toMillis() - b.at.toMillis());
}

function itemHistory(one: Issue, project: string, changes: StatusChange[]): ItemHistory {
  const workflow = one.labels.find(isWorkflow);
  return {
    id: String(one.id),
    item: {
      // the webhook's `path_with_namespace#iid`: the project's path as GitLab spells it, whatever case was typed
      key: one.references?.full ?? `${project}#${one.iid}`,
      title: one.title,
      url: one.web_url,
      createdAt: one.created_at,
    },
    teamHints: one.labels.filter((l) => !isWorkflow(l)),
    status: one.state === 'closed' ? CLOSED : workflow ? labelChange([workflow], [])!.to : OPENED,
    changes,
  };
}

/** An issue listed that is not there any more for the token (404). */
function isGone({ failure }: Unreadable): boolean {
  return failure.problem === 'tracker-failed' && failure.status === 404;
}

/** The three resources an import reads, each asking GitLab once per request (gitlab-requester.ts). */
async function clientsFor(source: HistorySource) {
  // loaded only by a process that imports from GitLab
  const [rest, utils] = await Promise.all([import('@gitbeaker/rest'), import('@gitbeaker/requester-utils')]);
  const options = {
    host: source.baseUrl,
    token: source.token,
    queryTimeout: READ_TIMEOUT_MS,
    requesterFn: onceRequester(utils),
  };
  return {
    issues: new rest.Issues(options),
    states: new rest.IssueStateEvents(options),
    labels: new rest.IssueLabelEvents(options),
  };
}
