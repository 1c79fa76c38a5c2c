import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DateTime } from 'luxon';
import { fixtures } from './fake-api';

const fixture = fixtures('linear-api');

/** Linear's default workflow states (Backlog, Todo, In Progress, Done, Canceled), with their ids and types. */
const STATES: { id: string; name: string; type: string }[] = fixture('workflow-states.json').data.workflowStates.nodes;
/** A workflow state as Linear's API and webhooks give it. */
export const linearState = (name: string) => {
  const found = STATES.find((s) => s.name === name);
  if (!found) throw new Error(`the fake Linear has no state ${name}`);
  return found;
};

/** An issue as the fake Linear keeps it: where it started and each state change (ids are IssueHistory ids). */
export type FakeLinearIssue = {
  id: string;
  identifier: string;
  title: string;
  created: DateTime;
  team: string;
  labels?: string[];
  initial: string;
  moves: { id: string; at: DateTime; to: string }[];
  /** history entries that change other fields (priority, assignee…), before the moves */
  noise?: number;
  trashed?: boolean;
  /** its place in its team's manual order (`Issue.sortOrder`, lower first); Linear gives every issue one */
  sortOrder?: number;
  /** identifiers of the issues it blocks, and of those it is related to (IssueRelation types blocks, related) */
  blocks?: string[];
  relatedTo?: string[];
};

/** Which of the documents an import sends a request is, by the root field it asks for. */
export type Operation = 'viewer' | 'teams' | 'workflowStates' | 'issues' | 'issue';

type Fault = {
  times: number;
  status: number;
  headers: () => Record<string, string>;
  body: unknown;
  when: (op: Operation) => boolean;
};

const page = <T>(all: T[], first: number, after: string | null | undefined) => {
  const offset = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
  const nodes = all.slice(offset, offset + first);
  const end = offset + nodes.length;
  return {
    nodes,
    pageInfo: {
      hasNextPage: end < all.length,
      endCursor: nodes.length ? Buffer.from(String(end)).toString('base64url') : null,
    },
  };
};

/**
 * Linear's GraphQL API on a loopback port (`POST /graphql`), as much as an import reads: the viewer, teams by key,
 * workflow states, issues filtered by `updatedAt` and team key with their state, team, labels and history, and one
 * issue's history; cursor pagination with `pageInfo`; a personal API key in `Authorization`. Answers in the shapes of
 * Linear's schema (test/fixtures/trackers/linear-api), errors as Linear's (`extensions.code`). A test can make
 * requests fail (RATELIMITED with its reset headers, FORBIDDEN…).
 */
export async function startFakeLinear(opts: { apiKey?: string; issues?: FakeLinearIssue[] } = {}) {
  const apiKey = opts.apiKey ?? 'lin_api_0123456789abcdefghijklmnopqrstuvwxyzABCD';
  let issues = opts.issues ?? [];
  const faults: Fault[] = [];
  const requests: { operation: Operation; variables: Record<string, any>; at: number; status: number }[] = [];
  const errors = fixture('errors.json');
  const template = fixture('issues.json').data.issues.nodes[0];

  const updated = (issue: FakeLinearIssue) => (issue.moves.at(-1)?.at ?? issue.created).toMillis();

  /** The issue's history entries as Linear keeps them, oldest first: the noise, then each state change. */
  function historyOf(issue: FakeLinearIssue) {
    const [other, change] = template.history.nodes;
    const entries = Array.from({ length: issue.noise ?? 0 }, (_, k) => ({
      ...other,
      id: `${issue.id}-noise-${k}`,
      createdAt: issue.created
        .plus({ minutes: 1 + k })
        .toUTC()
        .toISO(),
    }));
    let from = linearState(issue.initial);
    for (const move of issue.moves) {
      const to = linearState(move.to);
      entries.push({
        ...change,
        id: move.id,
        createdAt: move.at.toUTC().toISO(),
        fromStateId: from.id,
        toStateId: to.id,
      });
      from = to;
    }
    return entries;
  }

  /**
   * The issue's relations as Linear's schema has them (`IssueRelation`: `type`, `issue`, `relatedIssue`): those it is
   * the source of, and the inverse ones (other issues' relations naming it), `first` of each.
   */
  function relationsOf(issue: FakeLinearIssue, first: number) {
    const mine = [
      ...(issue.blocks ?? []).map((identifier) => ({ type: 'blocks', relatedIssue: { identifier } })),
      ...(issue.relatedTo ?? []).map((identifier) => ({ type: 'related', relatedIssue: { identifier } })),
    ];
    const inverse = issues.flatMap((other) =>
      (other.blocks ?? []).includes(issue.identifier)
        ? [{ type: 'blocks', issue: { identifier: other.identifier } }]
        : [],
    );
    const part = <T>(all: T[]) => ({ nodes: all.slice(0, first), pageInfo: { hasNextPage: all.length > first } });
    return { relations: part(mine), inverseRelations: part(inverse) };
  }

  function issueJson(issue: FakeLinearIssue, historyFirst: number, relationsFirst: number) {
    return {
      ...structuredClone(template),
      id: issue.id,
      identifier: issue.identifier,
      title: issue.title,
      url: `https://linear.app/acme/issue/${issue.identifier}`,
      createdAt: issue.created.toUTC().toISO(),
      trashed: issue.trashed ?? null,
      // unless a test says: in the order issues were created
      sortOrder: issue.sortOrder ?? issue.created.toMillis() / 1000,
      state: linearState(issue.moves.at(-1)?.to ?? issue.initial),
      team: { key: issue.team },
      labels: { nodes: (issue.labels ?? []).map((name) => ({ name })) },
      history: page(historyOf(issue), historyFirst, null),
      ...relationsOf(issue, relationsFirst),
    };
  }

  function operationOf(query: string): Operation | null {
    if (/\bworkflowStates\s*\(/.test(query)) return 'workflowStates';
    if (/\bissues\s*\(/.test(query)) return 'issues';
    if (/\bissue\s*\(/.test(query)) return 'issue';
    if (/\bteams\s*\(/.test(query)) return 'teams';
    if (/\bviewer\b/.test(query)) return 'viewer';
    return null;
  }

  function route(op: Operation, query: string, variables: Record<string, any>): [number, unknown] {
    switch (op) {
      case 'viewer':
        return [200, errors.viewer];
      case 'teams': {
        const key = String(variables.key ?? '').toLowerCase();
        const found = [...new Set(issues.map((i) => i.team))].filter((t) => t.toLowerCase() === key);
        const answer = structuredClone(errors.teams);
        answer.data.teams.nodes = found.map((t) => ({ id: `team-${t}`, key: t }));
        return [200, answer];
      }
      case 'workflowStates':
        return [200, { data: { workflowStates: page(STATES, Math.min(variables.first ?? 50, 250), variables.after) } }];
      case 'issues': {
        const since = Date.parse(variables.filter?.updatedAt?.gte ?? '1970-01-01T00:00:00Z');
        const team = variables.filter?.team?.key?.eqIgnoreCase?.toLowerCase();
        const historyFirst = Number(/history\(first: (\d+)\)/.exec(query)?.[1] ?? 50);
        const relationsFirst = Number(/relations\(first: (\d+)\)/.exec(query)?.[1] ?? 50);
        const all = issues
          .filter((i) => updated(i) >= since && (!team || i.team.toLowerCase() === team))
          .sort((a, b) => a.created.toMillis() - b.created.toMillis());
        const found = page(all, Math.min(variables.first ?? 50, 250), variables.after);
        return [
          200,
          { data: { issues: { ...found, nodes: found.nodes.map((i) => issueJson(i, historyFirst, relationsFirst)) } } },
        ];
      }
      case 'issue': {
        const issue = issues.find((i) => i.id === variables.id || i.identifier === variables.id);
        if (!issue)
          return [
            400,
            {
              errors: [
                {
                  message: 'Entity not found: Issue',
                  extensions: {
                    type: 'invalid input',
                    code: 'INPUT_ERROR',
                    userError: true,
                    userPresentableMessage: 'Could not find referenced Issue.',
                  },
                },
              ],
            },
          ];
        const history = page(historyOf(issue), Math.min(variables.first ?? 50, 250), variables.after);
        return [200, { data: { issue: { history } } }];
      }
    }
  }

  function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    let status: number;
    let json: unknown;
    let headers: Record<string, string> = {};
    let op: Operation | null = null;
    let variables: Record<string, any> = {};
    if (req.method !== 'POST' || url.pathname !== '/graphql') [status, json] = [404, 'Not Found'];
    else {
      const parsed = JSON.parse(body) as { query: string; variables?: Record<string, any> };
      variables = parsed.variables ?? {};
      op = operationOf(parsed.query);
      const fault = op ? faults.find((f) => f.times > 0 && f.when(op!)) : undefined;
      if (fault) {
        fault.times--;
        [status, json, headers] = [fault.status, fault.body, fault.headers()];
      } else if (req.headers.authorization !== apiKey) [status, json] = [400, errors.authentication];
      else if (!op)
        [status, json] = [
          400,
          { errors: [{ message: 'Unknown document', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] },
        ];
      else [status, json] = route(op, parsed.query, variables);
      requests.push({ operation: op ?? 'viewer', variables, at: Date.now(), status });
    }
    res.writeHead(status, {
      'content-type': typeof json === 'string' ? 'text/plain' : 'application/json',
      ...headers,
    });
    res.end(typeof json === 'string' ? json : JSON.stringify(json));
  }

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => answer(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** the token `/nexus import linear --token` takes: a personal API key */
    token: apiKey,
    requests,
    setIssues: (next: FakeLinearIssue[]) => void (issues = next),
    /** the next `times` requests of an operation `when` accepts get this answer (HTTP 400 and Linear's error) */
    failNext(
      times: number,
      body: unknown,
      o: { status?: number; headers?: () => Record<string, string>; when?: (op: Operation) => boolean } = {},
    ) {
      faults.push({
        times,
        status: o.status ?? 400,
        headers: o.headers ?? (() => ({})),
        body,
        when: o.when ?? (() => true),
      });
    },
    /** Linear's answer when a budget is spent: RATELIMITED, and the request budget's reset `inMs` from now */
    rateLimited(times: number, inMs: number, when?: (op: Operation) => boolean) {
      this.failNext(times, errors.ratelimited, {
        headers: () => ({
          'X-RateLimit-Requests-Limit': '5000',
          'X-RateLimit-Requests-Remaining': '0',
          'X-RateLimit-Requests-Reset': String(Date.now() + inMs),
        }),
        when,
      });
    },
    forbidden: errors.forbidden,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeLinear = Awaited<ReturnType<typeof startFakeLinear>>;

/**
 * `count` issues ENG-1… created a day apart from `start`, each Todo → In Progress → Done (or along `path`), an hour
 * apart from its third day, with label Alpha; history ids are unique across issues.
 */
export function linearIssues(
  start: DateTime,
  count: number,
  path: string[] = ['In Progress', 'Done'],
): FakeLinearIssue[] {
  return Array.from({ length: count }, (_, i) => {
    const created = start.plus({ days: i });
    return {
      id: `5a1e0000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      identifier: `ENG-${i + 1}`,
      title: `Issue ${i + 1}`,
      created,
      team: 'ENG',
      labels: ['Alpha'],
      initial: 'Todo',
      noise: 1,
      moves: path.map((to, k) => ({
        id: `h1570000-0000-4000-8000-${String(i * 10 + k).padStart(12, '0')}`,
        at: created.plus({ days: 2, hours: k }),
        to,
      })),
    };
  });
}
