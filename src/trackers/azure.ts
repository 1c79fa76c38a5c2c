import { z } from 'zod';
import { withLinks } from '../domain/tracker';
import { azureLinks, relations } from './azure-links';
import { instant } from './parse-time';
import { checkKeyMaterial, header, randomSecret, sameSecret } from './signature';
import { ACCEPTED, rejected, type Tracker } from './tracker';

const change = <T extends z.ZodType>(value: T) => z.object({ oldValue: value.optional(), newValue: value.optional() });

const payload = z.object({
  id: z.string().min(1),
  eventType: z.string(),
  resource: z.object({
    workItemId: z.number().int().optional(),
    fields: z.record(z.string(), z.unknown()).default({}),
    /** the revision's changes of links (`added`, `removed`, `updated`), present when it changed any */
    relations: z.looseObject({}).optional(),
    revision: z.object({
      id: z.number().int(),
      fields: z.looseObject({
        'System.Title': z.string(),
        'System.CreatedDate': instant,
        'System.AreaPath': z.string().optional(),
      }),
      _links: z.object({ html: z.object({ href: z.url() }).optional() }).optional(),
      /** every link of the work item at this revision; Azure DevOps leaves it out when there is none */
      relations,
    }),
  }),
});

const stateChange = change(z.string());
const changedDate = change(instant);

/**
 * Azure DevOps service hook `workitem.updated` changing `System.State` or the work item's links (its predecessors:
 * `System.LinkTypes.Dependency-Reverse`); no signature, basic auth whose password is the shared secret.
 */
export const azure: Tracker = {
  kind: 'azure',
  verify(request, secret) {
    const auth = header(request, 'Authorization');
    if (!auth?.startsWith('Basic ')) return rejected('basic authentication is missing');
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    return sameSecret(password, secret) ? ACCEPTED : rejected('the basic authentication password does not match');
  },
  deliveryId: (_request, body) => {
    const id = (body as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : null;
  },
  parse(body) {
    const event = payload.parse(body);
    const state = stateChange.safeParse(event.resource.fields['System.State']);
    const moved = state.success && state.data.newValue ? state.data : null;
    // links made or removed without a state change still say what the work item waits for
    if (event.eventType !== 'workitem.updated' || (!moved && !event.resource.relations))
      return { ignored: 'no System.State change' };
    const { revision } = event.resource;
    // the revision's links are all of them; a revision that changed links and lists none has none left
    const links = azureLinks(revision.relations ?? (event.resource.relations ? [] : undefined));
    const id = event.resource.workItemId || revision.id;
    const at =
      changedDate.parse(event.resource.fields['System.ChangedDate'] ?? {}).newValue ??
      revision.fields['System.CreatedDate'];
    const area = revision.fields['System.AreaPath'];
    return {
      change: {
        item: {
          key: `AB#${id}`,
          title: revision.fields['System.Title'],
          url: revision._links?.html?.href ?? null,
          createdAt: revision.fields['System.CreatedDate'],
        },
        from: moved?.oldValue ? { id: null, name: moved.oldValue, category: null } : null,
        to: moved ? { id: null, name: moved.newValue!, category: null } : null,
        at,
        teamHints: area ? [...new Set([area, area.split('\\').at(-1)!])] : [],
        ...withLinks(links),
      },
    };
  },
  checkSecret: checkKeyMaterial,
  newSecret: () => randomSecret(),
  setup:
    'Azure DevOps project settings → Service hooks → Web Hooks → *Work item updated*: paste the URL, basic authentication user `nexus-flow` and the secret as password.',
};
