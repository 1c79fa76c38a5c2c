import type { WebApi } from 'azure-devops-node-api';
import type { WorkItemTrackingApi } from 'azure-devops-node-api/WorkItemTrackingApi';
import { z } from 'zod';
import type { TrackerStatus } from '../../domain/tracker';
import {
  IMPORT_PAGE_ITEMS,
  type ImportFailure,
  type ItemHistory,
  type StatusChange,
} from '../../domain/tracker-import';
import { azureLinks, relations } from '../azure-links';
import { instant } from '../parse-time';
import { fromStatus, readFailure, SIGN_IN_PAGE } from './azure-answers';
import { type HistorySource, READ_TIMEOUT_MS, skip, type TrackerHistory, unreadable } from './history';
import { inTurns, patiently, type ReadFailure } from './patiently';

/** Work items' updates read at once: a page of 100 items in about 25 turns. */
const UPDATES_AT_ONCE = 4;
/** Updates asked for at a time of one work item (Azure DevOps's largest page of them). */
const UPDATES_PAGE = 200;
/** The most ids one WIQL answers with; the count `check` reports is only told below it. */
const WIQL_MOST = 20_000;
const GONE = 'gone from Azure DevOps (or hidden from the token) while it was read';

const wiqlAnswer = z.object({ workItems: z.array(z.object({ id: z.number().int() })).default([]) });
const workItem = z.object({
  id: z.number().int(),
  fields: z.object({
    'System.Title': z.string(),
    'System.State': z.string().optional(),
    'System.CreatedDate': instant,
    'System.AreaPath': z.string().optional(),
  }),
  relations,
});
type WorkItem = z.infer<typeof workItem>;
const value = <T extends z.ZodType>(v: T) => z.object({ oldValue: v.optional(), newValue: v.optional() });
const update = z.object({
  id: z.number().int(),
  fields: z
    .looseObject({ 'System.State': value(z.string()).optional(), 'System.ChangedDate': value(instant).optional() })
    .optional(),
});
type Update = z.infer<typeof update>;

type Client = { web: WebApi; wit: WorkItemTrackingApi };
/** What reading needs: the client (connected once), how Azure DevOps's failures read, its address. */
type Reader = { client: () => Promise<Client>; read: (error: unknown) => ReadFailure; baseUrl: string };

/**
 * Azure DevOps's history through azure-devops-node-api (`getWorkItemTrackingApi`): the project's work items changed
 * since the date by WIQL, in id order, a page at a time after the last id read; their fields in one batch; each one's
 * updates, of which those that change `System.State` are its moves. The query is the project, then a WIQL condition;
 * the token a personal access token with Work Items (Read).
 */
export function azureHistory(source: HistorySource): TrackerHistory {
  const { project, condition } = splitProject(source.query);
  const since = source.since.toUTC().toISODate()!;
  const read = (error: unknown) => readFailure(error, source.baseUrl);
  let loaded: Promise<Client> | null = null;
  // the library is large (about 0.2 s and 20 MB to load): only a process that imports pays for it
  const client = () => {
    loaded ??= connect(source, read).catch((error: unknown) => {
      loaded = null; // refused for now (a 429, no answer) is asked again on the next try
      throw error;
    });
    return loaded;
  };
  const reader: Reader = { client, read, baseUrl: source.baseUrl };
  /** The ids the WIQL finds after `cursor`, in id order, at most `top`; an unknown project is a bad query. */
  const ids = async (cursor: string | null, top: number) => {
    const query = wiql(condition, since, cursor);
    const { wit } = await client();
    const answer = await patiently(() => wit.queryByWiql({ query }, { project }, false, top), read);
    // the client answers a 404 (TF200016: no such project) with nothing
    if (!answer) await emptyAnswer(reader, { problem: 'bad-query', message: noProject(project) });
    return wiqlAnswer.parse(answer).workItems.map((w) => w.id);
  };

  return {
    async check() {
      const found = await ids(null, WIQL_MOST);
      return { expected: found.length < WIQL_MOST ? found.length : null };
    },
    async page(cursor) {
      const page = await ids(cursor, IMPORT_PAGE_ITEMS);
      if (!page.length) return { items: [], skipped: {}, next: null };
      const { wit } = await client();
      // errorPolicy Omit (2): a work item deleted since the WIQL comes back as null instead of failing the batch.
      // $expand Relations (1) for its links, which Azure DevOps gives only with every field, not with `fields`
      const batch = await patiently(
        () => wit.getWorkItemsBatch({ ids: page, $expand: 1, errorPolicy: 2 }, project),
        read,
      );
      if (!batch) await emptyAnswer(reader, { problem: 'bad-query', message: noProject(project) });
      const found = z.array(workItem.nullable()).parse(batch);
      const skipped: Record<string, number> = {};
      const present = found.filter((w): w is WorkItem => w !== null);
      for (let gone = page.length - present.length; gone > 0; gone--) skip(skipped, GONE);
      const updates = await inTurns(present, UPDATES_AT_ONCE, (w) => updatesOf(reader, project, w.id));
      const items: ItemHistory[] = [];
      present.forEach((w, i) => {
        const history = updates[i];
        if (history === 'gone') skip(skipped, GONE);
        else items.push(itemHistory(source.baseUrl, project, w, history));
      });
      return { items, skipped, next: page.length < IMPORT_PAGE_ITEMS ? null : String(page.at(-1)) };
    },
  };
}

/**
 * The client, once the organisation answered as Azure DevOps to this token: its connection data first, so a token it
 * does not know is told apart from an address that is not Azure DevOps, then the work item API's location.
 */
async function connect(source: HistorySource, read: Reader['read']): Promise<Client> {
  const azure = await import('azure-devops-node-api');
  // the token handler sends X-TFS-FedAuthRedirect: Suppress, so a token Azure DevOps does not know gets 401, not 203
  const web = new azure.WebApi(source.baseUrl, azure.getPersonalAccessTokenHandler(source.token), {
    socketTimeout: READ_TIMEOUT_MS,
  });
  await signedIn(web, read, source.baseUrl);
  return { web, wit: await patiently(() => web.getWorkItemTrackingApi(), read) };
}

/**
 * The organisation answers as Azure DevOps, to this token: `/_apis/connectionData`, what the client's `connect()`
 * asks, read with the client's own REST client to see the status (a sign-in page comes as 203, a web page in it).
 */
async function signedIn(web: WebApi, read: Reader['read'], baseUrl: string): Promise<void> {
  const answer = await patiently(
    () => web.rest.get<{ authenticatedUser?: unknown }>(web.vsoClient.resolveUrl('/_apis/connectionData')),
    read,
  );
  if (answer.statusCode === SIGN_IN_PAGE) throw unreadable(fromStatus(SIGN_IN_PAGE, null).failure);
  if (!answer.result?.authenticatedUser)
    throw unreadable({ problem: 'unreachable', url: baseUrl, reason: 'no Azure DevOps organisation there' });
}

/**
 * An answer with nothing in it: a 404 (the client gives no error for one), or a sign-in page when the token stopped
 * working mid-import. Asks which, and throws `otherwise` when it was not the token.
 */
async function emptyAnswer({ client, read, baseUrl }: Reader, otherwise: ImportFailure | null): Promise<void> {
  await signedIn((await client()).web, read, baseUrl);
  if (otherwise) throw unreadable(otherwise);
}

/** Every update of a work item that changed its state, oldest first; 'gone' when it was deleted since the WIQL. */
async function updatesOf(reader: Reader, project: string, id: number): Promise<StatusChange[] | 'gone'> {
  const { wit } = await reader.client();
  const changes: StatusChange[] = [];
  for (let skipped = 0; ; ) {
    const answer = await patiently(() => wit.getUpdates(id, UPDATES_PAGE, skipped || undefined, project), reader.read);
    if (!answer) {
      await emptyAnswer(reader, null);
      return 'gone';
    }
    const page = z.array(update).parse(answer);
    changes.push(...page.flatMap(stateChange));
    skipped += page.length;
    if (page.length < UPDATES_PAGE) return changes;
  }
}

/**
 * The update's move, if it changed `System.State` from one state to another, at its `System.ChangedDate` (its
 * `revisedDate` is when the next update superseded it). The first update, which set the state the item was created
 * in, has no old value: the item's creation says it.
 */
function stateChange({ id, fields }: Update): StatusChange[] {
  const state = fields?.['System.State'];
  const at = fields?.['System.ChangedDate']?.newValue;
  if (!state?.oldValue || !state.newValue || !at) return [];
  return [{ id: String(id), at, from: status(state.oldValue), to: status(state.newValue) }];
}

/** A state as the webhook gives it: its name only (Azure DevOps states have no id, their category is not sent). */
const status = (name: string): TrackerStatus => ({ id: null, name, category: null });

function itemHistory(baseUrl: string, project: string, w: WorkItem, changes: StatusChange[]): ItemHistory {
  const area = w.fields['System.AreaPath'];
  const now = w.fields['System.State'];
  return {
    id: String(w.id),
    item: {
      key: `AB#${w.id}`,
      title: w.fields['System.Title'],
      url: `${baseUrl}/${encodeURIComponent(project)}/_workitems/edit/${w.id}`,
      createdAt: w.fields['System.CreatedDate'],
    },
    teamHints: area ? [...new Set([area, area.split('\\').at(-1)!])] : [],
    // asked for with every work item: none is no links
    links: azureLinks(w.relations ?? []),
    status: now ? status(now) : { id: null, name: 'unknown', category: null },
    changes: [...changes].sort((a, b) => a.at.toMillis() - b.at.toMillis()),
  };
}

/**
 * The WIQL of one page: the project's work items (the request names it: `@project`) changed since `since`, after
 * `cursor` in id order, and matching the NIT's condition.
 */
export function wiql(condition: string, since: string, cursor: string | null): string {
  const where = [
    '[System.TeamProject] = @project',
    `[System.ChangedDate] >= '${since}'`,
    ...(cursor ? [`[System.Id] > ${Number(cursor)}`] : []),
    ...(condition ? [`(${condition})`] : []),
  ];
  return `SELECT [System.Id] FROM WorkItems WHERE ${where.join(' AND ')} ORDER BY [System.Id] ASC`;
}

/** The query's project (quoted when its name has spaces: `"Fabrikam Fiber" [System.State] <> 'Removed'`) and the rest. */
export function splitProject(query: string): { project: string; condition: string } {
  const found = /^\s*(?:"([^"]+)"|'([^']+)'|(\S+))\s*([\s\S]*)$/.exec(query);
  return { project: found?.[1] ?? found?.[2] ?? found?.[3] ?? '', condition: found?.[4]?.trim() ?? '' };
}

/** Azure DevOps says TF200016 (404), which the client does not pass on. */
const noProject = (project: string) => `no project "${project}" in this organisation (or the token cannot see it)`;
