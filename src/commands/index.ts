import { looksLikeNumber } from '../domain/pbi-key';
import { bold, code, context, header, lineSections } from '../render/blocks';
import { ephemeral, type Reply, refusal } from '../render/reply';
import {
  type AnyCommand,
  type CommandContext,
  type Invalid,
  isInvalid,
  isShowSetting,
  type NexusContext,
} from './command';
import { flowAging } from './flow/aging';
import { flowBacklog } from './flow/backlog';
import { flowBlocked } from './flow/blocked';
import { flowBoard } from './flow/board';
import { flowChart } from './flow/chart';
import { flowDigest } from './flow/digest';
import { flowEfficiencyCommand } from './flow/efficiency';
import { flowExport } from './flow/export';
import { flowSle } from './flow/sle';
import { flowThroughput } from './flow/throughput';
import { flowWip } from './flow/wip';
import { forecastAccuracy } from './forecast/accuracy';
import { forecastBacklog } from './forecast/backlog';
import { forecastBy } from './forecast/by';
import { forecastPbi } from './forecast/pbi';
import { forecastSprint } from './forecast/sprint';
import { forecastWhen } from './forecast/when';
import { nexusClass } from './nexus/class';
import { nexusDigest } from './nexus/digest';
import { nexusFlow } from './nexus/flow';
import { nexusForecast } from './nexus/forecast';
import { nexusImport } from './nexus/import';
import { nexusMap } from './nexus/map';
import { nexusNit } from './nexus/nit';
import { nexusRetro } from './nexus/retro';
import { nexusReview } from './nexus/review';
import { nexusSetup } from './nexus/setup';
import { nexusShare } from './nexus/share';
import { nexusSle } from './nexus/sle';
import { nexusSprint } from './nexus/sprint';
import { nexusStage } from './nexus/stage';
import { nexusTeamChannel } from './nexus/team-channel';
import { nexusTeams } from './nexus/teams';
import { nexusTracker } from './nexus/tracker';
import { nexusZone } from './nexus/zone';
import { pbiAdd } from './pbi/add';
import { pbiBlock, pbiUnblock } from './pbi/block';
import { pbiClass } from './pbi/class';
import { pbiDepends } from './pbi/depends';
import { pbiDiscard } from './pbi/discard';
import { pbiLink } from './pbi/link';
import { pbiMove } from './pbi/move';
import { pbiRank } from './pbi/rank';
import { pbiShow } from './pbi/show';
import { pbiSnooze, pbiSwarm } from './pbi/swarm';
import { pbiTeam } from './pbi/team';
import { pbiTeams } from './pbi/teams';
import { tokenize } from './tokenize';

export const COMMANDS: readonly AnyCommand[] = [
  pbiAdd,
  pbiMove,
  pbiTeam,
  pbiTeams,
  pbiShow,
  pbiBlock,
  pbiUnblock,
  pbiDiscard,
  pbiSwarm,
  pbiRank,
  pbiDepends,
  pbiLink,
  pbiClass,
  pbiSnooze,
  flowBoard,
  flowWip,
  flowAging,
  flowBacklog,
  flowSle,
  flowThroughput,
  flowEfficiencyCommand,
  flowBlocked,
  flowChart,
  flowDigest,
  flowExport,
  forecastWhen,
  forecastBy,
  forecastPbi,
  forecastSprint,
  forecastBacklog,
  forecastAccuracy,
  nexusSetup,
  nexusTeams,
  nexusTeamChannel,
  nexusStage,
  nexusClass,
  nexusFlow,
  nexusSle,
  nexusDigest,
  nexusZone,
  nexusNit,
  nexusForecast,
  nexusSprint,
  nexusReview,
  nexusTracker,
  nexusMap,
  nexusImport,
  nexusRetro,
  nexusShare,
];

/** The slash commands the app answers; the manifest must register exactly these. */
export const SLASH_COMMANDS = ['/pbi', '/flow', '/forecast', '/nexus'] as const;

/** A line as typed in Slack or the console, e.g. `/pbi move PBI-7 ready`. */
export function runLine(line: string, ctx: CommandContext): Promise<Reply> {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  return runSlashCommand(space < 0 ? trimmed : trimmed.slice(0, space), space < 0 ? '' : trimmed.slice(space + 1), ctx);
}

/** One slash command with its text, as Slack delivers it. Always answers; expected failures change nothing. */
export async function runSlashCommand(slash: string, text: string, ctx: CommandContext): Promise<Reply> {
  const group = slashGroup(slash);
  if (!group) {
    return refusal(
      `${code(slash.slice(0, 30))} is not a Nexus Flow command. Commands: ${SLASH_COMMANDS.join(', ')}; \`/nexus help\` explains them.`,
    );
  }
  const tokens = tokenize(text);
  if (isInvalid(tokens)) return refusal(tokens.invalid, findCommand(group, text.trim().split(/\s+/)[0] ?? '')?.usage);
  if (group !== 'forecast') return runWords(group, tokens.words, ctx, tokens.raw);
  const isChart = (w: string) => w.toLowerCase() === '--chart';
  const requested = tokens.words.some(isChart);
  const words = forecastWords(tokens.words.filter((w) => !isChart(w)));
  const added = words.length - tokens.words.filter((w) => !isChart(w)).length;
  const raw = [...words.slice(0, added), ...tokens.raw.filter((_, i) => !isChart(tokens.words[i]))];
  const reply = await runWords(group, words, ctx, raw);
  return reply.chart ? { ...reply, chart: { ...reply.chart, requested } } : reply;
}

/**
 * What a slash command asks, in words safe to count by (`pbi move`, `forecast when`): a known command's path, else
 * `<group> unknown`. Never the typed text itself.
 */
export function commandName(slash: string, text: string): string {
  const group = slashGroup(slash);
  if (!group) return 'unknown';
  const tokens = tokenize(text);
  const words = isInvalid(tokens) ? [] : tokens.words;
  const [sub = 'help'] = group === 'forecast' ? forecastWords(words) : words;
  const known = findCommand(group, sub) || sub.toLowerCase() === 'help';
  return `${group} ${known ? sub.toLowerCase() : 'unknown'}`;
}

/** `pbi` for `/pbi` (any case); null for a slash command that is not ours. */
function slashGroup(slash: string): string | null {
  const group = slash.replace(/^\//, '').toLowerCase();
  return SLASH_COMMANDS.includes(`/${group}` as (typeof SLASH_COMMANDS)[number]) ? group : null;
}

function findCommand(group: string, sub: string): AnyCommand | undefined {
  return COMMANDS.find((c) => c.path[0] === group && c.path[1] === sub.toLowerCase());
}

/**
 * `/forecast` reads its first word as a question: a number (when), `by`, `sprint`, `backlog`, `accuracy`, or a PBI's key.
 * `--chart` (any question) asks the console for the histogram as a PNG; Slack always gets it.
 */
function forecastWords(words: string[]): string[] {
  const [first = 'help'] = words;
  // a number, whole or not (-3, 3.5): `when` says what a count is; never a PBI's key (src/domain/pbi-key.ts)
  if (looksLikeNumber(first)) return ['when', ...words];
  if (['by', 'sprint', 'backlog', 'accuracy', 'help'].includes(first.toLowerCase()) || first.startsWith('--'))
    return words;
  return ['pbi', ...words];
}

/**
 * A command already split into words after its slash command, e.g. ('pbi', ['block', 'PBI-7', 'waiting for legal']);
 * `raw`, when the words were typed, holds each as typed (quotes and all).
 */
export async function runWords(
  group: string,
  words: string[],
  ctx: CommandContext,
  raw?: readonly string[],
): Promise<Reply> {
  return (await runCommand(group, words, ctx, raw)).reply;
}

/**
 * What running a command came to: its reply, and what its parse refused or its execute answered, for a form asking
 * for the same things, which shows a refusal beside the field it is about.
 */
export type Ran = { reply: Reply; invalid?: Invalid; outcome?: unknown };

/** runWords, telling what parse refused (`invalid`) or execute answered (`outcome`) besides the reply. */
export async function runCommand(
  group: string,
  [sub = 'help', ...words]: string[],
  ctx: CommandContext,
  raw?: readonly string[],
): Promise<Ran> {
  const command = findCommand(group, sub);
  if (!command) return { reply: sub.toLowerCase() === 'help' ? help(group) : notACommand(group, sub) };
  const input = command.parse(words, raw?.slice(1));
  if (isInvalid(input)) return { reply: refusal(input.invalid, command.usage), invalid: input };
  if (command.scope === 'channel') {
    const outcome = await command.execute(input, ctx);
    return { reply: command.render(outcome, ctx), outcome };
  }
  // anyone may read a setting (the command typed with nothing after it); only the NIT may change one
  const nexusCtx = await nexusFor(ctx, command.nitOnly && !isShowSetting(input));
  if (!('nexus' in nexusCtx)) return { reply: nexusCtx };
  const outcome = await command.execute(input, nexusCtx);
  return { reply: command.render(outcome, nexusCtx), outcome };
}

/**
 * The channel's Nexus for a command, or the refusal: the channel has none, or `changes` (a NIT-only command changing
 * something) and the person is not of its NIT.
 */
export async function nexusFor(ctx: CommandContext, changes: boolean): Promise<NexusContext | Reply> {
  const nexus = await ctx.store.nexuses.findByChannel(ctx.workspaceId, ctx.channelId);
  if (!nexus) return refusal('This channel has no Nexus yet. Create one here with `/nexus setup`.');
  if (changes && !nexus.nit.includes(ctx.userId)) {
    return refusal(
      `Only the Nexus Integration Team (${nexus.nit.map((u) => `<@${u}>`).join(', ')}) can change the Nexus's settings.`,
    );
  }
  return { ...ctx, nexus, store: ctx.store.about(nexus, ctx.askedAt ?? null) };
}

/** Typo tolerance: a word this many edits (or fewer) from a command's is taken as meaning it. */
const MAX_TYPO_EDITS = 2;

/** A word that names no command of the group: what was probably meant, then the group's own forms (not every group's). */
function notACommand(group: string, sub: string): Reply {
  const typed = `/${group} ${sub.slice(0, 30)}`;
  const meant = likelyMeant(group, sub.toLowerCase());
  const guess = meant ? ` Did you mean ${code(`/${meant.path.join(' ')}`)}?` : '';
  const message = `${code(typed)} is not a command.${guess} The ${code(`/${group}`)} commands:`;
  const lines = COMMANDS.filter((c) => c.path[0] === group).map((c) => `${code(c.usage)}\n      ${c.summary}`);
  return { ...refusal(message), blocks: lineSections([message, ...lines]) };
}

/** The command whose word is closest to the typed one (same group first on a tie), if it is within a typo of it. */
function likelyMeant(group: string, word: string): AnyCommand | undefined {
  const allowed = Math.min(MAX_TYPO_EDITS, Math.floor(word.length / 3));
  const ranked = COMMANDS.map((c) => ({ c, edits: typoDistance(word, c.path[1]), other: c.path[0] === group ? 0 : 1 }))
    .filter((r) => r.edits <= allowed)
    .sort((a, b) => a.edits - b.edits || a.other - b.other);
  return ranked[0]?.c;
}

/** Edits between two words, a swap of neighbours counting as one (optimal string alignment distance). */
export function typoDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function help(group: string): Reply {
  const groups = group === 'nexus' ? ['pbi', 'flow', 'forecast', 'nexus'] : [group];
  const blocks = [header('Nexus Flow · commands')];
  for (const g of groups) {
    const lines = COMMANDS.filter((c) => c.path[0] === g).map((c) => `${code(c.usage)}\n      ${c.summary}`);
    // a group's commands outgrew one section (3,000 characters, past which the end was cut): as many as they need
    blocks.push(...lineSections([bold(`/${g}`), ...lines], lines.length + 1));
  }
  blocks.push(
    context(
      'Stage and team names ignore case; quote names with spaces. A title or reason in quotes is what they hold (`\\"` is a quote inside them); typed bare, it is kept as typed, quotes and all.',
    ),
    context(
      "In Slack, a link to a tracker item one of the workspace's Nexuses knows unfurls into its PBI's card; a message's *More actions* menu has *Add as PBI*, *Block a PBI with this* and *Link to a PBI*, which keep the message's link; and a ⛔ reaction on the bot's news of a PBI offers you a button to block it.",
    ),
  );
  return ephemeral('Nexus Flow commands', blocks);
}
