import type { IncomingMessage } from 'node:http';
import type { DateTime } from 'luxon';
import { fixtures, startFakeApi } from './fake-api';

const fixture = fixtures('gitlab-api');

/**
 * An issue as the fake GitLab keeps it: its labels at creation (teams, and its workflow label if `initial`), then each
 * move: `closed` or `reopened` is a state event, anything else the `workflow::<to>` label added with the workflow
 * label it had removed at the same instant (as GitLab's scoped labels do). Event ids derive from the issue's id.
 */
export type FakeGitlabIssue = {
  id: number;
  iid: number;
  title: string;
  created: DateTime;
  labels?: string[];
  initial?: string;
  moves: { at: DateTime; to: string }[];
};

/** GitLab's times: `2016-01-04T15:31:46.176Z`. */
const gitlabTime = (at: DateTime) => at.toUTC().toISO()!;
const workflow = (stage: string) => `workflow::${stage}`;

/**
 * GitLab's REST API v4 on a loopback port, as much as an import reads: a project's issues (offset pagination with
 * GitLab's `x-*` headers and `Link`, `updated_after`, `order_by`/`sort`), each issue's resource state and label events
 * (paginated the same way), the PRIVATE-TOKEN header; answers in the shapes of GitLab's published examples
 * (test/fixtures/trackers/gitlab-api). A test can make requests fail (429 with Retry-After, 403…).
 */
export async function startFakeGitlab(
  opts: { project?: string; token?: string; issues?: FakeGitlabIssue[]; eventsPerPage?: number } = {},
) {
  const project = opts.project ?? 'gitlabhq/gitlab-test';
  const projectId = 14;
  const token = opts.token ?? 'glpat-test-token-0123456789';
  let issues = opts.issues ?? [];
  const errors = fixture('errors.json');

  const labelsOf = (issue: FakeGitlabIssue) => {
    const stages = issue.moves.filter((m) => m.to !== 'closed' && m.to !== 'reopened').map((m) => m.to);
    const stage = stages.at(-1) ?? issue.initial;
    return [...(issue.labels ?? []), ...(stage ? [workflow(stage)] : [])];
  };
  const stateOf = (issue: FakeGitlabIssue) =>
    issue.moves.filter((m) => m.to === 'closed' || m.to === 'reopened').at(-1)?.to === 'closed' ? 'closed' : 'opened';
  const updated = (issue: FakeGitlabIssue) => issue.moves.at(-1)?.at ?? issue.created;

  function issueJson(base: string, issue: FakeGitlabIssue) {
    const json = fixture('issues.json')[0];
    json.id = issue.id;
    json.iid = issue.iid;
    json.project_id = projectId;
    json.title = issue.title;
    json.state = stateOf(issue);
    json.labels = labelsOf(issue);
    json.created_at = gitlabTime(issue.created);
    json.updated_at = gitlabTime(updated(issue));
    json.closed_at = json.state === 'closed' ? json.updated_at : null;
    json.web_url = `${base}/${project}/-/issues/${issue.iid}`;
    json.references = { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${project}#${issue.iid}` };
    json._links = {
      self: `${base}/api/v4/projects/${projectId}/issues/${issue.iid}`,
      notes: `${base}/api/v4/projects/${projectId}/issues/${issue.iid}/notes`,
      award_emoji: `${base}/api/v4/projects/${projectId}/issues/${issue.iid}/award_emoji`,
      project: `${base}/api/v4/projects/${projectId}`,
    };
    return json;
  }

  function stateEvents(issue: FakeGitlabIssue) {
    const template = fixture('resource-state-events.json')[1];
    return issue.moves.flatMap((move, k) =>
      move.to === 'closed' || move.to === 'reopened'
        ? [
            {
              ...template,
              id: issue.id * 1000 + k,
              created_at: gitlabTime(move.at),
              resource_id: issue.id,
              state: move.to,
            },
          ]
        : [],
    );
  }

  function labelEvents(issue: FakeGitlabIssue) {
    const [added, removed] = fixture('resource-label-events.json');
    const event = (id: number, at: DateTime, name: string, action: 'add' | 'remove') => ({
      ...(action === 'add' ? added : removed),
      id,
      created_at: gitlabTime(at),
      resource_id: issue.id,
      label: { ...added.label, id: 70 + name.length, name },
      action,
    });
    const atCreation = [...(issue.labels ?? []), ...(issue.initial ? [workflow(issue.initial)] : [])];
    const events = atCreation.map((name, j) => event(issue.id * 1000 + 500 + j, issue.created, name, 'add'));
    let stage = issue.initial;
    issue.moves.forEach((move, k) => {
      if (move.to === 'closed' || move.to === 'reopened') return;
      events.push(event(issue.id * 1000 + 100 + 2 * k, move.at, workflow(move.to), 'add'));
      if (stage) events.push(event(issue.id * 1000 + 101 + 2 * k, move.at, workflow(stage), 'remove'));
      stage = move.to;
    });
    return events;
  }

  /** One page of `all`, with GitLab's offset-pagination headers (`x-next-page` empty on the last page) and `Link`. */
  function paged(base: string, url: URL, all: unknown[], largest: number): [number, unknown, Record<string, string>] {
    const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page') ?? 20), 1), largest);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
    const pages = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number) => {
      const to = new URL(url.pathname, base);
      for (const [k, v] of url.searchParams) to.searchParams.set(k, v);
      to.searchParams.set('page', String(p));
      to.searchParams.set('per_page', String(perPage));
      return to.toString();
    };
    const rels = [
      ...(page > 1 ? [`<${link(page - 1)}>; rel="prev"`] : []),
      ...(page < pages ? [`<${link(page + 1)}>; rel="next"`] : []),
      `<${link(1)}>; rel="first"`,
      `<${link(pages)}>; rel="last"`,
    ];
    return [
      200,
      all.slice((page - 1) * perPage, page * perPage),
      {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': page < pages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        'x-total': String(all.length),
        'x-total-pages': String(pages),
        link: rels.join(', '),
      },
    ];
  }

  function route(req: IncomingMessage, url: URL, base: string): [number, unknown, Record<string, string>?] {
    if (req.headers['private-token'] !== token) return [401, errors.unauthorized];
    const p = url.pathname;
    const projectPath = /^\/api\/v4\/projects\/([^/]+)(\/.*)$/.exec(p);
    if (!projectPath) return [404, errors.notFound];
    const named = decodeURIComponent(projectPath[1]);
    if (named.toLowerCase() !== project.toLowerCase() && named !== String(projectId))
      return [404, errors.projectNotFound];
    const rest = projectPath[2];
    if (req.method === 'GET' && rest === '/issues') {
      const after = url.searchParams.get('updated_after');
      const from = after ? Date.parse(after) : 0;
      const found = issues
        .filter((i) => updated(i).toMillis() >= from)
        .sort((a, b) => a.created.toMillis() - b.created.toMillis() || a.id - b.id);
      if (url.searchParams.get('sort') !== 'asc') found.reverse();
      return paged(
        base,
        url,
        found.map((i) => issueJson(base, i)),
        100,
      );
    }
    const events = /^\/issues\/(\d+)\/(resource_state_events|resource_label_events)$/.exec(rest);
    if (req.method === 'GET' && events) {
      const issue = issues.find((i) => i.iid === Number(events[1]));
      if (!issue) return [404, errors.notFound];
      const all = events[2] === 'resource_state_events' ? stateEvents(issue) : labelEvents(issue);
      return paged(base, url, all, Math.min(opts.eventsPerPage ?? 100, 100));
    }
    return [404, errors.notFound];
  }

  const api = await startFakeApi({
    route: (req, url, _body, base) => route(req, url, base),
    faultBody: errors.rateLimited,
  });
  const url = api.url;
  return {
    url,
    project,
    /** the token `/nexus import gitlab --token` takes */
    token,
    requests: api.requests,
    errors,
    setIssues: (next: FakeGitlabIssue[]) => void (issues = next),
    /** the next `times` requests whose path passes `when` get this answer */
    failNext: api.failNext,
    close: api.close,
  };
}

export type FakeGitlab = Awaited<ReturnType<typeof startFakeGitlab>>;

/**
 * `count` issues #1… of gitlabhq/gitlab-test created a day apart from `start`, labelled Alpha and workflow::Ready at
 * creation, then moved along `path` an hour apart from their third day (by default In Progress, then closed).
 */
export function gitlabIssues(
  start: DateTime,
  count: number,
  path: string[] = ['In Progress', 'closed'],
  first = 1,
): FakeGitlabIssue[] {
  return Array.from({ length: count }, (_, i) => {
    const created = start.plus({ days: i });
    const n = first + i;
    return {
      id: 500 + n,
      iid: n,
      title: `Issue ${n}`,
      created,
      labels: ['Alpha'],
      initial: 'Ready',
      moves: path.map((to, k) => ({ at: created.plus({ days: 2, hours: k }), to })),
    };
  });
}
