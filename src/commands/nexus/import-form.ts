import { isTrackerKind, type TrackerKind } from '../../domain/tracker';
import { defaultImportSince, type ImportFailure, type ImportProblem } from '../../domain/tracker-import';
import { renderImportProblem } from '../../render/import-news';
import { type Reply, refusal } from '../../render/reply';
import { DEFAULT_URLS, IMPORTABLE } from '../../trackers/history/index';
import { type CommandContext, type Invalid, isInvalid } from '../command';
import { parseFlags } from '../flags';
import { parseDate } from '../forecast/dates';
import { nexusFor, runCommand } from '../index';
import { tokenize } from '../tokenize';
import { type ImportField, unlinked, whyNotStart } from './import-tracker';

/**
 * The form that asks for what `/nexus import <tracker>` needs when it is typed without `--token` where a form can ask
 * (Slack): the tracker, and the address, query and first day as typed (or the tracker's defaults).
 */
export type ImportFormStart = { kind: TrackerKind; url: string; query: string; since: string };

/** The form's fields as the person left them. */
export type ImportFields = { url: string; token: string; query: string; since: string | null };

/** A refusal about one field: what parse refused, or what the tracker said of the token, the query or the address. */
export type ImportFault = Invalid | ImportFailure;
export type ImportFaults = Partial<Record<ImportField, ImportFault>>;

/**
 * `/nexus import <tracker> …` typed without `--token`: the form to open, filled with what was typed; or why it does not
 * open, in the typed command's words (the channel has no Nexus, the person is not of its NIT, the tracker is not
 * connected, an import is under way). Null when the text is not such a command: it runs as typed.
 */
export async function importFormFor(
  text: string,
  ctx: CommandContext,
): Promise<{ start: ImportFormStart } | { reply: Reply } | null> {
  const tokens = tokenize(text);
  if (isInvalid(tokens)) return null;
  const [sub = '', typedKind = '', ...rest] = tokens.words;
  const kind = typedKind.toLowerCase();
  if (sub.toLowerCase() !== 'import' || !isTrackerKind(kind) || !IMPORTABLE.includes(kind)) return null;
  const parsed = parseFlags(rest, ['url', 'token', 'since'], tokens.raw.slice(2));
  if (isInvalid(parsed) || parsed.flags.token !== undefined) return null;
  const nexusCtx = await nexusFor(ctx, true);
  if (!('nexus' in nexusCtx)) return { reply: nexusCtx };
  const refused = await whyNotStart(kind, nexusCtx);
  if (refused) return { reply: renderImportProblem(refused) };
  const { url, since } = parsed.flags;
  const start = {
    kind,
    url: url ? unlinked(url) : (DEFAULT_URLS[kind] ?? ''),
    query: (parsed.positionalRaw ?? parsed.positional).join(' '), // as typed, quotes and all
    since: since && !isInvalid(parseDate(since)) ? since : defaultImportSince(ctx.now()).toISODate()!,
  };
  return { start };
}

/**
 * The form submitted: exactly the typed command (`/nexus import <tracker> --url … --token … --since … -- <query>`,
 * parsed, checked against the Nexus and its NIT, executed, rendered), with its refusals that are about a field (a bad
 * address, a token the tracker refused, a query it rejected) as `faults`, for the form to show beside them.
 */
export async function submitImportForm(
  kind: TrackerKind,
  fields: ImportFields,
  ctx: CommandContext,
): Promise<{ reply: Reply; faults?: ImportFaults }> {
  const flag = (name: string, value: string | null) => (value ? [`--${name}`, value] : []);
  const given = [
    'import',
    kind,
    ...flag('url', fields.url),
    ...flag('token', fields.token),
    ...flag('since', fields.since),
  ];
  // the query in words as if typed (a quoted project name is one), after a bare `--`: none of it is read as a flag
  const query = tokenize(fields.query);
  if (isInvalid(query)) return { reply: refusal(query.invalid), faults: { query } };
  const after = (words: string[]) => (words.length ? ['--', ...words] : []);
  const { reply, invalid, outcome } = await runCommand('nexus', [...given, ...after(query.words)], ctx, [
    ...given,
    ...after(query.raw),
  ]);
  // what parse refused is the query's unless it says otherwise: the address, token and date are checked by name
  if (invalid) return { reply, faults: { [(invalid.field ?? 'query') as ImportField]: invalid } };
  const failure = unreadable(outcome);
  const field = failure && failureField(failure);
  return field ? { reply, faults: { [field]: failure } } : { reply };
}

/** Why the tracker could not be read, when that is what `/nexus import`'s execute answered. */
function unreadable(ran: unknown): ImportFailure | null {
  const outcome = (ran as { outcome?: ImportProblem | object } | undefined)?.outcome;
  return outcome && 'problem' in outcome && outcome.problem === 'tracker-unreadable' ? outcome.failure : null;
}

/**
 * The field a tracker's refusal is about: the token (refused, or lacking a permission), the query (rejected), the
 * address (not answering, or no tracker there); none for the tracker's own trouble (slowing down, failing).
 */
export function failureField(failure: ImportFailure): ImportField | null {
  switch (failure.problem) {
    case 'unauthorized':
    case 'forbidden':
      return 'token';
    case 'bad-query':
      return 'query';
    case 'unreachable':
      return 'url';
    case 'tracker-failed':
      return failure.status === 404 ? 'url' : null;
    case 'rate-limited':
      return null;
  }
}
