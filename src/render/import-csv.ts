import type { FileProblem } from '../commands/shared-files';
import type { ImportPlan } from '../domain/csv-history';
import { CSV_ATTRIBUTES, type CsvProblem } from '../domain/csv-layout';
import { isFinished } from '../domain/pbi';
import { actionRows, type Block, bold, button, code, context, escape, header, lineSections, section } from './blocks';
import { columnLetter, explainCsv, whereIs } from './csv-problems';
import { ephemeral, inChannel, type Reply, refusal } from './reply';
import { count, noun } from './words';

type FileRef = { ref: string; name: string };
type Planned = { file: FileRef; plan: ImportPlan; check: string };
/** An apply that wrote nothing: the file has problems now, its rows are all in the Nexus, or its check changed. */
export type NotWritten = { kind: 'refused' | 'nothing' | 'changed' } & Planned;

/** What `/nexus import csv` did: found no file, could not read it, showed a dry run, wrote it, or refused to. */
export type ImportCsvOutcome =
  | FileProblem
  | { kind: 'unreadable'; file: FileRef; csv: CsvProblem }
  | ({ kind: 'dry-run' } & Planned)
  | NotWritten
  | { kind: 'imported'; file: FileRef; plan: ImportPlan; imported: number; events: number };

/** The button that writes what a dry run showed: it carries the file and the check, as `--apply <check>` would. */
export const IMPORT_CSV_ACTION = 'nexus.import-csv';

/** Problems a reply lists before "…and N more": a dry run has to fit in one Slack message. */
const PROBLEMS_SHOWN = 40;

export function renderImportCsv(outcome: ImportCsvOutcome, ctx: { userId: string }): Reply {
  if ('problem' in outcome) return refusal(explainFile(outcome));
  const name = code(outcome.file.name);
  switch (outcome.kind) {
    case 'unreadable': {
      const where = whereIs(outcome.csv);
      return refusal(`${name} can't be imported${where ? ` (${where})` : ''}: ${explainCsv(outcome.csv)}`);
    }
    case 'dry-run':
      return ephemeral(`Import ${outcome.file.name}: dry run`, dryRun(outcome));
    case 'refused':
    case 'changed': {
      const why =
        outcome.kind === 'refused'
          ? `Nothing was written: ${name} no longer fits the Nexus.`
          : `Nothing was written: the Nexus or ${name} changed since the dry run you answered. Here it is again:`;
      return ephemeral(why, [section(why), ...dryRun(outcome)]);
    }
    case 'nothing':
      return refusal(
        `Nothing to import: every row of ${name} is already in this Nexus (imported before?), so nothing was written.`,
      );
    case 'imported': {
      const { plan } = outcome;
      const text =
        `📥 <@${ctx.userId}> imported ${count(outcome.imported, 'PBI')} from ${name} with ${count(outcome.events, 'change')} at their original times: ${kinds(plan)}.` +
        (plan.skipped.length
          ? ` ${count(plan.skipped.length, 'row')} already in the Nexus ${plan.skipped.length === 1 ? 'was' : 'were'} left as ${plan.skipped.length === 1 ? 'it is' : 'they are'}.`
          : '');
      return inChannel(text);
    }
  }
}

function dryRun({ file, plan, check }: Planned): Block[] {
  const blocks = [
    header(`Import ${file.name.slice(0, 100)} · dry run`),
    section(`${bold('Columns')}\n${columnLines(plan).join('\n')}`),
  ];
  blocks.push(section(`${bold('Rows')}\n${rowLines(plan).join('\n')}`));
  if (plan.problems.length) {
    const shown = plan.problems
      .slice(0, PROBLEMS_SHOWN)
      .map((p) => `• ${whereIs(p) ? `${whereIs(p)}: ` : ''}${explainCsv(p)}`);
    if (plan.problems.length > PROBLEMS_SHOWN)
      shown.push(`_…and ${plan.problems.length - PROBLEMS_SHOWN} more, on ${moreLines(plan)}_`);
    blocks.push(
      section(
        `${bold(`${count(plan.problems.length, 'problem')}: nothing can be imported until ${plan.problems.length === 1 ? 'it is' : 'they are'} fixed`)}`,
      ),
    );
    blocks.push(...lineSections(shown, 8));
    return blocks;
  }
  if (!plan.pbis.length) {
    blocks.push(context('Nothing to import: every row is already in this Nexus.'));
    return blocks;
  }
  blocks.push(
    ...actionRows([
      button(
        `Import ${count(plan.pbis.length, 'PBI')}`,
        IMPORT_CSV_ACTION,
        JSON.stringify({ ref: file.ref, check }),
        'primary',
      ),
    ]),
    context(
      `Nothing is written yet. The button writes exactly this, as does ${code(`/nexus import csv ${quoted(file.ref)} --apply ${check}`)}.`,
    ),
  );
  return blocks;
}

function columnLines({ columns }: ImportPlan): string[] {
  const at = (column: number, name: string) => `${code(name)} (${columnLetter(column + 1)})`;
  const lines = columns.stages.map((s) => `• ${at(s.column, s.stage)} → stage ${code(s.stage)}`);
  if (columns.unmapped.length)
    lines.push(`• no column for ${columns.unmapped.map(code).join(', ')}: no PBI is dated there`);
  const teams = columns.attributes.teams;
  lines.push(
    teams === undefined
      ? '• no `Teams` column: each PBI needs the teams whose squares it dates'
      : `• ${at(teams, CSV_ATTRIBUTES.teams)} → the teams each PBI needs`,
  );
  lines.push(
    columns.squares.length
      ? `• team squares from ${columns.squares.map((s) => code(`${s.team} ${s.date}`)).join(', ')}`
      : '• no square columns: squares of finished PBIs are done at the finish, the others not started',
  );
  const blockedDays = columns.attributes.blockedDays;
  if (blockedDays !== undefined)
    lines.push(
      `• ${at(blockedDays, CSV_ATTRIBUTES.blockedDays)} is checked, not kept: blocked days come from the blocks the bot sees`,
    );
  if (columns.ignored.length)
    lines.push(
      `• left out (attributes Nexus Flow does not keep): ${columns.ignored.map((c) => at(c.column, c.name)).join(', ')}`,
    );
  return lines;
}

function rowLines(plan: ImportPlan): string[] {
  const changes = plan.pbis.reduce((n, p) => n + p.events.length, 0);
  const lines = [
    `${count(plan.rows, 'row')}: ${count(plan.pbis.length, 'PBI')} to import with ${count(changes, 'change')} at their original times${plan.pbis.length ? ` (${kinds(plan)})` : ''}.`,
  ];
  if (plan.skipped.length) {
    const keys = plan.skipped.slice(0, 10).map((s) => `${code(s.key)} (line ${s.line})`);
    const more = plan.skipped.length > 10 ? ` and ${plan.skipped.length - 10} more` : '';
    lines.push(
      `${count(plan.skipped.length, 'row')} already in the Nexus, left as ${plan.skipped.length === 1 ? 'it is' : 'they are'}: ${keys.join(', ')}${more}.`,
    );
  }
  const { squaresDone, untitled, shortenedTitles, blockedSince } = plan.assumed;
  if (squaresDone)
    lines.push(`${count(squaresDone, 'team square')} of finished PBIs without a done date: done at the finish.`);
  if (untitled) lines.push(`${count(untitled, 'row')} without a \`Name\`: titled by the ID.`);
  if (shortenedTitles) lines.push(`${count(shortenedTitles, 'title')} over 200 characters: shortened.`);
  if (blockedSince)
    lines.push(`${count(blockedSince, 'block')} without \`Blocked Since\`: blocked from the row's last date.`);
  return lines;
}

/** "3 finished, 1 in progress, 2 not started, 1 discarded". */
function kinds(plan: ImportPlan): string {
  const pbis = plan.pbis.map((p) => p.pbi);
  const discarded = pbis.filter((p) => p.discardedAt && !isFinished(p)).length;
  const finished = pbis.filter(isFinished).length;
  const started = pbis.filter((p) => p.startedAt && !isFinished(p) && !p.discardedAt).length;
  const waiting = pbis.length - discarded - finished - started;
  return [
    `${finished} finished`,
    `${started} in progress`,
    `${waiting} not started`,
    ...(discarded ? [`${discarded} discarded`] : []),
  ].join(', ');
}

function moreLines(plan: ImportPlan): string {
  const lines = [...new Set(plan.problems.slice(PROBLEMS_SHOWN).flatMap((p) => ('line' in p ? [p.line] : [])))];
  return `${noun(lines.length, 'line')} ${lines.slice(0, 20).join(', ')}${lines.length > 20 ? ', …' : ''}`;
}

const quoted = (ref: string) => (/\s/.test(ref) ? `"${ref}"` : ref);

/** Why the file could not be read, and where to put one that can. */
export function explainFile(p: FileProblem): string {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  switch (p.problem) {
    case 'file-none-shared':
      if (p.where === 'console') return 'Name the CSV file: `/nexus import csv <path>`.';
      return 'There is no CSV file of yours here to import. Share the file in this channel (or in a direct message with Nexus Flow), then run `/nexus import csv` again: it reads the newest .csv you shared.';
    case 'file-not-found':
      return p.where === 'console'
        ? `There is no file ${code(p.ref)} (a path is read from where the bot was started).`
        : `Slack has no file ${code(p.ref)} that Nexus Flow can see: share it in this channel or in a direct message with Nexus Flow.`;
    case 'file-not-here':
      return `${code(p.name)} is not shared in this channel or in a direct message with Nexus Flow: share it here first.`;
    case 'file-too-large':
      return `${code(p.name)} is ${mib(p.bytes)}; an import takes at most ${mib(p.max)}. Split it, or leave out old finished items.`;
    case 'file-not-csv':
      return `${code(p.name)} is ${p.kind ? `${escape(p.kind)}, ` : ''}not a CSV file: save it as "CSV UTF-8" and share that.`;
    case 'file-not-handed-over':
      return `Slack did not hand ${code(p.name)} over to Nexus Flow (it answered with its sign-in page); share the file again, or ask whoever installed Nexus Flow to reinstall it.`;
    case 'file-no-access':
      return `Nexus Flow may not read files in this workspace${p.needed ? ` (it needs the ${code(p.needed)} permission)` : ''}: ask whoever installed it to reinstall it from the current manifest.`;
    case 'file-no-door':
      return 'There is no file to read here.';
  }
}
