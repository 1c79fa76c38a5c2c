import { z } from 'zod';
import { type TrackerLink, type TrackerStatus, withLinks } from '../../domain/tracker';
import { IMPORT_PAGE_ITEMS, type ItemHistory, type StatusChange } from '../../domain/tracker-import';
import { instant } from '../parse-time';
import { type HistorySource, isUnreadable, READ_TIMEOUT_MS, skip, type TrackerHistory, unreadable } from './history';
import { readFailure } from './linear-answers';
import { inTurns, patiently } from './patiently';

type Sdk = typeof import('@linear/sdk', { with: { 'resolution-mode': 'import' }});

/**
 * History entries read with each issue of a page. Linear refuses a query of more than 10,000 complexity points (an
 * object 1, a field 0.1, a connection's children times its `first`): 100 issues × (25 entries × 1.4 + 20 labels × 1.1
 * + 2 × 5 relations × 2.2 + the issue's own ≈ 4) ≈ 8,300. An issue with more entries (every field change is one) has
 * the rest read after.
 */
const HISTORY_WITH_ISSUE = 25;
/**
 * Relations read with each issue, each way (those it is the source of, and the inverse). More is rare; an issue with
 * more gives no links (the other issues' own relations still bring theirs), as a part would read as the whole.
 */
const RELATIONS_WITH_ISSUE = 5;
const RELATION_FIELDS = 'pageInfo { hasNextPage }';
/** Labels read with each issue (team hints): more than this on one issue is rare. */
const LABELS_WITH_ISSUE = 20;
/** History entries a request reads of one issue whose history is longer than HISTORY_WITH_ISSUE. */
const HISTORY_PAGE = 100;
/** Issues whose longer histories are read at once. */
const HISTORIES_AT_ONCE = 2;
/** Workflow states a request reads (all teams', archived too: an old change may name one no longer used). */
const STATES_PAGE = 250;
const TRASHED = "in Linear's trash (deleted there)";
const GONE = 'gone from Linear (deleted, or hidden from the token) while it was read';

const HISTORY_FIELDS = 'nodes { id createdAt fromStateId toStateId } pageInfo { hasNextPage endCursor }';
const ISSUES = `query NexusImportIssues($first: Int!, $after: String, $filter: IssueFilter) {
  issues(first: $first, after: $after, filter: $filter, includeArchived: true) {
    nodes {
      id identifier title url createdAt trashed sortOrder
      state { id name type }
      team { key }
      labels(first: ${LABELS_WITH_ISSUE}) { nodes { name } }
      history(first: ${HISTORY_WITH_ISSUE}) { ${HISTORY_FIELDS} }
      relations(first: ${RELATIONS_WITH_ISSUE}) { nodes { type relatedIssue { identifier } } ${RELATION_FIELDS} }
      inverseRelations(first: ${RELATIONS_WITH_ISSUE}) { nodes { type issue { identifier } } ${RELATION_FIELDS} }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ISSUE_HISTORY = `query NexusImportIssueHistory($id: String!, $first: Int!, $after: String) {
  issue(id: $id) { history(first: $first, after: $after) { ${HISTORY_FIELDS} } }
}`;
const STATES = `query NexusImportWorkflowStates($first: Int!, $after: String) {
  workflowStates(first: $first, after: $after, includeArchived: true) {
    nodes { id name type }
    pageInfo { hasNextPage endCursor }
  }
}`;
const VIEWER = 'query NexusImportViewer { viewer { id } }';
const TEAM = `query NexusImportTeam($key: String!) {
  viewer { id }
  teams(filter: { key: { eqIgnoreCase: $key } }) { nodes { id key } }
}`;

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });
const state = z.object({ id: z.string(), name: z.string(), type: z.string() });
const entry = z.object({
  id: z.string(),
  createdAt: instant,
  fromStateId: z.string().nullish(),
  toStateId: z.string().nullish(),
});
type Entry = z.infer<typeof entry>;
const history = z.object({ nodes: z.array(entry), pageInfo });
const more = z.object({ hasNextPage: z.boolean() });
const other = z.object({ identifier: z.string().min(1) });
const issue = z.object({
  id: z.string(),
  identifier: z.string().min(1),
  title: z.string(),
  url: z.string(),
  createdAt: instant,
  trashed: z.boolean().nullish(),
  /** its place in its team's manual order, lower first (the webhook's `data.sortOrder`) */
  sortOrder: z.number().optional(),
  state,
  team: z.object({ key: z.string() }),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }),
  history,
  // IssueRelation: `issue` <type> `relatedIssue` ("blocks"; also "related", "duplicate", "similar")
  relations: z
    .object({ nodes: z.array(z.object({ type: z.string(), relatedIssue: other })), pageInfo: more })
    .optional(),
  inverseRelations: z
    .object({ nodes: z.array(z.object({ type: z.string(), issue: other })), pageInfo: more })
    .optional(),
});
type Issue = z.infer<typeof issue>;
const issuesPage = z.object({ issues: z.object({ nodes: z.array(issue), pageInfo }) });
const issueHistory = z.object({ issue: z.object({ history }) });
const statesPage = z.object({ workflowStates: z.object({ nodes: z.array(state), pageInfo }) });
const teams = z.object({ teams: z.object({ nodes: z.array(z.object({ id: z.string(), key: z.string() })) }) });

type States = ReadonlyMap<string, TrackerStatus>;

/**
 * Linear's history through @linear/sdk (its GraphQL client sends our documents to `<url>/graphql`): issues updated
 * since the date, of one team when the query names its key, a page of 100 at a time with each one's state, team,
 * labels and first 40 history entries in one request; longer histories read on per issue; the workflow states read
 * once so a change's state ids map as a webhook's state would (name, type). The token is a personal API key
 * (`lin_api_…`) or an OAuth access token.
 */
export function linearHistory(source: HistorySource): TrackerHistory {
  let loaded: Promise<Sdk> | null = null;
  // the SDK is large (3 MB of generated models): only a process that imports pays for it
  const sdk = () => (loaded ??= import('@linear/sdk'));
  const read = (error: unknown) => readFailure(error, source.baseUrl);
  const teamKey = source.query.trim();
  const request = async <T>(schema: z.ZodType<T>, query: string, variables: Record<string, unknown>) =>
    schema.parse(
      (
        await patiently(async () => {
          const client = clientFor((await sdk()).LinearClient, source);
          return client.client.rawRequest(query, variables);
        }, read)
      ).data,
    );
  let states: Promise<States> | null = null;
  // read once per process; read again after a failure (a rate limit the job waits out)
  const workflowStates = () =>
    (states ??= readStates(request).catch((error: unknown) => {
      states = null;
      throw error;
    }));
  const filter = {
    updatedAt: { gte: source.since.toUTC().toISO() },
    ...(teamKey ? { team: { key: { eqIgnoreCase: teamKey } } } : {}),
  };

  return {
    async check() {
      if (!teamKey) await request(z.object({ viewer: z.object({ id: z.string() }) }), VIEWER, {});
      else if (!(await request(teams, TEAM, { key: teamKey })).teams.nodes.length)
        throw unreadable({
          problem: 'bad-query',
          message: `Linear has no team with the key ${teamKey} that the token can see.`,
        });
      // Linear counts no connection: how many issues it finds is known only once read
      return { expected: null };
    },
    async page(cursor) {
      const known = await workflowStates();
      const found = (await request(issuesPage, ISSUES, { first: IMPORT_PAGE_ITEMS, after: cursor, filter })).issues;
      const skipped: Record<string, number> = {};
      const live: Issue[] = [];
      for (const one of found.nodes)
        if (one.trashed) skip(skipped, TRASHED);
        else live.push(one);
      const entries = await inTurns(live, HISTORIES_AT_ONCE, (i) => wholeHistory(request, i));
      const items: ItemHistory[] = [];
      live.forEach((one, i) => {
        const all = entries[i];
        if (all === 'gone') skip(skipped, GONE);
        else items.push(itemHistory(one, all, known));
      });
      return { items, skipped, next: found.pageInfo.hasNextPage ? (found.pageInfo.endCursor ?? null) : null };
    },
  };
}

type Request = <T>(schema: z.ZodType<T>, query: string, variables: Record<string, unknown>) => Promise<T>;

/** Every workflow state of the workspace, by id, as a webhook names a state: name, and its type as the category. */
async function readStates(request: Request): Promise<States> {
  const all = new Map<string, TrackerStatus>();
  for (let after: string | null = null; ; ) {
    const { workflowStates }: z.infer<typeof statesPage> = await request(statesPage, STATES, {
      first: STATES_PAGE,
      after,
    });
    for (const s of workflowStates.nodes) all.set(s.id, { id: s.id, name: s.name, category: s.type });
    if (!workflowStates.pageInfo.hasNextPage || !workflowStates.pageInfo.endCursor) return all;
    after = workflowStates.pageInfo.endCursor;
  }
}

/** The issue's history entries: those read with it, then the rest, a page at a time; 'gone' if it went meanwhile. */
async function wholeHistory(request: Request, one: Issue): Promise<Entry[] | 'gone'> {
  const entries = [...one.history.nodes];
  let { hasNextPage, endCursor } = one.history.pageInfo;
  while (hasNextPage && endCursor) {
    let page: z.infer<typeof issueHistory>;
    try {
      page = await request(issueHistory, ISSUE_HISTORY, { id: one.id, first: HISTORY_PAGE, after: endCursor });
    } catch (error) {
      // deleted, or moved to a team the token cannot see, since the page was read: the rest of the page goes on
      if (isUnreadable(error) && error.data.failure.problem === 'bad-query') return 'gone';
      throw error;
    }
    entries.push(...page.issue.history.nodes);
    ({ hasNextPage, endCursor } = page.issue.history.pageInfo);
  }
  return entries;
}

function itemHistory(one: Issue, entries: readonly Entry[], states: States): ItemHistory {
  return {
    id: one.id,
    item: { key: one.identifier, title: one.title, url: one.url, createdAt: one.createdAt },
    // as a webhook's: the team's key, then the labels
    teamHints: [one.team.key, ...one.labels.nodes.map((l) => l.name)],
    ...(one.sortOrder === undefined ? {} : { order: one.sortOrder }),
    ...withLinks(linearLinks(one)),
    status: { id: one.state.id, name: one.state.name, category: one.state.type },
    changes: entries.flatMap((e) => statusChange(e, states)),
  };
}

/**
 * The issue's relations in tracker words: it "blocks" its relations' related issues, and is "blocked by" the issues
 * of its inverse relations that block it (`trackerDependencies` says which are dependencies). Undefined when Linear
 * did not give them all.
 */
function linearLinks(one: Issue): TrackerLink[] | undefined {
  const { relations, inverseRelations } = one;
  if (!relations || !inverseRelations || relations.pageInfo.hasNextPage || inverseRelations.pageInfo.hasNextPage)
    return undefined;
  return [
    ...relations.nodes.map((r) => ({ relation: r.type, key: r.relatedIssue.identifier })),
    ...inverseRelations.nodes.map((r) => ({
      relation: r.type === 'blocks' ? 'blocked by' : r.type,
      key: r.issue.identifier,
    })),
  ];
}

/** The entry's state change, if it changed the state (most entries change other fields). */
function statusChange({ id, createdAt, fromStateId, toStateId }: Entry, states: States): StatusChange[] {
  if (!toStateId) return [];
  // a state deleted since: named by its id, as a webhook names the state an issue left
  const status = (stateId: string) => states.get(stateId) ?? { id: stateId, name: stateId, category: null };
  return [{ id, at: createdAt, from: fromStateId ? status(fromStateId) : null, to: status(toStateId) }];
}

/**
 * A client for one request, so each has its own time limit. A personal API key goes as it is; an OAuth token
 * (`lin_oauth_…`, or written `Bearer …`) as a bearer token. The SDK posts to the address it is given: `<url>/graphql`.
 */
function clientFor(Client: Sdk['LinearClient'], source: HistorySource) {
  const token = source.token.trim();
  const oauth = /^(Bearer |lin_oauth_)/.test(token);
  try {
    return new Client({
      ...(oauth ? { accessToken: token } : { apiKey: token }),
      apiUrl: `${source.baseUrl}/graphql`,
      signal: AbortSignal.timeout(READ_TIMEOUT_MS),
    });
  } catch {
    // the SDK speaks HTTPS only, but to a server on this machine
    throw unreadable({ problem: 'unreachable', url: source.baseUrl, reason: 'Linear is reached over https only' });
  }
}
