import type { Version3Client } from 'jira.js';
import { z } from 'zod';
import { withLinks } from '../../domain/tracker';
import { IMPORT_PAGE_ITEMS, type ItemHistory } from '../../domain/tracker-import';
import { issueLinks, jiraLinks } from '../jira-links';
import { jiraRank, RANK_SCHEMA } from '../jira-rank';
import { instant } from '../parse-time';
import { type HistorySource, READ_TIMEOUT_MS, skip, type TrackerHistory } from './history';
import { readFailure } from './jira-answers';
import { type ChangelogReader, statusChanges } from './jira-changelogs';
import { importJql } from './jira-jql';
import { patiently } from './patiently';

/** The fields an import needs of an issue: what the webhook reads of it too. */
const FIELDS = ['summary', 'status', 'created', 'components', 'labels', 'issuelinks'];
const GONE = 'gone from Jira (or hidden from the token) while it was read';

const status = z.object({ id: z.string(), name: z.string(), statusCategory: z.object({ key: z.string() }).optional() });
const issue = z.object({
  id: z.string(),
  key: z.string().min(1),
  self: z.url(),
  // loose: the Rank field is a custom field whose id the site's field list gives
  fields: z.looseObject({
    summary: z.string(),
    created: instant,
    status: status.optional(),
    labels: z.array(z.string()).default([]),
    components: z.array(z.object({ name: z.string() })).default([]),
    issuelinks: issueLinks,
  }),
});
type Issue = z.infer<typeof issue>;
const searchPage = z.object({ issues: z.array(issue).default([]), nextPageToken: z.string().nullish() });

/**
 * Jira Cloud's history through jira.js (Version3Client): issues by JQL (`/rest/api/3/search/jql`, token-paginated),
 * their status changes (jira-changelogs.ts), the statuses' categories (`/rest/api/3/status`) so a status maps as a
 * webhook's would. The token is `email:api-token` (basic auth) or a bearer token.
 */
export function jiraHistory(source: HistorySource): TrackerHistory {
  let loaded: Promise<Version3Client> | null = null;
  // jira.js is large (about a second and 20 MB to load): only a process that imports pays for it
  const client = () => (loaded ??= import('jira.js').then((jira) => clientFor(jira.Version3Client, source)));
  const jql = importJql(source.query, source.since.toUTC().toISODate()!);
  const read = (error: unknown) => readFailure(error, source.baseUrl);
  const bulk = { works: true };
  let categories: Promise<Map<string, string>> | null = null;
  const statusCategories = () => {
    categories ??= patiently(async () => (await client()).workflowStatuses.getStatuses(), read).then(
      (all) =>
        new Map(
          z
            .array(status)
            .parse(all)
            .map((s): [string, string] => [s.id, s.statusCategory?.key ?? '']),
        ),
    );
    return categories;
  };

  let rankField: Promise<string | null> | null = null;
  /** The id of the site's Rank field (null: it has none, as a Jira without Jira Software), asked once per run. */
  const rankFieldId = () => {
    rankField ??= patiently(async () => (await client()).issueFields.getFields(), read).then(
      (all) =>
        z
          .array(z.object({ id: z.string(), schema: z.object({ custom: z.string().optional() }).optional() }))
          .parse(all)
          .find((f) => f.schema?.custom === RANK_SCHEMA)?.id ?? null,
    );
    return rankField;
  };

  return {
    async check() {
      await statusCategories();
      const { count } = await patiently(async () => (await client()).issueSearch.countIssues({ jql }), read);
      return { expected: typeof count === 'number' ? count : null };
    },
    async page(cursor) {
      const rank = await rankFieldId();
      const found = searchPage.parse(
        await patiently(
          async () =>
            (await client()).issueSearch.searchForIssuesUsingJqlEnhancedSearch({
              jql,
              nextPageToken: cursor ?? undefined,
              maxResults: IMPORT_PAGE_ITEMS,
              fields: rank ? [...FIELDS, rank] : FIELDS,
            }),
          read,
        ),
      );
      const reader: ChangelogReader = { client, read, categories: await statusCategories(), bulk };
      const changes = await statusChanges(
        reader,
        found.issues.map((i) => i.id),
      );
      const skipped: Record<string, number> = {};
      const items: ItemHistory[] = [];
      for (const one of found.issues) {
        const history = changes.get(one.id) ?? 'gone';
        if (history === 'gone') skip(skipped, GONE);
        else items.push(itemHistory(one, reader.categories, history, rank));
      }
      return { items, skipped, next: found.nextPageToken || null };
    },
  };
}

function itemHistory(
  issue: Issue,
  categories: ReadonlyMap<string, string>,
  changes: ItemHistory['changes'],
  rankField: string | null,
): ItemHistory {
  const now = issue.fields.status;
  const order = rankField ? jiraRank(issue.fields, rankField) : undefined;
  return {
    id: issue.id,
    item: {
      key: issue.key,
      title: issue.fields.summary,
      url: `${new URL(issue.self).origin}/browse/${issue.key}`,
      createdAt: issue.fields.created,
    },
    teamHints: [...issue.fields.components.map((c) => c.name), ...issue.fields.labels],
    ...withLinks(jiraLinks(issue.fields.issuelinks)),
    ...(order === undefined ? {} : { order }),
    status: now
      ? { id: now.id, name: now.name, category: now.statusCategory?.key ?? categories.get(now.id) ?? null }
      : { id: null, name: 'unknown', category: null },
    changes,
  };
}

/** `email:api-token` is basic auth (Jira Cloud's API tokens); anything else a bearer token (OAuth, a Data Center PAT). */
function clientFor(Client: typeof Version3Client, source: HistorySource): Version3Client {
  const colon = source.token.indexOf(':');
  const common = { host: source.baseUrl, baseRequestConfig: { timeout: READ_TIMEOUT_MS } };
  return colon > 0
    ? new Client({
        ...common,
        authentication: { basic: { email: source.token.slice(0, colon), apiToken: source.token.slice(colon + 1) } },
      })
    : new Client({ ...common, authentication: { oauth2: { accessToken: source.token } } });
}
