import { importJql } from '../../src/trackers/history/jira-jql';

describe('the JQL an import searches with', () => {
  test.each([
    { query: '', jql: 'updated >= "2026-06-01" ORDER BY created ASC' },
    { query: 'project = SHOP', jql: '(project = SHOP) AND updated >= "2026-06-01" ORDER BY created ASC' },
    {
      query: 'project = SHOP OR labels = x ORDER BY key DESC',
      jql: '(project = SHOP OR labels = x) AND updated >= "2026-06-01" ORDER BY key DESC',
    },
    {
      query: 'summary ~ "sort order by size" order   by rank',
      jql: '(summary ~ "sort order by size") AND updated >= "2026-06-01" ORDER BY rank',
    },
    { query: 'ORDER BY key', jql: 'updated >= "2026-06-01" ORDER BY key' },
    {
      query: "summary ~ 'it\\'s order by' AND status != Done",
      jql: "(summary ~ 'it\\'s order by' AND status != Done) AND updated >= \"2026-06-01\" ORDER BY created ASC",
    },
  ])('$query', ({ query, jql }) => {
    expect(importJql(query, '2026-06-01')).toBe(jql);
  });
});
