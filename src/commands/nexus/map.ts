import type { PbiProblem } from '../../domain/pbi-decisions';
import { isTrackerKind, TRACKER_KINDS, type TrackerKind } from '../../domain/tracker';
import { bold, code, escape } from '../../render/blocks';
import { isProblem, refuse } from '../../render/problems';
import { inChannel } from '../../render/reply';
import { TRACKER_NAMES } from '../../render/tracker-news';
import { defineCommand, invalid } from '../command';
import type { NexusProblem } from './change';

const usage = '/nexus map <tracker> "<status>" <stage>   |   /nexus map <tracker> team "<label>" <team>';

type Input = { kind: TrackerKind; what: 'status' | 'team'; from: string; to: string };
/** No such stage or team, named with the Nexus's, as a PBI command names them. */
type UnknownTarget = Extract<PbiProblem, { problem: 'unknown-stage' | 'unknown-team' }>;
type Outcome = { mapped: Input & { target: string; requeued: number } } | NexusProblem | UnknownTarget;

/** Maps a tracker status to a stage, or a tracker label (component, team key, area path) to a team. */
export const nexusMap = defineCommand<Input, Outcome>({
  path: ['nexus', 'map'],
  usage,
  summary: 'map a tracker status to a stage, or a tracker label to a team',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    const [kind, ...rest] = words;
    if (!kind || !isTrackerKind(kind.toLowerCase()))
      return invalid(`Name the tracker first: one of ${TRACKER_KINDS.join(', ')}.`);
    const team = rest[0]?.toLowerCase() === 'team' && rest.length === 3;
    const [from, to, extra] = team ? rest.slice(1) : rest;
    if (!from || !to) return invalid('Say what maps to what, e.g. `/nexus map jira "In Review" review`.');
    if (extra) return invalid(`Unexpected ${code(extra.slice(0, 30))}; quote names with spaces.`);
    if (from.length > 100) return invalid('That name is longer than any tracker status (100 characters at most).');
    return { kind: kind.toLowerCase() as TrackerKind, what: team ? 'team' : 'status', from, to };
  },
  async execute(input, ctx) {
    if (!(await ctx.store.trackers.get(ctx.nexus.id, input.kind)))
      return { problem: 'tracker-not-connected', kind: input.kind };
    if (input.what === 'team') {
      const team = await ctx.store.trackers.mapTeam(ctx.nexus.id, input.kind, input.from, input.to);
      if ('problem' in team) return { ...team, teams: ctx.nexus.teams };
      return { mapped: { ...input, target: team.mapped, requeued: 0 } };
    }
    const stage = await ctx.store.trackers.mapStatus(ctx.nexus.id, input.kind, input.from, input.to);
    if ('problem' in stage) return { ...stage, stages: ctx.nexus.workflow.stages.map((s) => s.name) };
    return { mapped: { ...input, target: stage.mapped, requeued: stage.requeued } };
  },
  render(outcome, ctx) {
    if (isProblem(outcome)) return refuse(outcome, usage);
    const { kind, what, from, target, requeued } = outcome.mapped;
    const name = TRACKER_NAMES[kind];
    // a mapping changes what the Nexus's PBIs become, so the channel hears it and who made it, as with every setting
    const who = `<@${ctx.userId}>`;
    if (what === 'team')
      return inChannel(
        `🔗 ${who} mapped ${name} label ${bold(escape(from))} to team ${bold(escape(target))}: PBIs the tracker creates with that label need ${escape(target)}.`,
      );
    const waiting = requeued ? ` ${requeued} held ${requeued === 1 ? 'move is' : 'moves are'} being applied now.` : '';
    return inChannel(
      `🔗 ${who} mapped ${name} status ${bold(escape(from))} to ${bold(escape(target))}: the status now moves PBIs there.${waiting}`,
    );
  },
});
