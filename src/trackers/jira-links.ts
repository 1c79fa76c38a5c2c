import { z } from 'zod';
import type { TrackerLink } from '../domain/tracker';

/**
 * One of an issue's `fields.issuelinks`, as Jira's REST API and webhooks give it: the link type's two descriptions,
 * and the other issue on the side that names this one's relation to it (`inwardIssue`: this issue "is blocked by"
 * it; `outwardIssue`: this issue "blocks" it).
 */
const issueLink = z.object({
  type: z.object({ inward: z.string(), outward: z.string() }),
  inwardIssue: z.object({ key: z.string().min(1) }).optional(),
  outwardIssue: z.object({ key: z.string().min(1) }).optional(),
});

/** `fields.issuelinks`, read leniently: a link in a shape Jira may add later is left out, not the whole issue. */
export const issueLinks = z.array(z.unknown()).optional();

/** The issue's links in Jira's words (which say dependencies is the domain's call: `trackerDependencies`). */
export function jiraLinks(links: readonly unknown[] | undefined): TrackerLink[] | undefined {
  if (links === undefined) return undefined;
  return links.flatMap((raw) => {
    const link = issueLink.safeParse(raw);
    if (!link.success) return [];
    const { type, inwardIssue, outwardIssue } = link.data;
    if (inwardIssue) return [{ relation: type.inward, key: inwardIssue.key }];
    return outwardIssue ? [{ relation: type.outward, key: outwardIssue.key }] : [];
  });
}
