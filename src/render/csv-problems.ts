import type { CsvProblem } from '../domain/csv-layout';
import { MAX_REASON } from '../domain/limits';
import { explainKeyFault } from '../domain/pbi-key';
import { code } from './blocks';
import { count } from './words';

/** A spreadsheet's name for a column counted from 1: A … Z, AA … */
export function columnLetter(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const DATES = 'use YYYY-MM-DD or an ISO date-time (`2026-03-02T09:30`, with `Z` or an offset for another zone)';
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const names = (list: readonly string[]) => list.map(code).join(', ') || 'none';

/** Where a problem is: "line 4, column F (`review`)". */
export function whereIs(p: CsvProblem): string {
  const line = 'line' in p ? `line ${p.line}` : '';
  if (!('column' in p)) return line;
  const name = 'name' in p ? p.name : 'team' in p ? p.team : '';
  return `${line}, column ${columnLetter(p.column)}${name ? ` (${code(name)})` : ''}`;
}

/** One sentence per problem of a CSV file: what is wrong there and what to do; `whereIs` says where. */
export function explainCsv(p: CsvProblem): string {
  switch (p.problem) {
    case 'csv-too-large':
      return `The file is ${mib(p.bytes)}; an import takes at most ${mib(p.max)}. Split it, or leave out old finished items.`;
    case 'csv-not-text':
      return 'This is not a CSV file (it is not UTF-8 text): save the sheet as "CSV UTF-8" and share that.';
    case 'csv-unreadable':
      return p.why === 'quote'
        ? 'A quoted field is not closed, or a quote stands where it can\'t: a field with a quote or comma in it goes in "…", its quotes doubled ("").'
        : 'This is not CSV that can be read here.';
    case 'csv-empty':
      return 'The file is empty: it needs a header row (`ID,Link,Name,<stages>…`) and a row per PBI.';
    case 'csv-not-layout':
      return `The first column is ${code(p.found || '(empty)')}, not ${code('ID')}: the file needs ActionableAgile's layout, \`ID,Link,Name\`, a column per stage, then attributes.`;
    case 'csv-no-stages':
      return `No column names a stage of this Nexus (${names(p.stages)}): name each stage column as the stage is named.`;
    case 'csv-unknown-stage':
      return `This Nexus has no stage ${code(p.name)}. Stages: ${names(p.stages)}. Rename the column, add the stage (\`/nexus stage add\`), or move an attribute after the stage columns.`;
    case 'csv-unknown-square-team':
      return `This Nexus has no team ${code(p.team)}. Teams: ${names(p.teams)}.`;
    case 'csv-duplicate-column':
      return `Column ${columnLetter(p.first)} means the same; keep one of them.`;
    case 'csv-stage-out-of-order':
      return `${code(p.stage)} comes before ${code(p.after)} in the workflow: put the stage columns in workflow order.`;
    case 'csv-too-many-rows':
      return `The file has ${count(p.rows, 'row')}; an import takes at most ${p.max.toLocaleString('en')}. Split it.`;
    case 'csv-too-many-open':
      return `The import would leave ${p.open.toLocaleString('en')} open PBIs (not finished, not discarded); a Nexus holds at most ${p.max.toLocaleString('en')}.`;
    case 'csv-field-count':
      return `The row has ${count(p.fields, 'field')}, the header ${p.expected}: a comma in a value needs the value in quotes.`;
    case 'csv-bad-key':
      return `The ID ${code(p.key)} is not a PBI key: ${explainKeyFault(p.fault, code)}`;
    case 'csv-duplicate-id':
      return `The ID ${code(p.key)} is also on line ${p.first} (IDs ignore case): one row per PBI.`;
    case 'csv-no-dates':
      return `${code(p.key)} has no date in any stage column: give at least the date it entered its first stage.`;
    case 'csv-bad-date':
      return `${code(p.text)} is not a date: ${DATES}.`;
    case 'csv-future-date':
      return `${code(p.text)} has not come yet: history is what already happened.`;
    case 'csv-dates-out-of-order':
      return `The date is before ${code(p.after)}'s: dates follow the workflow's order (leave a stage empty if the PBI skipped it).`;
    case 'csv-bad-link':
      return `${code(p.text)} is not a link: it starts with http:// or https://.`;
    case 'csv-bad-number':
      return `${code(p.text)} is not a whole number of days.`;
    case 'csv-unknown-team':
      return `${p.teams.length > 1 ? 'These are not teams' : 'This is not a team'} of this Nexus: ${names(p.teams)}. Teams: ${names(p.known)} (\`/nexus teams add\`).`;
    case 'csv-square-not-needed':
      return `${code(p.team)} is not in the row's \`Teams\`: add it there, or empty its square dates.`;
    case 'csv-square-done-before-started':
      return `${code(p.team)} is done before it started.`;
    case 'csv-after-finished':
      return 'The date is after the PBI finished: a PBI is integrated only when every team is done.';
    case 'csv-after-discarded':
      return 'The date is after the PBI was discarded: nothing changes on a discarded PBI.';
    case 'csv-blocked-reason':
      return p.why === 'missing'
        ? '`Blocked Since` needs a reason in `Blocked`.'
        : `The reason in \`Blocked\` is longer than ${MAX_REASON} characters.`;
  }
}
