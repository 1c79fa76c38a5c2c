/**
 * What one Nexus may hold. Each limit keeps its reports within Slack's message sizes and its answers within the
 * benchmarked times (docs/commands.md, Limits); input beyond one is refused with a line naming it, except a tracker's
 * title, which is shortened (a delivery is never lost for its length).
 */

/** Stages in a workflow: the board shows every stage, and 20 is more than any Definition of Workflow needs. */
export const MAX_STAGES = 20;
/** A stage's WIP limit: far above any a Nexus needs, and a whole number from 1 (none: no limit). */
export const MAX_WIP_LIMIT = 10_000;
/** Scrum Teams in a Nexus: the benchmarked large Nexus has 50 (a Nexus is usually 3–9). */
export const MAX_TEAMS = 50;
/** Open PBIs (not finished, not discarded) `/pbi add` accepts: every report reads them all. */
export const MAX_OPEN_PBIS = 5_000;
/** Characters in a Nexus's name. */
export const MAX_NEXUS_NAME = 80;
/** Characters in a stage's name. */
export const MAX_STAGE_NAME = 40;
/** Characters in a team's name. */
export const MAX_TEAM_NAME = 40;
/** The Nexus's own classes of service (besides the built-in ones): a handful is what Kanban practice uses. */
export const MAX_CLASSES = 20;
/** Characters in a class of service's name. */
export const MAX_CLASS_NAME = 40;
/** Characters in a PBI's key: GitHub's `owner/repository#number` reaches 39 + 1 + 100 + 1 + 10. */
export const MAX_KEY = 160;
/** Characters in the reason a PBI is blocked (or discarded). */
export const MAX_REASON = 300;
/** Characters in a PBI's title (Jira's summary holds 255, GitHub's and Linear's titles 256). */
export const MAX_TITLE = 200;

/** Characters in a link's note (`/pbi link`): a message's first line, enough to recognise the conversation. */
export const MAX_LINK_NOTE = 150;
/** Characters in a linked URL: Slack's permalinks and documents' addresses are far shorter. */
export const MAX_LINK_URL = 1_000;
/** Links one PBI keeps: its card and `/pbi show` list them within Slack's block limits. */
export const MAX_LINKS = 50;

/** A tracker's title longer than MAX_TITLE, cut at a character (not inside a surrogate pair) and ended with "…". */
export function shortenedTitle(title: string): string {
  const characters = [...title];
  return characters.length <= MAX_TITLE ? title : `${characters.slice(0, MAX_TITLE - 1).join('')}…`;
}
