import type { Version3Client } from 'jira.js';
import { z } from 'zod';
import type { TrackerStatus } from '../../domain/tracker';
import type { StatusChange } from '../../domain/tracker-import';
import { epochMillis, instant } from '../parse-time';
import { isUnreadable, type Unreadable } from './history';
import { inTurns, patiently, type ReadFailure } from './patiently';

/** Changelog entries a bulk request asks for at once (Jira's default page). */
const BULK_PAGE = 1_000;
/** Changelogs read at once when read issue by issue: a page of 100 issues in about 25 turns. */
const CHANGELOGS_AT_ONCE = 4;
/** Jira's largest page of one issue's changelog. */
const CHANGELOG_PAGE = 100;

const entry = z.object({
  id: z.string(),
  // the per-issue changelog says ISO-8601; Atlassian's example of the bulk one, epoch milliseconds
  created: z.union([instant, epochMillis]),
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
});
type Entry = z.infer<typeof entry>;
const bulkPage = z.object({
  issueChangeLogs: z.array(z.object({ issueId: z.string(), changeHistories: z.array(entry).default([]) })).default([]),
  nextPageToken: z.string().nullish(),
});
const issuePage = z.object({
  isLast: z.boolean().optional(),
  total: z.number().optional(),
  values: z.array(entry).default([]),
});

/** What reading changelogs needs: the client, how Jira's failures read, the statuses' categories by id. */
export type ChangelogReader = {
  client: () => Promise<Version3Client>;
  read: (error: unknown) => ReadFailure;
  categories: ReadonlyMap<string, string>;
  /** false once Jira answered that it has no bulk changelog (Data Center, or an older site): issue by issue then */
  bulk: { works: boolean };
};

/**
 * The status changes of each issue, oldest first, by issue id; 'gone' for an issue deleted (or hidden from the token)
 * since the search found it. One bulk request (`POST /rest/api/3/changelog/bulkfetch`, status changes only) reads a
 * page's issues together; a Jira without it is read issue by issue (`/rest/api/3/issue/{id}/changelog`).
 */
export async function statusChanges(
  reader: ChangelogReader,
  ids: readonly string[],
): Promise<Map<string, StatusChange[] | 'gone'>> {
  if (reader.bulk.works) {
    const all = await bulk(reader, ids).catch((error: unknown) => {
      if (!isUnreadable(error) || !lacksBulk(error.data)) throw error;
      reader.bulk.works = false;
      return null;
    });
    if (all) return all;
  }
  const each = await inTurns(ids, CHANGELOGS_AT_ONCE, (id) => oneByOne(reader, id));
  return new Map(ids.map((id, i) => [id, each[i]]));
}

async function bulk(reader: ChangelogReader, ids: readonly string[]): Promise<Map<string, StatusChange[]>> {
  const found = new Map(ids.map((id): [string, StatusChange[]] => [id, []]));
  let nextPageToken: string | undefined;
  do {
    const page = bulkPage.parse(
      await patiently(
        async () =>
          (await reader.client()).issues.getBulkChangelogs({
            issueIdsOrKeys: [...ids],
            fieldIds: ['status'],
            maxResults: BULK_PAGE,
            nextPageToken,
          }),
        reader.read,
      ),
    );
    for (const { issueId, changeHistories } of page.issueChangeLogs)
      found.get(issueId)?.push(...changeHistories.flatMap((e) => statusChange(reader, e)));
    nextPageToken = page.nextPageToken || undefined;
  } while (nextPageToken);
  return found;
}

async function oneByOne(reader: ChangelogReader, id: string): Promise<StatusChange[] | 'gone'> {
  const changes: StatusChange[] = [];
  for (let startAt = 0; ; ) {
    let page: z.infer<typeof issuePage>;
    try {
      page = issuePage.parse(
        await patiently(
          async () =>
            (await reader.client()).issues.getChangeLogs({ issueIdOrKey: id, startAt, maxResults: CHANGELOG_PAGE }),
          reader.read,
        ),
      );
    } catch (error) {
      // deleted, or hidden by issue security, between the search and now: the rest of the page goes on
      if (isUnreadable(error) && isGone(error.data)) return 'gone';
      throw error;
    }
    changes.push(...page.values.flatMap((e) => statusChange(reader, e)));
    startAt += page.values.length;
    if (page.isLast !== false || !page.values.length || (page.total !== undefined && startAt >= page.total))
      return changes;
  }
}

/** The entry's status change, if it changed the status (an entry may change other fields only). */
function statusChange(reader: ChangelogReader, { id, created, items }: Entry): StatusChange[] {
  const item = items.find((i) => (i.fieldId ?? i.field) === 'status');
  if (!item?.toString) return [];
  const status = (statusId: string | null | undefined, name: string): TrackerStatus => ({
    id: statusId ?? null,
    name,
    category: (statusId && reader.categories.get(statusId)) || null,
  });
  const from = item.fromString ? status(item.from, item.fromString) : null;
  return [{ id, at: created, from, to: status(item.to, item.toString) }];
}

/**
 * Jira has no bulk changelog here (404), or would not answer the request whole (400: an issue it no longer has; 403:
 * one hidden by issue security): issue by issue, such an issue is skipped and the rest read.
 */
function lacksBulk({ failure }: Unreadable): boolean {
  if (failure.problem === 'tracker-failed') return failure.status === 404;
  return failure.problem === 'bad-query' || failure.problem === 'forbidden';
}

/** An issue the search found that is not there any more for the token: deleted (404), or issue security (403). */
function isGone({ failure }: Unreadable): boolean {
  return (failure.problem === 'tracker-failed' && failure.status === 404) || failure.problem === 'forbidden';
}
