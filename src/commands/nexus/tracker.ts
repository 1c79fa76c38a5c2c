import type { DateTime } from 'luxon';
import { isTrackerKind, TRACKER_KINDS, type TrackerKind } from '../../domain/tracker';
import { bold, code, context, escape, section } from '../../render/blocks';
import { isProblem, refuse } from '../../render/problems';
import { ephemeral, inChannel, type Reply } from '../../render/reply';
import { mapCommand, TRACKER_NAMES } from '../../render/tracker-news';
import type { InboxSummary, TrackerConnection } from '../../store/tracker-repository';
import { TRACKERS } from '../../trackers';
import { SECRET_CACHE_MS } from '../../trackers/connection-cache';
import { ACCEPTED, isRejected } from '../../trackers/tracker';
import { defineCommand, invalid, isInvalid, type NexusContext } from '../command';
import { parseFlags } from '../flags';
import type { NexusProblem } from './change';

const usage = `/nexus tracker [${TRACKER_KINDS.join('|')}] [--secret <the tracker's own secret>] | /nexus tracker <tracker> disconnect`;
const DEFAULT_PUBLIC_URL = 'http://localhost:3000';

type Input = { kind: TrackerKind; secret: string | null } | { kind: TrackerKind; disconnect: true } | { kind: null };
type Outcome =
  | { connected: TrackerConnection; secret: string; url: string }
  | { disconnected: TrackerKind }
  | NexusProblem
  | { listed: { connection: TrackerConnection; inbox: InboxSummary }[] };

function webhookUrl(ctx: NexusContext, kind: TrackerKind): string {
  return `${(ctx.publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/$/, '')}/webhooks/${kind}/${ctx.nexus.id}`;
}

/**
 * Connects a tracker (or gives it a new secret), or disconnects it; with no tracker named, shows the connections and
 * their inboxes.
 */
export const nexusTracker = defineCommand<Input, Outcome>({
  path: ['nexus', 'tracker'],
  usage,
  summary:
    'connect a tracker: its webhook URL and a new secret (shown once, to you alone), and the status→stage mapping',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    const parsed = parseFlags(words, ['secret']);
    if (isInvalid(parsed)) return parsed;
    const [kind, ...rest] = parsed.positional;
    if (!kind) return parsed.flags.secret ? invalid('Name the tracker the secret is for.') : { kind: null };
    if (!isTrackerKind(kind.toLowerCase()))
      return invalid(`${code(kind.slice(0, 20))} is not a tracker; one of ${TRACKER_KINDS.join(', ')}.`);
    if (rest.length === 1 && rest[0].toLowerCase() === 'disconnect') {
      return parsed.flags.secret
        ? invalid('A tracker is disconnected without a secret.')
        : { kind: kind.toLowerCase() as TrackerKind, disconnect: true };
    }
    if (rest.length)
      return invalid(
        `Unexpected ${code(rest[0].slice(0, 30))}; to stop taking a tracker's webhooks: ${code(`/nexus tracker ${kind.toLowerCase()} disconnect`)}.`,
      );
    const secret = parsed.flags.secret ?? null;
    if (secret !== null && secret.length < 16)
      return invalid('That secret is too short to be safe: use at least 16 characters.');
    const strength = secret === null ? ACCEPTED : TRACKERS[kind.toLowerCase() as TrackerKind].checkSecret(secret);
    if (isRejected(strength)) return invalid(strength.rejected);
    return { kind: kind.toLowerCase() as TrackerKind, secret };
  },
  async execute(input, ctx) {
    if (input.kind === null) return { listed: await ctx.store.trackers.list(ctx.nexus.id) };
    if ('disconnect' in input) {
      if (await ctx.store.trackers.disconnect(ctx.nexus.id, input.kind)) return { disconnected: input.kind };
      return { problem: 'tracker-not-connected', kind: input.kind, disconnecting: true };
    }
    const secret = input.secret ?? TRACKERS[input.kind].newSecret();
    const connected = await ctx.store.trackers.connect(ctx.nexus.id, input.kind, secret, ctx.now(), ctx.userId);
    return { connected, secret, url: webhookUrl(ctx, input.kind) };
  },
  render(outcome, ctx) {
    if (isProblem(outcome)) return refuse(outcome, usage); // not connected: the Nexus's state, no usage
    if ('disconnected' in outcome) return renderDisconnected(outcome.disconnected);
    return 'connected' in outcome ? renderConnected(outcome) : renderList(outcome.listed, ctx.now());
  },
});

function renderConnected({
  connected,
  secret,
  url,
}: {
  connected: TrackerConnection;
  secret: string;
  url: string;
}): Reply {
  const name = TRACKER_NAMES[connected.kind];
  const blocks = [
    section(
      `🔌 ${bold(name)} is connected to this Nexus. Set up its webhook with:\n• URL: ${code(url)}\n• Secret: ${code(secret)}`,
    ),
    section(TRACKERS[connected.kind].setup),
    section(mappingText(connected)),
    context(
      'Only you see this secret, and only now; the bot keeps it sealed. Running this again makes a new one (the old stops working).',
    ),
  ];
  return ephemeral(`${name} connected: ${url}`, blocks);
}

function renderDisconnected(kind: TrackerKind): Reply {
  const name = TRACKER_NAMES[kind];
  return inChannel(
    `🔌 ${name} is disconnected from this Nexus: its webhooks are refused from now on (within ${SECRET_CACHE_MS / 1000} s on every replica of the bot). ` +
      `The PBIs and history it brought stay; ${code(`/nexus tracker ${kind}`)} connects it again, with a new secret and no mappings.`,
  );
}

function renderList(listed: { connection: TrackerConnection; inbox: InboxSummary }[], now: DateTime): Reply {
  if (!listed.length)
    return ephemeral(`No tracker is connected yet. Connect one with \`/nexus tracker ${TRACKER_KINDS.join('|')}\`.`);
  const blocks = listed.flatMap(({ connection, inbox }) => [
    section(`${bold(TRACKER_NAMES[connection.kind])} — ${inboxText(inbox, now)}\n${mappingText(connection)}`),
  ]);
  return ephemeral(`${listed.length} tracker connection(s)`, blocks);
}

/** Whether the webhook works, at a glance: how many came in what state, the last one, and the latest that went wrong. */
function inboxText({ counts, lastReceivedAt, latestProblem }: InboxSummary, now: DateTime): string {
  if (!lastReceivedAt) return 'no deliveries yet';
  const byState = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  const lines = [`deliveries: ${byState}; the last ${ago(lastReceivedAt, now)}`];
  if (latestProblem)
    lines.push(
      `⚠️ Latest ${latestProblem.state} delivery (${ago(latestProblem.receivedAt, now)}): ${code(latestProblem.error.slice(0, 200))}`,
    );
  return lines.join('\n');
}

function ago(at: DateTime, now: DateTime): string {
  return at.toRelative({ base: now }) ?? 'just now';
}

function mappingText(connection: TrackerConnection): string {
  const statuses = Object.entries(connection.mapping.statuses).map(
    ([status, stage]) => `"${escape(status)}" → ${escape(stage)}`,
  );
  const teams = Object.entries(connection.mapping.teams).map(([hint, team]) => `"${escape(hint)}" → ${escape(team)}`);
  const waiting = connection.reportedStatuses.map((s) => `"${escape(s)}"`);
  return [
    `Statuses: ${statuses.join(', ') || 'none mapped yet'} (a status named like a stage, and the tracker's to-do / in-progress / done categories, map by themselves).`,
    `Teams: ${teams.join(', ') || 'labels named like a team map by themselves'}.`,
    ...(waiting.length ? [`⚠️ Without a stage: ${waiting.join(', ')}.`] : []),
    `Map with ${mapCommand(connection.kind, '<status>')} and ${code(`/nexus map ${connection.kind} team "<label>" <team>`)}.`,
  ].join('\n');
}
