import type { DateTime } from 'luxon';
import type { TrackerKind } from '../domain/tracker';
import {
  type ImportFailure,
  type ImportJob,
  type ImportOutcome,
  type ImportProblem,
  pagesLeft,
} from '../domain/tracker-import';
import { bold, code, context, escape, lineSections, section } from './blocks';
import { IMPORT_HINTS } from './import-hints';
import { ephemeral, inChannel, type Reply, refusal } from './reply';
import { mapCommand, TRACKER_NAMES } from './tracker-news';
import { count } from './words';

const number = (n: number) => n.toLocaleString('en');

/** What an import reads, in a line: its tracker, query and window. */
function what(job: Pick<ImportJob, 'kind' | 'query' | 'since'>): string {
  const query = job.query ? ` matching ${code(job.query)}` : '';
  return `${TRACKER_NAMES[job.kind]} items${query} changed since ${job.since.toISODate()}`;
}

/** How far an import got: items and changes read, pages read and left. */
export function progressLine(job: ImportJob): string {
  const left = pagesLeft(job);
  const pages = `${count(job.pagesRead, 'page')} read${left === null ? '' : left ? `, about ${count(left, 'page')} left` : ''}`;
  return `${count(job.itemsRead, 'item')} and ${count(job.changesRead, 'status change')} read (${pages})`;
}

/** The channel message whose thread follows the import. */
export function renderImportStarted(job: ImportJob): Reply {
  const expected =
    job.itemsExpected === null ? '' : ` ${TRACKER_NAMES[job.kind]} finds about ${count(job.itemsExpected, 'item')}.`;
  const text = `📥 <@${job.startedBy}> is importing the history of ${what(job)}.${expected} Progress in this thread.`;
  return inChannel(text, [
    section(text),
    context(
      'Imported moves go into history at their own times, mapped as webhook moves are; the channel hears a summary at the end, not each move.',
    ),
  ]);
}

export function renderImportProgress(job: ImportJob): Reply {
  return inChannel(`⏳ ${progressLine(job)}.`);
}

/** A wait the tracker asked for (or imposed by not answering), said in the thread. */
export function renderImportWaiting(job: ImportJob, failure: ImportFailure, until: DateTime): Reply {
  return inChannel(
    `⏸ ${explainImportFailure(job.kind, failure)} The import goes on by itself at ${until.toUTC().toFormat('HH:mm')} UTC.`,
  );
}

/** The end of an import, done or failed: what was read and what became of it. */
export function renderImportSummary(job: ImportJob, outcome: ImportOutcome, now: DateTime): Reply {
  const name = TRACKER_NAMES[job.kind];
  const took = duration(now.toMillis() - job.startedAt.toMillis());
  const head =
    job.state === 'failed' && job.failure
      ? `❌ The ${name} import stopped: ${explainImportFailure(job.kind, job.failure)}`
      : job.state === 'cancelled'
        ? `⏹ The ${name} import was cancelled.`
        : `✅ The ${name} import is done.`;
  const lines = [
    `${bold(head)} ${job.state === 'done' ? '' : 'What was read before is kept; nothing else was read. '}Took ${took}.`,
    `• Read: ${progressLine({ ...job, state: job.state === 'reading' ? 'applying' : job.state })}.`,
    `• ${count(outcome.applied, 'change')} applied to the history${outcome.repeated ? `; ${number(outcome.repeated)} were already in it (its webhook or an earlier import brought them)` : ''}${job.changesKnown ? `; ${count(job.changesKnown, 'change')} an earlier import had brought` : ''}.`,
    ...heldLines(job.kind, outcome),
    ...Object.entries(job.skipped).map(([why, n]) => `• Skipped ${count(n, 'item')}: ${escape(why)}.`),
    ...(outcome.failing
      ? [`• ⚠️ ${count(outcome.failing, 'change')} failed to apply; retried (see /nexus tracker).`]
      : []),
    ...(outcome.pending ? [`• ${count(outcome.pending, 'change')} still being applied.`] : []),
  ];
  return inChannel(
    `${head} ${count(job.itemsRead, 'item')}, ${count(outcome.applied, 'change')} applied.`,
    lineSections(lines),
  );
}

/** "12 s", "3 min 4 s", "2 h 5 min". */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

function heldLines(kind: TrackerKind, outcome: ImportOutcome): string[] {
  if (!outcome.held.length) return [];
  return [
    `• Held for want of a stage (applied in their place once mapped, e.g. ${mapCommand(kind, outcome.held[0].status)}):`,
    ...outcome.held.map((h) => `    ${bold(escape(h.status))}: ${count(h.waiting, 'change')}`),
  ];
}

/** `/nexus import status`: the import under way, or the latest. */
export function renderImportStatus(job: ImportJob | null, outcome: ImportOutcome | null, now: DateTime): Reply {
  if (!job || !outcome)
    return ephemeral(
      'No import has run in this Nexus. Bring its history in with `/nexus import jira --url <site> --token <email:api-token>`.',
    );
  if (job.state === 'reading' || job.state === 'applying') {
    const waiting =
      job.retryAt && job.retryAt > now && job.failure
        ? `\n⏸ ${explainImportFailure(job.kind, job.failure)} Going on at ${job.retryAt.toUTC().toFormat('HH:mm')} UTC.`
        : '';
    const phase = job.state === 'reading' ? 'reading' : `applying (${count(outcome.pending, 'change')} to go)`;
    const text = `📥 Importing ${what(job)}, started by <@${job.startedBy}>: ${phase}. ${progressLine(job)}.${waiting}`;
    return ephemeral(text, [section(text), context('`/nexus import cancel` stops it; what was read stays.')]);
  }
  return { ...renderImportSummary(job, outcome, job.finishedAt ?? now), visibility: 'ephemeral' };
}

/** `/nexus import cancel`, in the channel. */
export function renderImportCancelled(job: ImportJob, by: string): Reply {
  return inChannel(
    `⏹ <@${by}> cancelled the ${TRACKER_NAMES[job.kind]} import: ${progressLine({ ...job, state: 'applying' })}; what was read stays in the history, nothing more is read.`,
  );
}

/** The answer to the NIT who started an import: it runs in the background, the thread tells the rest. */
export function renderImportBegun(job: ImportJob): Reply {
  const about = job.itemsExpected === null ? '' : ` (about ${count(job.itemsExpected, 'item')})`;
  const text = `📥 Importing the history of ${what(job)}${about}. It runs in the background: progress and a summary go in a thread in this channel.`;
  return ephemeral(text, [
    section(text),
    context(
      'The token is kept sealed, used by this import only, and never shown again. `/nexus import status` · `/nexus import cancel`',
    ),
  ]);
}

/** `/nexus import` did nothing: why, and what to do. */
export function renderImportProblem(p: ImportProblem): Reply {
  switch (p.problem) {
    case 'tracker-not-connected':
      return refusal(
        `Connect ${TRACKER_NAMES[p.kind]} first, with ${code(`/nexus tracker ${p.kind}`)}: an import maps statuses and labels as its webhooks do (\`/nexus map\`), and its webhooks keep the Nexus current afterwards.`,
      );
    case 'import-running':
      return refusal(
        `An import from ${TRACKER_NAMES[p.job.kind]} is under way (started by <@${p.job.startedBy}>; ${progressLine(p.job)}). One at a time: \`/nexus import status\` follows it, \`/nexus import cancel\` stops it.`,
      );
    case 'tracker-unreadable':
      return refusal(`Nothing was imported. ${explainImportFailure(p.kind, p.failure)}`);
    case 'no-import':
      return refusal('No import is under way in this Nexus.');
  }
}

/** Why an import cannot read its tracker, in a sentence for the NIT: the tracker named, and what to do. */
export function explainImportFailure(kind: TrackerKind, failure: ImportFailure): string {
  const name = TRACKER_NAMES[kind];
  const hint = IMPORT_HINTS[kind];
  const address = hint?.url ?? 'https://your-site.atlassian.net';
  switch (failure.problem) {
    case 'unauthorized':
      return `${name} refused the token (401): give a token of a user who can see the items, as ${code(hint?.token ?? 'email:api-token')} (${hint?.tokenWhere ?? 'Atlassian account → Security → API tokens'}).`;
    case 'forbidden':
      return hint?.grant === 'scope'
        ? `${name} answered 403: the token lacks the ${bold(failure.permission)} scope, or its user the access to the project.`
        : `${name} answered 403: the token's user lacks the ${bold(failure.permission)} permission on ${hint?.reads ?? 'the projects the query reads'}.`;
    case 'bad-query':
      return `${name} rejected the query (${failure.status ?? 400}): ${escape(failure.message)}`;
    case 'unreachable':
      return `${name} did not answer at ${code(failure.url)} (${escape(failure.reason)}): is it your address, such as ${code(address)}?`;
    case 'rate-limited':
      return `${name} asked to slow down (429) again and again.`;
    case 'tracker-failed':
      return failure.status === 404
        ? `${name} answered 404: is it your address, such as ${code(address)}?`
        : `${name} failed (HTTP ${failure.status || 'error'}) several times in a row.`;
  }
}
