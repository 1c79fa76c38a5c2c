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
