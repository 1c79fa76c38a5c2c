import type { IncomingMessage } from 'node:http';
import type { DateTime } from 'luxon';
import { fixtures, startFakeApi } from './fake-api';

const fixture = fixtures('jira-api');

/** Jira's statuses: the published three, plus one of Jira's "No Category" (key `undefined`), which maps nowhere. */
const STATUSES: Record<string, any>[] = [
  ...fixture('status.json'),
  {
    ...fixture('status.json')[0],
    id: '10007',
    name: 'Parked',
    statusCategory: { id: 1, key: 'undefined', colorName: 'medium-gray', name: 'No Category' },
  },
];
/** A status as Jira's API and webhooks give it (with its category). */
export const statusNamed = (name: string): Record<string, any> => {
  const found = STATUSES.find((s) => s.name === name);
  if (!found) throw new Error(`the fake Jira has no status ${name}`);
  return found;
};

/** An issue as the fake Jira keeps it: where it started and each status change (ids are Jira's changelog ids). */
export type FakeIssue = {
  id: string;
  key: string;
  summary: string;
  created: DateTime;
  components?: string[];
  labels?: string[];
  /** its links as Jira shows them on it: "is blocked by" (inward) or "blocks" (outward) the issue keyed */
  links?: { blockedBy?: string; blocks?: string; relatesTo?: string }[];
  initial: string;
  moves: { id: string; at: DateTime; to: string }[];
  /** its rank (a LexoRank, `0|i0000f:`) in the Rank field, customfield_10019 as on most Jira Cloud sites */
  rank?: string;
};

/** The Rank field's id in the fake's `GET /rest/api/3/field` (fields.json). */
export const RANK_FIELD = 'customfield_10019';

/** Jira's time format: `2025-11-10T09:12:45.000+0000`. */
const jiraTime = (at: DateTime) => at.toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'+0000'");

/**
 * Jira Cloud's REST API v3 on a loopback port, as much as an import reads: statuses, the approximate count and the
 * token-paginated JQL search, issue changelogs (paginated), basic auth; answers in the shapes of Atlassian's published
 * examples (test/fixtures/trackers/jira-api). A test can make requests fail (429 with Retry-After, 401…).
 */
export async function startFakeJira(
  opts: { email?: string; apiToken?: string; issues?: FakeIssue[]; bulkChangelogs?: boolean; delayMs?: number } = {},
) {
  const email = opts.email ?? 'nit@example.com';
  const apiToken = opts.apiToken ?? 'ATATT3xFfGF0-test-token';
  let issues = opts.issues ?? [];
  /** by id and by key: a large import's bulk requests name 100 issues each, of thousands */
  let byIdOrKey = indexed(issues);
  let badJql: ((jql: string) => boolean) | null = null;
  const errors = fixture('errors.json');

  const statusOf = (issue: FakeIssue) => statusNamed(issue.moves.at(-1)?.to ?? issue.initial);
  const updated = (issue: FakeIssue) => (issue.moves.at(-1)?.at ?? issue.created).toMillis();
  /** The issues a JQL finds: the fake reads only `updated >= "YYYY-MM-DD"`, and keeps Jira's order (created). */
  const found = (jql: string) => {
    const since = /updated >= "(\d{4}-\d{2}-\d{2})"/.exec(jql)?.[1];
    const from = since ? Date.parse(`${since}T00:00:00Z`) : 0;
    return issues.filter((i) => updated(i) >= from).sort((a, b) => a.created.toMillis() - b.created.toMillis());
  };

  /** `fields.issuelinks` as Jira gives them: one entry a link, with the other issue on the side naming the relation. */
  function issueLinksOf(base: string, issue: FakeIssue) {
    const [blocks, relates] = fixture('issuelinks.json');
    return (issue.links ?? []).map((link, i) => {
      const key = link.blockedBy ?? link.blocks ?? link.relatesTo!;
      const other = { ...(blocks.inwardIssue as object), id: byIdOrKey.get(key)?.id ?? key, key };
      const entry = { id: `${issue.id}${i}`, self: `${base}/rest/api/3/issueLink/${issue.id}${i}` };
      if (link.blockedBy) return { ...entry, type: blocks.type, inwardIssue: other };
      if (link.blocks) return { ...entry, type: blocks.type, outwardIssue: other };
      return { ...entry, type: relates.type, outwardIssue: other };
    });
  }

  function issueJson(base: string, issue: FakeIssue, fields: readonly string[]) {
    const template = structuredClone(fixture('search-jql.json').issues[0]);
    template.id = issue.id;
    template.key = issue.key;
    template.self = `${base}/rest/api/3/issue/${issue.id}`;
    template.fields.summary = issue.summary;
    template.fields.created = jiraTime(issue.created);
    template.fields.status = statusOf(issue);
    template.fields.components = (issue.components ?? []).map((name) => ({ ...template.fields.components[0], name }));
    template.fields.labels = issue.labels ?? [];
    // Jira returns the fields asked for: issuelinks only when named
    if (fields.includes('issuelinks')) template.fields.issuelinks = issueLinksOf(base, issue);
    if (fields.includes(RANK_FIELD) && issue.rank) template.fields[RANK_FIELD] = issue.rank;
    return template;
  }

  /** The changelog as Jira keeps it: each status change, and a label change before them (not the flow's). */
  function changelogOf(issue: FakeIssue) {
    const page = fixture('changelog.json');
    const [label, status] = page.values;
    const entries = [{ ...label, id: `${issue.id}0`, created: jiraTime(issue.created.plus({ minutes: 1 })) }];
    let from = statusNamed(issue.initial);
    for (const move of issue.moves) {
      const to = statusNamed(move.to);
      entries.push({
        ...status,
        id: move.id,
        created: jiraTime(move.at),
        items: [{ ...status.items[0], from: from.id, fromString: from.name, to: to.id, toString: to.name }],
      });
      from = to;
    }
    return entries;
  }

  /**
   * POST /rest/api/3/changelog/bulkfetch: the issues' changelogs sorted by date then issue id, filtered by field,
   * `maxResults` entries a page; `created` in epoch milliseconds, as Atlassian's example of it has it.
   */
  function bulkChangelogs(request: {
    issueIdsOrKeys: string[];
    fieldIds?: string[];
    maxResults?: number;
    nextPageToken?: string;
  }) {
    const template = fixture('bulk-changelog.json').issueChangeLogs[0].changeHistories[0];
    const all = request.issueIdsOrKeys
      .map((idOrKey) => byIdOrKey.get(idOrKey))
      .filter((i): i is FakeIssue => i !== undefined)
      .flatMap((issue) =>
        changelogOf(issue)
          .filter((e) => !request.fieldIds || request.fieldIds.includes(e.items[0].fieldId))
          .map((e) => ({
            issueId: issue.id,
            entry: {
              ...template,
              id: e.id,
              created: Date.parse(e.created.replace(/(\d\d)(\d\d)$/, '$1:$2')),
              items: e.items,
            },
          })),
      )
      .sort((a, b) => a.entry.created - b.entry.created || Number(a.issueId) - Number(b.issueId));
    const offset = Number(Buffer.from(request.nextPageToken ?? 'MA', 'base64url').toString() || 0);
    const size = Math.min(request.maxResults ?? 1000, 10_000);
    const page = all.slice(offset, offset + size);
    const byIssue = new Map<string, unknown[]>();
    for (const { issueId, entry } of page) byIssue.set(issueId, [...(byIssue.get(issueId) ?? []), entry]);
    return {
      issueChangeLogs: [...byIssue].map(([issueId, changeHistories]) => ({ issueId, changeHistories })),
      ...(offset + size < all.length
        ? { nextPageToken: Buffer.from(String(offset + size)).toString('base64url') }
        : {}),
    };
  }

  const authorised = (req: IncomingMessage) =>
    req.headers.authorization === `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;

  function route(req: IncomingMessage, url: URL, body: string, base: string): [number, unknown] {
    if (!authorised(req)) return [401, errors.unauthorized];
    const p = url.pathname;
    if (req.method === 'GET' && p === '/rest/api/3/status') return [200, STATUSES];
    if (req.method === 'GET' && p === '/rest/api/3/field') return [200, fixture('fields.json')];
    if (req.method === 'POST' && p === '/rest/api/3/search/approximate-count') {
      const { jql } = JSON.parse(body) as { jql: string };
      if (badJql?.(jql)) return [400, errors.badJql];
      return [200, { ...errors.approximateCount, count: found(jql).length }];
    }
    if (req.method === 'GET' && p === '/rest/api/3/search/jql') {
      const jql = url.searchParams.get('jql') ?? '';
      if (badJql?.(jql)) return [400, errors.badJql];
      const offset = Number(Buffer.from(url.searchParams.get('nextPageToken') ?? 'MA', 'base64url').toString() || 0);
      const size = Math.min(Number(url.searchParams.get('maxResults') ?? 50), 5000);
      const all = found(jql);
      const page = all.slice(offset, offset + size);
      const isLast = offset + size >= all.length;
      const fields = url.searchParams.getAll('fields').flatMap((f) => f.split(','));
      return [
        200,
        {
          isLast,
          issues: page.map((i) => issueJson(base, i, fields)),
          // like Jira Cloud, the last page has no token at all (JRACLOUD-92184)
          ...(isLast ? {} : { nextPageToken: Buffer.from(String(offset + size)).toString('base64url') }),
        },
      ];
    }
    if (req.method === 'POST' && p === '/rest/api/3/changelog/bulkfetch' && opts.bulkChangelogs !== false)
      return [200, bulkChangelogs(JSON.parse(body))];
    const changelog = /^\/rest\/api\/3\/issue\/([^/]+)\/changelog$/.exec(p);
    if (req.method === 'GET' && changelog) {
      const issue = byIdOrKey.get(changelog[1]);
      if (!issue)
        return [404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} }];
      const startAt = Number(url.searchParams.get('startAt') ?? 0);
      const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 100), 100);
      const all = changelogOf(issue);
      const values = all.slice(startAt, startAt + maxResults);
      const isLast = startAt + maxResults >= all.length;
      const self = `${base}/rest/api/3/issue/${issue.key}/changelog`;
      return [
        200,
        {
          self: `${self}?startAt=${startAt}&maxResults=${maxResults}`,
          ...(isLast ? {} : { nextPage: `${self}?&startAt=${startAt + maxResults}&maxResults=${maxResults}` }),
          maxResults,
          startAt,
          total: all.length,
          isLast,
          values,
        },
      ];
    }
    return [404, { errorMessages: ['Not found'], errors: {} }];
  }

  const api = await startFakeApi({
    route,
    faultBody: errors.rateLimited,
    // a slow Jira (delayMs) is slow to search and to read changelogs; the import command's first questions are quick
    slow: opts.delayMs ? { when: (p) => /\/(search\/jql|bulkfetch|changelog)$/.test(p), ms: opts.delayMs } : undefined,
  });
  const url = api.url;
  return {
    url,
    /** the token `/nexus import jira --token` takes */
    token: `${email}:${apiToken}`,
    requests: api.requests,
    setIssues: (next: FakeIssue[]) => {
      issues = next;
      byIdOrKey = indexed(next);
    },
    /** JQL Jira would reject (400 with its ErrorCollection) */
    rejectJql: (when: (jql: string) => boolean) => void (badJql = when),
    /** the next `times` requests whose path passes `when` get this answer */
    failNext: api.failNext,
    close: api.close,
  };
}

function indexed(issues: FakeIssue[]): Map<string, FakeIssue> {
  const index = new Map<string, FakeIssue>();
  for (const issue of issues) index.set(issue.key, issue);
  for (const issue of issues) index.set(issue.id, issue); // an id wins over a key that spells it, as Jira's lookup
  return index;
}

export type FakeJira = Awaited<ReturnType<typeof startFakeJira>>;

/**
 * `count` issues ED-1… created a day apart from `start`, each To Do → In Progress → Done (or fewer moves), an hour
 * apart from its third day; changelog ids are unique across issues.
 */
export function jiraIssues(start: DateTime, count: number, path: string[] = ['In Progress', 'Done']): FakeIssue[] {
  return Array.from({ length: count }, (_, i) => {
    const created = start.plus({ days: i });
    return {
      id: String(10_000 + i),
      key: `ED-${i + 1}`,
      summary: `Issue ${i + 1}`,
      created,
      components: ['Alpha'],
      initial: 'To Do',
      moves: path.map((to, k) => ({ id: String(20_000 + i * 10 + k), at: created.plus({ days: 2, hours: k }), to })),
    };
  });
}
