import type { TrackerKind } from '../domain/tracker';

/** How a person gives one tracker's import what it needs: its address, a token, and what a query is there. */
export type ImportHint = {
  /** the address to write, as an example */
  url: string;
  /** a token, as an example of its form */
  token: string;
  /** where in the tracker a person makes such a token, and what it must be allowed to read */
  tokenWhere: string;
  /** what the words after the tracker's name are: JQL, a repository… */
  query: string;
  /** what the query must name first, when it must (an Azure DevOps project) */
  names?: string;
  /** what a 403 says the token lacks: a permission of its user (Jira), or a scope of the token itself (GitLab) */
  grant?: 'scope';
  /** the form the query must have, when it names something of a form (a GitLab project's path) */
  shape?: RegExp;
  /** what a 403 says the token's user lacks the permission on (default: the projects the query reads) */
  reads?: string;
};

/** Each importable tracker's hints, for the usage line, the parse hints and the help. */
export const IMPORT_HINTS: Partial<Record<TrackerKind, ImportHint>> = {
  jira: {
    url: 'https://your-site.atlassian.net',
    token: 'you@example.com:<API token>',
    tokenWhere: 'Atlassian account → Security → API tokens',
    query: '<JQL>',
  },
  github: {
    url: 'https://github.example.com/api/v3',
    token: 'github_pat_…',
    tokenWhere:
      'GitHub → Settings → Developer settings → Personal access tokens: a fine-grained token with Issues: Read on the repository, or a classic token with `repo`',
    query: '<owner>/<repo>',
    names: 'repository',
    shape: /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/,
    reads: 'the repository',
  },
  azure: {
    url: 'https://dev.azure.com/your-org',
    token: '<personal access token>',
    tokenWhere: 'Azure DevOps → User settings → Personal access tokens, with the Work Items (Read) scope',
    query: '<project> [<WIQL condition>]',
    names: 'project',
  },
  gitlab: {
    url: 'https://gitlab.example.com',
    token: 'glpat-<token>',
    tokenWhere:
      "a personal, group or project access token with the read_api scope: GitLab → Preferences → Access tokens, or the project's Settings → Access tokens",
    query: '<group/project>',
    names: 'project',
    // `group/subgroup/project`, or the project's number
    shape: /^(\d+|[^\s/]+(\/[^\s/]+)+)$/,
    grant: 'scope',
  },
  linear: {
    url: 'https://api.linear.app',
    token: 'lin_api_…',
    tokenWhere: 'Linear → Settings → API → Personal API keys, with read access',
    query: '[<team key>]',
  },
};
