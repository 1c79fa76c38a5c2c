import { z } from 'zod';
import type { TrackerLink } from '../domain/tracker';

/**
 * One of a work item's `relations` as Azure DevOps gives it (`WorkItemRelation`): the link type's reference name and
 * the other work item's URL (`…/_apis/wit/workItems/<id>`). Other relations (hyperlinks, attachments, artifacts) have
 * URLs of another kind and are left out.
 */
const relation = z.object({ rel: z.string(), url: z.string() });
const WORK_ITEM_URL = /\/_apis\/wit\/workItems\/(\d+)$/i;

/** `relations`, read leniently: one in a shape Azure DevOps may add later is left out, not the whole work item. */
export const relations = z.array(z.unknown()).optional();

/**
 * The work item's links to other work items, in Azure DevOps's words (`System.LinkTypes.Dependency-Reverse`: the
 * other is its predecessor), keyed as the bot keys work items (`AB#<id>`). Undefined when none were sent.
 */
export function azureLinks(given: readonly unknown[] | undefined): TrackerLink[] | undefined {
  if (given === undefined) return undefined;
  return given.flatMap((raw) => {
    const link = relation.safeParse(raw);
    const id = link.success ? WORK_ITEM_URL.exec(link.data.url)?.[1] : undefined;
    return link.success && id ? [{ relation: link.data.rel, key: `AB#${id}` }] : [];
  });
}
