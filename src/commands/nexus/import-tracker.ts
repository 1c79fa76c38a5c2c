import { DateTime } from 'luxon';
import { isTrackerKind, TRACKER_KINDS, type TrackerKind } from '../../domain/tracker';
import {
  defaultImportSince,
  type ImportJob,
  type ImportOutcome,
  type ImportProblem,
  isUnderWay,
} from '../../domain/tracker-import';
import { code } from '../../render/blocks';
import { IMPORT_HINTS } from '../../render/import-hints';
import {
  renderImportBegun,
  renderImportCancelled,
  renderImportProblem,
  renderImportStatus,
} from '../../render/import-news';
import { TRACKER_NAMES } from '../../render/tracker-news';
import { isUnreadable } from '../../trackers/history/history';
import { DEFAULT_URLS, HISTORIES, IMPORTABLE } from '../../trackers/history/index';
import { invalid, isInvalid, type NexusContext } from '../command';
import { parseFlags } from '../flags';
import { parseDate } from '../forecast/dates';
import type { ImportForm } from './import';

type Start = { kind: TrackerKind; query: string; since: string | null; token: string; url: string };

/** What an import is given besides its tracker, each of which a refusal may be about (Invalid's `field`). */
export type ImportField = 'url' | 'token' | 'query' | 'since';
const field = (name: ImportField) => name;

/** One line for every tracker: each reads its own kind of query, and the help says what each takes. */
const START_USAGE = `/nexus import ${IMPORTABLE.join('|')} [<query>] [--url <address>] --token <token> [--since YYYY-MM-DD]`;

/** `/nexus import jira …`: checks that the tracker answers, then starts the import in the background. */
const start: ImportForm<Start, { started: ImportJob } | ImportProblem> = {
  words: TRACKER_KINDS,
  usage: START_USAGE,
  parse(words, raw) {
    const kind = words[0].toLowerCase();
    if (!isTrackerKind(kind) || !IMPORTABLE.includes(kind)) return invalid(notImportable(kind as TrackerKind));
    const hint = IMPORT_HINTS[kind]!;
    const parsed = parseFlags(words.slice(1), ['url', 'token', 'since'], raw?.slice(1));
    if (isInvalid(parsed)) return parsed;
    const { token, since } = parsed.flags;
    const url = parsed.flags.url ?? DEFAULT_URLS[kind];
    if (!url) return invalid(`Say where ${TRACKER_NAMES[kind]} is: ${code(`--url ${hint.url}`)}.`, field('url'));
    if (!token)
      return invalid(
        `Give a token that can read it: ${code(`--token ${hint.token}`)} (${hint.tokenWhere}). It is kept sealed and never shown again.`,
        field('token'),
      );
    const address = baseUrl(unlinked(url));
    if (!address)
      return invalid(`${code(url.slice(0, 60))} is not a web address; write it like ${hint.url}.`, field('url'));
    if (since !== undefined) {
      const date = parseDate(since);
      if (isInvalid(date)) return { ...date, field: field('since') };
    }
    // a tracker with a cloud address needs --url only elsewhere (GitHub Enterprise, a GitLab of one's own)
    const where = DEFAULT_URLS[kind] ? '' : ` --url ${hint.url}`;
    if (hint.names && !parsed.positional.length)
      return invalid(
        `Say which ${hint.names} to read: ${code(`/nexus import ${kind} ${hint.query}${where} --token ${hint.token}`)}.`,
      );
    const query = hint.names
      ? namedQuery(parsed.positional, parsed.positionalRaw)
      : typedQuery(parsed.positional, parsed.positionalRaw);
    if (hint.shape && !hint.shape.test(query))
      return invalid(
        `Say which ${hint.names ?? 'query'} to read, as ${code(hint.query)} (not ${code(query.slice(0, 60))}): ${code(`/nexus import ${kind} ${hint.query}${where} --token ${hint.token}`)}.`,
      );
    return { kind, query, since: since ?? null, token: unlinked(token), url: address };
  },
  async execute(input, ctx) {
    const { nexus, store } = ctx;
    const refused = await whyNotStart(input.kind, ctx);
    if (refused) return refused;
    const now = ctx.now();
    const since = input.since ? DateTime.fromISO(input.since, { zone: 'utc' }) : defaultImportSince(now);
    const source = { baseUrl: input.url, token: input.token, query: input.query, since };
    let expected: number | null;
    try {
      ({ expected } = await HISTORIES[input.kind]!(source).check());
    } catch (error) {
      if (isUnreadable(error)) return { problem: 'tracker-unreadable', kind: input.kind, failure: error.data.failure };
      throw error;
    }
    const started = await store.imports.start({
      nexusId: nexus.id,
      kind: input.kind,
      query: input.query,
      since,
      baseUrl: input.url,
      token: input.token,
      itemsExpected: expected,
      startedBy: ctx.userId,
      startedAt: now,
    });
    if ('problem' in started) return started;
    ctx.kickImports?.();
    return { started: started.job };
  },
  render: (outcome) => ('started' in outcome ? renderImportBegun(outcome.started) : renderImportProblem(outcome)),
};

/** Why no import of `kind` can start in the Nexus now, before the tracker is asked: not connected, or one under way. */
export async function whyNotStart(kind: TrackerKind, { nexus, store }: NexusContext): Promise<ImportProblem | null> {
  if (!(await store.trackers.get(nexus.id, kind))) return { problem: 'tracker-not-connected', kind };
  const latest = await store.imports.latest(nexus.id);
  return latest && isUnderWay(latest.state) ? { problem: 'import-running', job: latest } : null;
}

/** `/nexus import status`: anyone may look. */
const status: ImportForm<null, { job: ImportJob | null; outcome: ImportOutcome | null }> = {
  words: ['status'],
  usage: '/nexus import status',
  show: true,
  parse: (words) => (words.length > 1 ? invalid('`/nexus import status` takes nothing after it.') : null),
  async execute(_input, { nexus, store }) {
    const job = await store.imports.latest(nexus.id);
    return { job, outcome: job ? await store.imports.outcome(job.id) : null };
  },
  render: ({ job, outcome }, ctx) => renderImportStatus(job, outcome, ctx.now()),
};

/** `/nexus import cancel`: what was read stays; nothing more is read. */
const cancel: ImportForm<null, { cancelled: ImportJob } | ImportProblem> = {
  words: ['cancel'],
  usage: '/nexus import cancel',
  parse: (words) => (words.length > 1 ? invalid('`/nexus import cancel` takes nothing after it.') : null),
  async execute(_input, { nexus, store, now }) {
    const cancelled = await store.imports.cancel(nexus.id, now());
    return cancelled ? { cancelled } : { problem: 'no-import' };
  },
  render: (outcome, ctx) =>
    'cancelled' in outcome ? renderImportCancelled(outcome.cancelled, ctx.userId) : renderImportProblem(outcome),
};

/** Why `/nexus import <kind>` cannot read that tracker: generic webhooks have no API; the rest are not built yet. */
function notImportable(kind: TrackerKind): string {
  const built = IMPORTABLE.map((k) => TRACKER_NAMES[k]).join(', ');
  if (kind === 'generic')
    return `Generic webhooks have no API to read history from: bring it as a CSV file instead (\`/nexus import csv\`).`;
  return `Importing from ${TRACKER_NAMES[kind]} is not built yet; ${built} is. Its webhooks work: \`/nexus tracker ${kind}\`.`;
}

export const TRACKER_IMPORT_FORMS: readonly ImportForm[] = [start, status, cancel];

/**
 * The query as typed: one quoted word is the query itself; several words are joined as typed, their own quotes kept
 * (`status = "In Progress"`), Slack's curly quotes made straight for the tracker.
 */
export function typedQuery(words: string[], raw: string[] | undefined): string {
  const typed = raw && !(words.length === 1 && /^["'“”‘’„‚]/.test(raw[0])) ? raw : words;
  return typed.join(' ').replace(/[“”„]/g, '"').replace(/[‘’‚]/g, "'").trim();
}

/**
 * A query that names something first (an Azure DevOps project), then a condition: the name as one word, in double
 * quotes when it has spaces (`"Fabrikam Fiber" [System.State] = 'Active'`), then the rest as typed.
 */
function namedQuery(words: string[], raw: string[] | undefined): string {
  const name = /\s/.test(words[0]) ? `"${words[0]}"` : words[0];
  const rest = typedQuery(words.slice(1), raw?.slice(1));
  return rest ? `${name} ${rest}` : name;
}

/** A flag's value without the link Slack makes of a typed address (`<https://x|x>`, `<mailto:a@b|a@b>`). */
export function unlinked(value: string): string {
  return value.replace(/<(?:mailto:)?([^|>]+)(?:\|[^>]*)?>/g, '$1');
}

/** The tracker's base URL: http(s), without a trailing slash, query or fragment; null when it is not one. */
function baseUrl(text: string): string | null {
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}
