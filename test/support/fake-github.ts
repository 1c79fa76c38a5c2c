import type { IncomingMessage } from 'node:http';
import type { DateTime } from 'luxon';
import { fixtures, startFakeApi } from './fake-api';

const fixture = fixtures('github-api');

/** The repository the fake serves: the one the webhook examples (@octokit/webhooks-examples) come from. */
export const REPOSITORY = 'Codertocat/Hello-World';

/** What happened to an issue, as GitHub's issue events name it (ids are GitHub's event ids). */
export type FakeEvent = {
  id: number;
  at: DateTime;
  event: 'closed' | 'reopened' | 'labeled' | 'unlabeled' | 'renamed';
  label?: string;
};

/** An issue (or a pull request, which GitHub's issue list also gives) as the fake GitHub keeps it. */
export type FakeGitHubIssue = {
  id: number;
  number: number;
  title: string;
  created: DateTime;
  labels: string[];
  pullRequest?: boolean;
  events: FakeEvent[];
  /** the numbers of the issues it is blocked by (GitHub's issue dependencies) */
  blockedBy?: number[];
};

/** GitHub's time format: `2011-04-22T13:33:48Z`. */
const githubTime = (at: DateTime) => at.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
const updatedOf = (issue: FakeGitHubIssue) => issue.events.at(-1)?.at ?? issue.created;
const closedAt = (issue: FakeGitHubIssue) => {
  const last = issue.events.filter((e) => e.event === 'closed' || e.event === 'reopened').at(-1);
  return last?.event === 'closed' ? last.at : null;
};

/**
 * GitHub's REST API on a loopback port, under `/api/v3` as GitHub Enterprise Server serves it, as much as an import
 * reads: the repository, the issue search's count, the repository's issues (page-numbered, with GitHub's Link header)
 * and each issue's events (paginated the same way), a token as `Authorization: token …` or `Bearer …`. Answers are in
 * the shapes of the published examples (test/fixtures/trackers/github-api). A test can make requests fail (a secondary
 * rate limit's 403 with Retry-After, 401…).
 */
export async function startFakeGitHub(opts: { token?: string; issues?: FakeGitHubIssue[] } = {}) {
  const token = opts.token ?? 'github_pat_11ABCDEFG0123456789_test';
  let issues = opts.issues ?? [];
  const errors = fixture('errors.json');
  const prefix = '/api/v3';
  const repoPath = `${prefix}/repos/${REPOSITORY}`;

  const found = (since: string | null) => {
    const from = since ? Date.parse(since) : 0;
    return issues
      .filter((i) => updatedOf(i).toMillis() >= from)
      .sort((a, b) => a.created.toMillis() - b.created.toMillis());
  };

  const blockers = (issue: FakeGitHubIssue) => issues.filter((i) => issue.blockedBy?.includes(i.number));
  const blocked = (issue: FakeGitHubIssue) => issues.filter((i) => i.blockedBy?.includes(issue.number));

  function issueJson(base: string, issue: FakeGitHubIssue) {
    const template = structuredClone(fixture('issues.json')[0]);
    const html = `https://github.com/${REPOSITORY}`;
    template.id = issue.id;
    template.node_id = `I_${issue.id}`;
    template.number = issue.number;
    template.title = issue.title;
    template.url = `${base}/repos/${REPOSITORY}/issues/${issue.number}`;
    template.repository_url = `${base}/repos/${REPOSITORY}`;
    template.html_url = `${html}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`;
    template.labels = issue.labels.map((name) => ({ ...template.labels[0], name }));
    template.created_at = githubTime(issue.created);
    template.updated_at = githubTime(updatedOf(issue));
    const closed = closedAt(issue);
    template.state = closed ? 'closed' : 'open';
    template.closed_at = closed && githubTime(closed);
    if (!issue.pullRequest) delete template.pull_request;
    // GitHub's issue dependencies: how many issues block this one and it blocks
    template.issue_dependencies_summary = {
      blocked_by: blockers(issue).length,
      blocking: blocked(issue).length,
      total_blocked_by: blockers(issue).length,
      total_blocking: blocked(issue).length,
    };
    return template;
  }

  /** The published examples of an issue event: `closed` (the events example), `labeled` (the timeline's). */
  function eventJson(base: string, e: FakeEvent) {
    const [closed, labeled] = fixture('issue-events.json');
    const template = structuredClone(e.label !== undefined ? labeled : closed);
    template.id = e.id;
    template.node_id = `IE_${e.id}`;
    template.url = `${base}/repos/${REPOSITORY}/issues/events/${e.id}`;
    template.event = e.event;
    template.created_at = githubTime(e.at);
    if (e.label !== undefined) template.label = { ...template.label, name: e.label };
    else template.commit_id = template.commit_url = null;
    return template;
  }

  /** One page of `all` by `page` and `per_page`, with the Link header GitHub gives (next, last; prev, first). */
  function paged<T>(url: URL, all: T[]): { page: T[]; link: string | null } {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
    const number = Number(url.searchParams.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const at = (n: number) => {
      const next = new URL(url);
      next.searchParams.set('page', String(n));
      return next.toString();
    };
    const rels = [
      ...(number < last ? [`<${at(number + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`] : []),
      ...(number > 1 ? [`<${at(number - 1)}>; rel="prev"`, `<${at(1)}>; rel="first"`] : []),
    ];
    return { page: all.slice((number - 1) * perPage, number * perPage), link: rels.join(', ') || null };
  }

  const authorised = (req: IncomingMessage) =>
    req.headers.authorization === `token ${token}` || req.headers.authorization === `Bearer ${token}`;

  function route(req: IncomingMessage, url: URL, base: string): [number, unknown, Record<string, string>] {
    if (!authorised(req)) return [401, errors.unauthorized, {}];
    const p = url.pathname;
    if (req.method !== 'GET') return [404, errors.notFound, {}];
    if (p === `${prefix}/search/issues`) {
      const since = /updated:>=(\d{4}-\d{2}-\d{2})/.exec(url.searchParams.get('q') ?? '')?.[1];
      const total = found(since ? `${since}T00:00:00Z` : null).filter((i) => !i.pullRequest).length;
      return [200, { ...fixture('search-issues.json'), total_count: total, items: [] }, {}];
    }
    if (p.toLowerCase() === repoPath.toLowerCase()) return [200, fixture('repository.json'), {}];
    if (p.toLowerCase() === `${repoPath}/issues`.toLowerCase()) {
      const all = found(url.searchParams.get('since'));
      const { page, link } = paged(url, all);
      return [200, page.map((i) => issueJson(base, i)), link ? { link } : {}];
    }
    const events = new RegExp(`^${repoPath}/issues/(\\d+)/events$`, 'i').exec(p);
    if (events) {
      const issue = issues.find((i) => i.number === Number(events[1]));
      if (!issue) return [404, errors.notFound, {}];
      const { page, link } = paged(
        url,
        issue.events.map((e) => eventJson(base, e)),
      );
      return [200, page, link ? { link } : {}];
    }
    // GET …/issues/{n}/dependencies/blocked_by and …/blocking: the issues, paginated as the others
    const dependencies = new RegExp(`^${repoPath}/issues/(\\d+)/dependencies/(blocked_by|blocking)$`, 'i').exec(p);
    if (dependencies) {
      const issue = issues.find((i) => i.number === Number(dependencies[1]));
      if (!issue) return [404, errors.notFound, {}];
      const others = dependencies[2] === 'blocked_by' ? blockers(issue) : blocked(issue);
      const { page, link } = paged(
        url,
        others.map((i) => issueJson(base, i)),
      );
      return [200, page, link ? { link } : {}];
    }
    return [404, errors.notFound, {}];
  }

  const api = await startFakeApi({
    route: (req, url, _body, base) => route(req, url, `${base}${prefix}`),
    faultBody: errors.secondaryRateLimit,
  });
  const origin = api.url;
  return {
    /** the API's address, as `--url` takes it (GitHub Enterprise Server's form) */
    url: `${origin}${prefix}`,
    token,
    requests: api.requests,
    errors,
    setIssues: (next: FakeGitHubIssue[]) => void (issues = next),
    /** the next `times` requests whose path passes `when` get this answer */
    failNext: api.failNext,
    close: api.close,
  };
}

export type FakeGitHub = Awaited<ReturnType<typeof startFakeGitHub>>;

/**
 * `count` issues #1… created a day apart from `start`, labelled Alpha (a team) from their creation, then each labelled
 * with the statuses of `path` an hour apart from its third day ("closed" closes it); event ids unique across issues.
 */
export function githubIssues(start: DateTime, count: number, path: string[] = ['In Progress', 'closed']) {
  return Array.from({ length: count }, (_, i): FakeGitHubIssue => {
    const created = start.plus({ days: i });
    const moves = path.map(
      (to, k): FakeEvent => ({
        id: 5_000_000 + i * 10 + k + 1,
        at: created.plus({ days: 2, hours: k }),
        ...(to === 'closed' || to === 'reopened' ? { event: to } : { event: 'labeled', label: to }),
      }),
    );
    return {
      id: 1_000 + i,
      number: i + 1,
      title: `Issue ${i + 1}`,
      created,
      labels: ['Alpha', ...path.filter((to) => to !== 'closed' && to !== 'reopened')],
      events: [{ id: 5_000_000 + i * 10, at: created, event: 'labeled', label: 'Alpha' }, ...moves],
    };
  });
}
