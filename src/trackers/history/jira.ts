import type { Version3Client } from 'jira.js';
import { z } from 'zod';
import type { TrackerStatus } from '../../domain/tracker';
import { IMPORT_PAGE_ITEMS, type ItemHistory, type StatusChange } from '../../domain/tracker-import';
import { instant } from '../parse-time';
import { type HistorySource, isUnreadable, skip, type TrackerHistory, type Unreadable } from './history';
import { inTurns, patiently, type ReadFailure, retryAfterMs } from './patiently';

/** The fields an import needs of an issue: what the webhook reads of it too. */
const FIELDS = ['summary', 'status', 'created', 'components', 'labels'];
/** Changelogs read at once: a page of 100 issues in about 25 turns, well inside Jira's rate limits. */
const CHANGELOGS_AT_ONCE = 4;
/** Jira's largest changelog page. */
const CHANGELOG_PAGE = 100;
/** How long a request may take before the tracker counts as not answering. */
const TIMEOUT_MS = 20_000;

const status = z.object({ id: z.string(), name: z.string(), statusCategory: z.object({ key: z.string() }).optional() });
const issue = z.object({
  id: z.string(),
  key: z.string().min(1),
  self: z.url(),
  fields: z.object({
    summary: z.string(),
    created: instant,
    status: status.optional(),
    labels: z.array(z.string()).default([]),
    components: z.array(z.object({ name: z.string() })).default([]),
  }),
});
const searchPage = z.object({ issues: z.array(issue).default([]), nextPageToken: z.string().nullish() });
const changelogPage = z.object({
  isLast: z.boolean().optional(),
  total: z.number().optional(),
  values: z
    .array(
      z.object({
        id: z.string(),
        created: instant,
        items: z
          .array(
            z.object({
              field: z.string(),
              fieldId: z.string().optional(),
              from: z.string().nullish(),
              fromString: z.string().nullish(),
              to: z.string().nullish(),
              toString: z.string().nullish(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

/**
 * Jira Cloud's history through jira.js (Version3Client): issues by JQL (`/rest/api/3/search/jql`, token-paginated),
 * each issue's changelog (`/rest/api/3/issue/{id}/changelog`, paginated), the statuses' categories (`/rest/api/3/status`)
 * so a status maps as a webhook's would. The token is `email:api-token` (basic auth) or a bearer token.
 */
export function jiraHistory(source: HistorySource): TrackerHistory {
  let loaded: Promise<Version3Client> | null = null;
  // jira.js is large (about a second and 20 MB to load): only a process that imports pays for it
  const client = () => (loaded ??= import('jira.js').then((jira) => clientFor(jira.Version3Client, source)));
  const jql = importJql(source.query, source.since.toUTC().toISODate()!);
  const read = (error: unknown) => readFailure(error, source.baseUrl);
  let categories: Promise<Map<string, string>> | null = null;
  const statusCategories = () => {
    categories ??= patiently(async () => (await client()).workflowStatuses.getStatuses(), read).then(
      (all) =>
        new Map(
          z
            .array(status)
            .parse(all)
            .map((s) => [s.id, s.statusCategory?.key ?? '']),
        ),
    );
    return categories;
  };

  async function changelog(id: string): Promise<StatusChange[] | 'gone'> {
    const changes: StatusChange[] = [];
    const known = await statusCategories();
    const at = (id: string | null | undefined, name: string): TrackerStatus => ({
      id: id ?? null,
      name,
      category: (id && known.get(id)) || null,
    });
    for (let startAt = 0; ; ) {
      let page: z.infer<typeof changelogPage>;
      try {
        page = changelogPage.parse(
          await patiently(
            async () =>
              (await client()).issues.getChangeLogs({ issueIdOrKey: id, startAt, maxResults: CHANGELOG_PAGE }),
            read,
          ),
        );
      } catch (error) {
        // deleted, or hidden by issue security, between the search and now: the rest of the page goes on
        if (isUnreadable(error) && isGone(error.data)) return 'gone';
        throw error;
      }
      for (const entry of page.values) {
        const item = entry.items.find((i) => (i.fieldId ?? i.field) === 'status');
        if (!item?.toString) continue;
        const from = item.fromString ? at(item.from, item.fromString) : null;
        changes.push({ id: entry.id, at: entry.created, from, to: at(item.to, item.toString) });
      }
      startAt += page.values.length;
      if (page.isLast !== false || !page.values.length || (page.total !== undefined && startAt >= page.total))
        return changes;
    }
  }

  return {
    async check() {
      await statusCategories();
      const { count } = await patiently(async () => (await client()).issueSearch.countIssues({ jql }), read);
      return { expected: typeof count === 'number' ? count : null };
    },
    async page(cursor) {
      const found = searchPage.parse(
        await patiently(
          async () =>
            (await client()).issueSearch.searchForIssuesUsingJqlEnhancedSearch({
              jql,
              nextPageToken: cursor ?? undefined,
              maxResults: IMPORT_PAGE_ITEMS,
              fields: FIELDS,
            }),
          read,
        ),
      );
      const known = await statusCategories();
      const skipped: Record<string, number> = {};
      const items = await inTurns(found.issues, CHANGELOGS_AT_ONCE, async (found): Promise<ItemHistory | null> => {
        const changes = await changelog(found.id);
        if (changes === 'gone') {
          skip(skipped, 'gone from Jira (or hidden from the token) while it was read');
          return null;
        }
        const now = found.fields.status;
        return {
          id: found.id,
          item: {
            key: found.key,
            title: found.fields.summary,
            url: `${new URL(found.self).origin}/browse/${found.key}`,
            createdAt: found.fields.created,
          },
          teamHints: [...found.fields.components.map((c) => c.name), ...found.fields.labels],
          status: now
            ? { id: now.id, name: now.name, category: now.statusCategory?.key ?? known.get(now.id) ?? null }
            : { id: null, name: 'unknown', category: null },
          changes,
        };
      });
      return {
        items: items.filter((i): i is ItemHistory => i !== null),
        skipped,
        next: found.nextPageToken || null,
      };
    },
  };
}

/** `email:api-token` is basic auth (Jira Cloud's API tokens); anything else a bearer token (OAuth, a Data Center PAT). */
function clientFor(Client: typeof Version3Client, source: HistorySource): Version3Client {
  const colon = source.token.indexOf(':');
  const common = { host: source.baseUrl, baseRequestConfig: { timeout: TIMEOUT_MS } };
  return colon > 0
    ? new Client({
        ...common,
        authentication: { basic: { email: source.token.slice(0, colon), apiToken: source.token.slice(colon + 1) } },
      })
    : new Client({ ...common, authentication: { oauth2: { accessToken: source.token } } });
}

/** An issue the search found that is not there any more for the token: deleted (404), or issue security (403). */
function isGone({ failure }: Unreadable): boolean {
  return (failure.problem === 'tracker-failed' && failure.status === 404) || failure.problem === 'forbidden';
}

/**
 * The JQL an import searches with: the NIT's query (any ORDER BY kept at the end) and the items changed since
 * `since`, oldest created first unless the query orders them. Jira refuses an unbounded query; `updated >=` bounds it.
 */
export function importJql(query: string, since: string): string {
  const { where, orderBy } = splitOrderBy(query.trim());
  const bound = `updated >= "${since}"`;
  return `${where ? `(${where}) AND ${bound}` : bound} ORDER BY ${orderBy ?? 'created ASC'}`;
}

/** A JQL query's ORDER BY clause apart from the rest, reading past quoted text ("order by" in a summary). */
export function splitOrderBy(jql: string): { where: string; orderBy: string | null } {
  let quote: string | null = null;
  for (let i = 0; i < jql.length; i++) {
    const c = jql[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (/^order\s+by\b/i.test(jql.slice(i)) && (i === 0 || /\s|\)/.test(jql[i - 1]))) {
      return {
        where: jql.slice(0, i).trim(),
        orderBy:
          jql
            .slice(i)
            .replace(/^order\s+by\s*/i, '')
            .trim() || null,
      };
    }
  }
  return { where: jql, orderBy: null };
}

/**
 * What Jira's answer (through jira.js) means for the import. Never its message or the error itself: axios's carry the
 * request, Authorization header and all.
 */
function readFailure(error: unknown, baseUrl: string): ReadFailure {
  const unreachable = (reason: string): ReadFailure => ({
    failure: { problem: 'unreachable', url: baseUrl, reason },
    retryAfterMs: null,
  });
  if (error instanceof z.ZodError) return unreachable("its answers are not Jira Cloud's REST API");
  // jira.js wraps an answer in its HttpException, with axios's error as the cause; no answer comes as axios's error
  const cause = (isHttpException(error) ? error.cause : error) as AxiosLike | undefined;
  const response = cause?.response;
  if (response) return fromStatus(response.status, response.data, retryAfterMs(response.headers?.['retry-after']));
  if (cause?.isAxiosError) return unreachable(cause.code ?? 'no answer');
  return { failure: { problem: 'tracker-failed', status: 0 }, retryAfterMs: null };
}

/** jira.js's HttpException, known by its name (jira.js itself is loaded only when an import runs). */
function isHttpException(error: unknown): error is Error & { cause: unknown } {
  return error instanceof Error && error.name === 'HttpException';
}

/** The parts of an axios error read here (jira.js wraps it; axios itself is not ours to import). */
type AxiosLike = {
  isAxiosError?: boolean;
  code?: string;
  response?: { status: number; data: unknown; headers?: Record<string, string | undefined> };
};

function fromStatus(status: number, data: unknown, wait: number | null): ReadFailure {
  const failure = (f: ReadFailure['failure']): ReadFailure => ({ failure: f, retryAfterMs: wait });
  if (status === 401) return failure({ problem: 'unauthorized' });
  if (status === 403) return failure({ problem: 'forbidden', permission: 'Browse projects' });
  if (status === 400) return failure({ problem: 'bad-query', message: jiraMessages(data) });
  if (status === 429) return failure({ problem: 'rate-limited' });
  return failure({ problem: 'tracker-failed', status });
}

/** Jira's ErrorCollection: `errorMessages` and `errors` by field, as one line. */
function jiraMessages(data: unknown): string {
  const parsed = z
    .object({ errorMessages: z.array(z.string()).default([]), errors: z.record(z.string(), z.string()).default({}) })
    .safeParse(data);
  if (!parsed.success) return 'Jira gave no reason';
  return [...parsed.data.errorMessages, ...Object.values(parsed.data.errors)].join(' ') || 'Jira gave no reason';
}
