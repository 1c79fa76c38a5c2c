import type { IncomingMessage } from 'node:http';
import type { DateTime } from 'luxon';
import { fixtures, startFakeApi } from './fake-api';

const fixture = fixtures('azure-api');

/** The organisation's path on the fake host, as `https://dev.azure.com/fabrikam`. */
const ORGANIZATION = '/fabrikam';
/** The project the fake Azure DevOps has (a name with a space, as many have). */
export const AZURE_PROJECT = 'Fabrikam Fiber';

/** A work item as the fake Azure DevOps keeps it: where it started and each change of its state. */
export type FakeWorkItem = {
  id: number;
  title: string;
  created: DateTime;
  area: string;
  initial: string;
  moves: { at: DateTime; to: string }[];
  /** ids of its predecessors (Dependency-Reverse links) and of other related work items (Related links) */
  predecessors?: number[];
  related?: number[];
};

/** Azure DevOps's instants: `2017-09-04T02:36:18.75Z`. */
const azureTime = (at: DateTime) => at.toUTC().toISO({ suppressMilliseconds: true })!;

/**
 * Azure DevOps Services' REST API on a loopback port, as much as azure-devops-node-api asks of an import: the
 * resource-area and location lookups (OPTIONS), connection data, WIQL (`$top`), work items in a batch (errorPolicy),
 * each work item's updates (`$top`, `$skip`), a personal access token as basic auth (401 when the client asks for no
 * sign-in page, as it does; 203 with one otherwise). Answers in the shapes of Microsoft's published examples
 * (test/fixtures/trackers/azure-api). A test can make requests fail (429 with Retry-After, 403…).
 */
export async function startFakeAzure(opts: { token?: string; items?: FakeWorkItem[]; signInPage?: boolean } = {}) {
  const token = opts.token ?? 'x'.repeat(52);
  let items = opts.items ?? [];
  let deleted = new Set<number>();
  let revokeWhen: ((p: string) => boolean) | null = null;
  let revoked = false;
  let badWiql: ((wiql: string) => boolean) | null = null;
  const errors = fixture('errors.json');
  const locations = fixture('locations.json');

  const changed = (item: FakeWorkItem) => item.moves.at(-1)?.at ?? item.created;
  const stateOf = (item: FakeWorkItem) => item.moves.at(-1)?.to ?? item.initial;

  /** The ids a WIQL finds: the fake reads the date, the id cursor and the order Azure DevOps is asked for. */
  function found(wiql: string): number[] {
    const since = /\[System\.ChangedDate\] >= '(\d{4}-\d{2}-\d{2})'/.exec(wiql)?.[1];
    const after = Number(/\[System\.Id\] > (\d+)/.exec(wiql)?.[1] ?? 0);
    const from = since ? Date.parse(`${since}T00:00:00Z`) : 0;
    return items
      .filter((i) => i.id > after && changed(i).toMillis() >= from)
      .map((i) => i.id)
      .sort((a, b) => a - b);
  }

  /** A work item with the fields asked for, from the published batch example. */
  /**
   * The work item's relations as `$expand=relations` gives them (`WorkItemRelation`: `rel`, `url`, `attributes`), in
   * the shape of Microsoft's `workItems/GET__wit_workitems__ids___expand-relations.json` example.
   */
  function relationsOf(base: string, item: FakeWorkItem) {
    const link = (rel: string, name: string, id: number) => ({
      rel,
      url: `${base}/_apis/wit/workItems/${id}`,
      attributes: { isLocked: false, name },
    });
    return [
      ...(item.predecessors ?? []).map((id) => link('System.LinkTypes.Dependency-Reverse', 'Predecessor', id)),
      ...(item.related ?? []).map((id) => link('System.LinkTypes.Related', 'Related', id)),
      { rel: 'Hyperlink', url: 'https://example.com/spec', attributes: { isLocked: false, name: 'Hyperlink' } },
    ];
  }

  function workItemJson(base: string, item: FakeWorkItem, fields: string[] | undefined, expand = false) {
    const template = structuredClone(fixture('workitemsbatch.json').value[0]);
    const all: Record<string, unknown> = {
      ...template.fields,
      'System.Id': item.id,
      'System.Title': item.title,
      'System.State': stateOf(item),
      'System.CreatedDate': azureTime(item.created),
      'System.ChangedDate': azureTime(changed(item)),
      'System.AreaPath': item.area,
      'System.TeamProject': AZURE_PROJECT,
    };
    return {
      ...template,
      id: item.id,
      rev: 1 + item.moves.length * 2,
      fields: Object.fromEntries(Object.entries(all).filter(([name]) => !fields || fields.includes(name))),
      ...(expand ? { relations: relationsOf(base, item) } : {}),
      url: `${base}/_apis/wit/workItems/${item.id}`,
    };
  }

  /**
   * The work item's updates, as Azure DevOps keeps them: its creation (the state it began in), then for each move an
   * update of other fields and the one changing `System.State`, at its `System.ChangedDate`. Each update's
   * `revisedDate` is when the next one superseded it (9999-01-01 for the last), never when it was made.
   */
  function updatesOf(base: string, item: FakeWorkItem) {
    const [creation, other, state] = fixture('updates.json').value;
    const url = (n: number) => `${base}/_apis/wit/workItems/${item.id}/updates/${n}`;
    const list: { json: Record<string, any>; at: DateTime }[] = [];
    const first = structuredClone(creation);
    first.fields['System.Id'] = { newValue: item.id };
    first.fields['System.State'] = { newValue: item.initial };
    first.fields['System.Title'] = { newValue: item.title };
    first.fields['System.AreaPath'] = { newValue: item.area };
    first.fields['System.CreatedDate'] = { newValue: azureTime(item.created) };
    first.fields['System.ChangedDate'] = { newValue: azureTime(item.created) };
    list.push({ json: first, at: item.created });
    let before = item.initial;
    for (const move of item.moves) {
      const edit = structuredClone(other);
      edit.fields['System.ChangedDate'] = { newValue: azureTime(move.at.minus({ minutes: 30 })) };
      list.push({ json: edit, at: move.at.minus({ minutes: 30 }) });
      const moved = structuredClone(state);
      moved.fields['System.State'] = { oldValue: before, newValue: move.to };
      moved.fields['System.ChangedDate'] = { newValue: azureTime(move.at) };
      list.push({ json: moved, at: move.at });
      before = move.to;
    }
    return list.map(({ json }, k) => ({
      ...json,
      id: k + 1,
      workItemId: item.id,
      rev: k + 1,
      revisedDate: k + 1 < list.length ? azureTime(list[k + 1].at) : '9999-01-01T00:00:00Z',
      url: url(k + 1),
    }));
  }

  function authorised(req: IncomingMessage): boolean {
    if (revoked) return false;
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Basic ')) return false;
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === token;
  }

  function route(req: IncomingMessage, url: URL, body: string, base: string): [number, unknown] {
    if (!authorised(req))
      return req.headers['x-tfs-fedauthredirect'] === 'Suppress' && !opts.signInPage
        ? [401, errors.unauthorized]
        : [203, errors.signInPage];
    const p = url.pathname;
    const organization = `${base}${ORGANIZATION}`;
    if (!p.startsWith(`${ORGANIZATION}/`)) return [404, 'Not Found'];
    const rest = p.slice(ORGANIZATION.length);
    if (req.method === 'OPTIONS' && rest.toLowerCase() === '/_apis/location')
      return [200, locations.resourceAreasLocation];
    if (req.method === 'GET' && rest.toLowerCase() === '/_apis/resourceareas') {
      const areas = structuredClone(locations.resourceAreas);
      for (const area of areas.value) area.locationUrl = area.locationUrl.replace('{organization}', organization);
      return [200, areas];
    }
    if (req.method === 'GET' && rest === '/_apis/connectionData') return [200, locations.connectionData];
    if (req.method === 'OPTIONS' && rest === '/_apis/wit') return [200, locations.witLocations];
    const inProject = /^\/([^/]+)\/_apis\/wit\/(.+)$/.exec(rest);
    if (!inProject) return [404, 'Not Found'];
    const project = decodeURIComponent(inProject[1]);
    if (project !== AZURE_PROJECT)
      return [404, { ...errors.noProject, message: errors.noProject.message.replace('{project}', project) }];
    const resource = inProject[2].toLowerCase(); // Azure DevOps's routes ignore case (workItemsBatch, workitemsbatch)
    if (req.method === 'POST' && resource === 'wiql') {
      const { query } = JSON.parse(body) as { query: string };
      if (badWiql?.(query)) return [400, errors.badWiql];
      const top = Number(url.searchParams.get('$top') ?? 20_000);
      const template = fixture('wiql.json');
      return [
        200,
        {
          ...template,
          asOf: new Date().toISOString(),
          columns: template.columns.slice(0, 1),
          sortColumns: [{ field: template.columns[0], descending: false }],
          workItems: found(query)
            .slice(0, top)
            .map((id) => ({ id, url: `${organization}/_apis/wit/workItems/${id}` })),
        },
      ];
    }
    if (req.method === 'POST' && resource === 'workitemsbatch') {
      const request = JSON.parse(body) as {
        ids: number[];
        fields?: string[];
        errorPolicy?: number | string;
        $expand?: number | string;
      };
      // Azure DevOps refuses $expand with fields (VS403000-like 400); Relations (1) or All (4) bring the relations
      if (request.$expand !== undefined && request.fields)
        return [400, { ...errors.badWiql, message: 'The expand parameter can not be used with the fields parameter.' }];
      const expand = ['1', '4', 'relations', 'all'].includes(String(request.$expand ?? '').toLowerCase());
      const omit = request.errorPolicy === 2 || String(request.errorPolicy).toLowerCase() === 'omit';
      const value = request.ids.map((id) => {
        const item = deleted.has(id) ? undefined : items.find((i) => i.id === id);
        return item ? workItemJson(organization, item, request.fields, expand) : null;
      });
      if (!omit && value.includes(null))
        return [
          404,
          {
            ...errors.noProject,
            message: 'TF401232: Work item does not exist, or you do not have permissions to read it.',
          },
        ];
      return [200, { count: value.length, value }];
    }
    const updates = /^workitems\/(\d+)\/updates$/.exec(resource);
    if (req.method === 'GET' && updates) {
      const item = items.find((i) => i.id === Number(updates[1]) && !deleted.has(i.id));
      if (!item)
        return [
          404,
          {
            ...errors.noProject,
            message: `TF401232: Work item ${updates[1]} does not exist, or you do not have permissions to read it.`,
          },
        ];
      const all = updatesOf(organization, item);
      const skip = Number(url.searchParams.get('$skip') ?? 0);
      const top = Math.min(Number(url.searchParams.get('$top') ?? 200), 200);
      const value = all.slice(skip, skip + top);
      return [200, { count: value.length, value }];
    }
    return [404, 'Not Found'];
  }

  const api = await startFakeApi({
    route,
    faultBody: errors.rateLimited,
    textType: 'text/html',
    seen: (url) => {
      if (revokeWhen?.(url.pathname)) revoked = true;
    },
  });
  const host = api.url;
  return {
    /** the organisation's address, as `https://dev.azure.com/fabrikam` */
    url: `${host}${ORGANIZATION}`,
    host,
    /** the personal access token `/nexus import azure --token` takes */
    token,
    requests: api.requests,
    setItems: (next: FakeWorkItem[]) => void (items = next),
    /** work items deleted after the WIQL found them: the batch omits them, their updates are 404 */
    deleteItems: (ids: number[]) => void (deleted = new Set(ids)),
    /** the token stops working (expired, revoked) at the first request whose path passes `when` */
    revokeTokenAt: (when: (path: string) => boolean) => void (revokeWhen = when),
    /** WIQL Azure DevOps would reject (400, TF51005) */
    rejectWiql: (when: (wiql: string) => boolean) => void (badWiql = when),
    /** the next `times` requests whose path passes `when` get this answer */
    failNext: api.failNext,
    errors,
    close: api.close,
  };
}

export type FakeAzure = Awaited<ReturnType<typeof startFakeAzure>>;

/**
 * `count` work items 101… in the area `Fabrikam Fiber\Alpha`, created a day apart from `start`, each New → Active →
 * Closed (or along `path`), an hour apart from its third day.
 */
export function azureItems(start: DateTime, count: number, path: string[] = ['Active', 'Closed']): FakeWorkItem[] {
  return Array.from({ length: count }, (_, i) => {
    const created = start.plus({ days: i });
    return {
      id: 101 + i,
      title: `Work item ${i + 1}`,
      created,
      area: `${AZURE_PROJECT}\\Alpha`,
      initial: 'New',
      moves: path.map((to, k) => ({ at: created.plus({ days: 2, hours: k }), to })),
    };
  });
}
