/**
 * Jira's Rank field holds a LexoRank: a bucket, a bar, the rank, a colon and an optional suffix (`0|i0000f:`,
 * `1|hzzzzz:i`). Its field id differs between sites (`customfield_10019` on most Jira Cloud sites), so a webhook's
 * issue is searched for the custom field holding one; an import asks Jira which field it is (`/rest/api/3/field`).
 */
const LEXO_RANK = /^[0-2]\|[0-9a-z]+:[0-9a-z]*$/;

/** Jira's schema type of the Rank field, as `GET /rest/api/3/field` names it. */
export const RANK_SCHEMA = 'com.pyxis.greenhopper.jira:gh-lexo-rank';

/**
 * The rank among Jira's issues: the LexoRank without its bucket, which compares as text in Jira's order.
 * The bucket (0, 1, 2 in turn) changes only when Jira rebalances its ranks, rewriting them in the same order into the
 * next bucket: the bucket is left out so that a rebalance, which reorders nothing, does not read as every issue
 * reordered after those still in the old bucket. `field`: the Rank field's id when known, otherwise any custom field holding a LexoRank.
 */
export function jiraRank(fields: Record<string, unknown>, field?: string): string | undefined {
  const candidates = field
    ? [fields[field]]
    : Object.entries(fields)
        .filter(([id]) => id.startsWith('customfield_'))
        .map(([, value]) => value);
  for (const value of candidates) {
    if (typeof value === 'string' && LEXO_RANK.test(value)) return value.slice(value.indexOf('|') + 1);
  }
  return undefined;
}
