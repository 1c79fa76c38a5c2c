import type { Octokit } from '@octokit/rest' with { 'resolution-mode': 'import' };
import { z } from 'zod';
import { LABEL, type TrackerLink, type TrackerStatus, withLinks } from '../../domain/tracker';
import { IMPORT_PAGE_ITEMS, type ItemHistory, type StatusChange } from '../../domain/tracker-import';
import { instant } from '../parse-time';
import { readFailure, repositoryFailure } from './github-answers';
import {
  type HistoryPage,
  type HistorySource,
  isUnreadable,
  READ_TIMEOUT_MS,
  skip,
  type TrackerHistory,
} from './history';
import { inTurns, patiently, type ReadFailure } from './patiently';

/** Issues whose events are read at once: GitHub asks for few concurrent requests (its secondary limits). */
const EVENTS_AT_ONCE = 4;
/** GitHub's largest page. */
const EVENTS_PAGE = 100;
const GONE = 'gone from GitHub (or hidden from the token) while it was read';

/** An issue is created open; closing and reopening move it between these two, as the webhook says them. */
const OPEN: TrackerStatus = { id: null, name: 'open', category: 'opened' };
const CLOSED: TrackerStatus = { id: null, name: 'closed', category: 'closed' };

const label = z.union([z.string(), z.object({ name: z.string() })]);
const issue = z.object({
  id: z.number(),
  number: z.number().int(),
  title: z.string(),
  html_url: z.url(),
  repository_url: z.url(),
  state: z.string(),
  created_at: instant,
  labels: z.array(label).default([]),
  pull_request: z.unknown().optional(),
  /** how many issues block it and it blocks (GitHub's issue dependencies); absent where GitHub has none */
  issue_dependencies_summary: z.object({ blocked_by: z.number(), blocking: z.number() }).optional(),
});
type Issue = z.infer<typeof issue>;
const event = z.object({
  id: z.number(),
  event: z.string(),
  created_at: instant,
  label: z.object({ name: z.string() }).nullish(),
});
type IssueEvent = z.infer<typeof event>;
const repository = z.object({ full_name: z.string() });
const found = z.object({ total_count: z.number().int() });

/**
 * GitHub's history of one repository's issues through @octokit/rest: the issues updated since the date (`GET
 * /repos/{owner}/{repo}/issues`, state all, oldest created first, a page of 100 at a time by its Link header; pull
 * requests left out), and each issue's events (`GET …/issues/{n}/events`): closed, reopened and labeled, mapped as the
 * webhook maps them (trackers/github.ts). The query is `owner/repo`; the token a fine-grained one with Issues: Read, or
 * a classic one with `repo`. GitHub Enterprise Server: its API address (`https://host/api/v3`) as the base URL.
 */
export function githubHistory(source: HistorySource): TrackerHistory {
  const [owner, repo] = source.query.split('/');
  let loaded: Promise<Octokit> | null = null;
  // Octokit's REST methods are a large table: only a process that imports loads them
  const client = () => (loaded ??= import('@octokit/rest').then(({ Octokit }) => clientFor(Octokit, source)));
  const read = (error: unknown) => readFailure(error, source.baseUrl);
  const ofRepository = (error: unknown) =>
    repositoryFailure(read(error), source.query, (error as { response?: { data?: unknown } }).response?.data);
  const first = new URLSearchParams({
    state: 'all',
    since: source.since.toUTC().toISO()!,
    sort: 'created',
    direction: 'asc',
    per_page: String(IMPORT_PAGE_ITEMS),
  }).toString();

  return {
    async check() {
      repository.parse(
        (await patiently(async () => (await client()).rest.repos.get({ owner, repo }), ofRepository)).data,
      );
      return { expected: await count(client, source).catch(() => null) };
    },
    async page(cursor) {
      const answer = await patiently(
        async () =>
          (await client()).request('GET /repos/{owner}/{repo}/issues', {
            owner,
            repo,
            ...Object.fromEntries(new URLSearchParams(cursor ?? first)),
          }),
        ofRepository,
      );
      const issues = z
        .array(issue)
        .parse(answer.data)
        .filter((i) => i.pull_request === undefined);
      const events = await inTurns(issues, EVENTS_AT_ONCE, (i) => eventsOf(client, read, owner, repo, i.number));
      const links = await inTurns(issues, EVENTS_AT_ONCE, (i) => linksOf(client, read, owner, repo, i));
      const skipped: Record<string, number> = {};
      const items: ItemHistory[] = [];
      issues.forEach((one, i) => {
        const history = events[i];
        if (history === 'gone') skip(skipped, GONE);
        else items.push({ ...itemHistory(one, history), ...withLinks(links[i]) });
      });
      return { items, skipped, next: nextPage(answer.headers.link) };
    },
  };
}

/** How many issues the search finds updated since the date: an estimate for the progress, null when it won't say. */
async function count(client: () => Promise<Octokit>, source: HistorySource): Promise<number | null> {
  const q = `repo:${source.query} is:issue updated:>=${source.since.toUTC().toISODate()}`;
  const answer = await (await client()).rest.search.issuesAndPullRequests({ q, per_page: 1 });
  return found.parse(answer.data).total_count;
}

/** An issue's events, every page; 'gone' when it was deleted or hidden since the list named it. */
async function eventsOf(
  client: () => Promise<Octokit>,
  read: (error: unknown) => ReadFailure,
  owner: string,
  repo: string,
  number: number,
): Promise<IssueEvent[] | 'gone'> {
  try {
    const all = await patiently(async () => {
      const octokit = await client();
      return octokit.paginate(octokit.rest.issues.listEvents, {
        owner,
        repo,
        issue_number: number,
        per_page: EVENTS_PAGE,
      });
    }, read);
    return z.array(event).parse(all);
  } catch (error) {
    const failure = isUnreadable(error) ? error.data.failure : null;
    if (failure?.problem === 'tracker-failed' && (failure.status === 404 || failure.status === 410)) return 'gone';
    throw error;
  }
}

/**
 * The issues it is blocked by and those it blocks (GitHub's issue dependencies, `GET …/issues/{n}/dependencies/
 * blocked_by` and `…/blocking`), as links in GitHub's words. A side its summary counts none of is not asked; a GitHub
 * without issue dependencies (older Enterprise Server: 404) has none.
 */
async function linksOf(
  client: () => Promise<Octokit>,
  read: (error: unknown) => ReadFailure,
  owner: string,
  repo: string,
  one: Issue,
): Promise<TrackerLink[] | undefined> {
  const sides = [
    { relation: 'blocked by', path: 'blocked_by', count: one.issue_dependencies_summary?.blocked_by },
    { relation: 'blocking', path: 'blocking', count: one.issue_dependencies_summary?.blocking },
  ] as const;
  const links: TrackerLink[] = [];
  for (const side of sides.filter((s) => s.count !== 0)) {
    try {
      const all = await patiently(async () => {
        const octokit = await client();
        return octokit.paginate(`GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/${side.path}`, {
          owner,
          repo,
          issue_number: one.number,
          per_page: EVENTS_PAGE,
        });
      }, read);
      for (const other of z.array(linked).parse(all))
        links.push({ relation: side.relation, key: `${repositoryOf(other.repository_url)}#${other.number}` });
    } catch (error) {
      const failure = isUnreadable(error) ? error.data.failure : null;
      if (failure?.problem === 'tracker-failed' && (failure.status === 404 || failure.status === 410)) return undefined;
      throw error;
    }
  }
  return links;
}

const linked = z.object({ number: z.number().int(), repository_url: z.url() });
/** `owner/repo` of an issue's `repository_url`. */
const repositoryOf = (url: string) => new URL(url).pathname.split('/').slice(-2).join('/');

/**
 * The issue as a webhook would name it (key `owner/repo#n`, labels as team hints) and its status changes: closed and
 * reopened between open and closed, a label added as a status named by the label. A label removed is no status
 * change, as its webhook is none. Each change's `from` is where the issue was (open or closed), so its creation, open,
 * comes first.
 */
function itemHistory(one: Issue, events: IssueEvent[]): ItemHistory {
  const ordered = [...events].sort((a, b) => a.created_at.toMillis() - b.created_at.toMillis() || a.id - b.id);
  const changes: StatusChange[] = [];
  let now = OPEN;
  for (const e of ordered) {
    const change = (to: TrackerStatus) => changes.push({ id: String(e.id), at: e.created_at, from: now, to });
    if (e.event === 'closed') change(CLOSED), (now = CLOSED);
    else if (e.event === 'reopened') change(OPEN), (now = OPEN);
    else if (e.event === 'labeled' && e.label) change({ id: null, name: e.label.name, category: LABEL });
  }
  const repository = repositoryOf(one.repository_url);
  return {
    id: String(one.id),
    item: { key: `${repository}#${one.number}`, title: one.title, url: one.html_url, createdAt: one.created_at },
    teamHints: one.labels.map((l) => (typeof l === 'string' ? l : l.name)),
    status: one.state === 'closed' ? CLOSED : OPEN,
    changes,
  };
}

/** The query of the Link header's next page (GitHub's pagination), or null on the last page. */
export function nextPage(link: string | undefined): HistoryPage['next'] {
  const next = link
    ?.split(',')
    .map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part)?.[1])
    .find(Boolean);
  if (!next) return null;
  return new URL(next).search.slice(1) || null;
}

function clientFor(Client: typeof Octokit, source: HistorySource): Octokit {
  const quiet = () => {};
  return new Client({
    auth: source.token,
    baseUrl: source.baseUrl,
    userAgent: 'nexus-flow',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    request: {
      fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(READ_TIMEOUT_MS) }),
    },
  });
}
