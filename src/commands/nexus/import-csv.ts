import { createHash } from 'node:crypto';
import { type ImportPlan, planCsvImport } from '../../domain/csv-history';
import { type CsvProblem, MAX_CSV_BYTES } from '../../domain/csv-layout';
import { type ImportCsvOutcome, type NotWritten, renderImportCsv } from '../../render/import-csv';
import type { ImportedPbi, ImportState } from '../../store/history-repository';
import { invalid, type NexusContext } from '../command';
import { readCsvText } from '../csv-text';
import { type FileProblem, isFileProblem, type SharedFile } from '../shared-files';
import type { ImportForm } from './import';

/** `--apply <check>`: the check a dry run showed, so the apply writes what it showed or nothing. */
export type ImportCsvInput = { ref: string | null; apply: boolean; check: string | null };

type Write = { write: readonly ImportedPbi[] };

/** Where imported events say they came from. */
export const CSV_SOURCE = 'import:csv';
const CHECK = /^[0-9a-f]{10}$/i;

export const importCsv: ImportForm<ImportCsvInput, ImportCsvOutcome> = {
  words: ['csv'],
  usage: '/nexus import csv [<file>] [--apply]',
  parse([, ...words]) {
    const input: ImportCsvInput = { ref: null, apply: false, check: null };
    const files: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const [flag, value] = words[i].split(/=(.*)/s);
      if (flag.toLowerCase() !== '--apply') {
        if (flag.startsWith('--')) return invalid('`/nexus import csv` takes only `--apply`.');
        files.push(words[i]);
        continue;
      }
      input.apply = true;
      if (value !== undefined && !CHECK.test(value)) return invalid('`--apply` takes the check its dry run showed.');
      input.check = value ?? (CHECK.test(words[i + 1] ?? '') ? words[++i] : null);
    }
    if (files.length > 1) return invalid('Name one file (quote a path with spaces).');
    return { ...input, ref: files[0] ?? null };
  },
  execute: importFile,
  render: renderImportCsv,
};

/**
 * Reads the file, plans its rows against the Nexus and either shows the plan (a dry run) or writes it. The apply judges
 * the plan again under the Nexus's lock, against the Nexus as it is then, and writes only when it has no problems and
 * is the one its dry run showed (the same check: same file, same settings, same PBIs already there); otherwise nothing
 * is written.
 */
async function importFile(input: ImportCsvInput, ctx: NexusContext): Promise<ImportCsvOutcome> {
  const found: SharedFile | FileProblem = ctx.files
    ? await ctx.files.find(input.ref, MAX_CSV_BYTES)
    : { problem: 'file-no-door', where: 'console' };
  if (isFileProblem(found)) return found;
  const file = { ref: found.ref, name: found.name };
  const table = readCsvText(found.bytes);
  if ('problem' in table) return { kind: 'unreadable', file, csv: table as CsvProblem };
  const keys = table.rows.map((r) => (r.cells[0] ?? '').trim()).filter(Boolean);
  const { nexus, store, now, userId } = ctx;
  const digest = createHash('sha256').update(found.bytes).digest('hex');
  const planned = (state: ImportState) => {
    const plan = planCsvImport(table, { ...state, now: now(), actor: userId });
    return { plan, check: checkOf(digest, state.nexus, plan) };
  };
  const [existing, openPbis] = await Promise.all([
    store.history.keysAmong(nexus.id, keys),
    store.history.countOpen(nexus.id),
  ]);
  const before = { nexus, existing, openPbis };
  const first = planned(before);
  if (!input.apply) return { kind: 'dry-run', file, ...first };
  let chosen: ImportPlan | null = null;
  const written = await store.history.importPbis(nexus.id, keys, CSV_SOURCE, (state): Write | NotWritten => {
    // planned again only when what the plan rests on moved meanwhile: the Nexus is held while this runs
    const { plan, check } = sameState(state, before) ? first : planned(state);
    if (plan.problems.length) return { kind: 'refused', file, plan, check };
    if (!plan.pbis.length) return { kind: 'nothing', file, plan, check };
    if (input.check && input.check !== check) return { kind: 'changed', file, plan, check };
    chosen = plan;
    return { write: plan.pbis };
  });
  if (!('imported' in written)) return written;
  return { kind: 'imported', file, ...written, plan: chosen! };
}

/** The same settings the rows are read with, the same keys already there, the same count of open PBIs. */
function sameState(a: ImportState, b: ImportState): boolean {
  const settings = (s: ImportState) =>
    JSON.stringify([s.nexus.workflow, s.nexus.teams, s.nexus.timeZone, s.openPbis, [...s.existing.entries()].sort()]);
  return settings(a) === settings(b);
}

/**
 * What a dry run showed, in ten hex digits: the file's bytes, the Nexus settings the rows were read with, and which
 * rows the Nexus already had. The same check at the apply means the same PBIs with the same histories.
 */
function checkOf(digest: string, nexus: NexusContext['nexus'], plan: ImportPlan): string {
  const settings = { workflow: nexus.workflow, teams: nexus.teams, zone: nexus.timeZone };
  const skipped = plan.skipped.map((s) => s.key);
  return createHash('sha256')
    .update(JSON.stringify([digest, settings, skipped]))
    .digest('hex')
    .slice(0, 10);
}
