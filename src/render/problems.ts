import type { NexusProblem } from '../commands/nexus/change';
import {
  MAX_CLASS_NAME,
  MAX_CLASSES,
  MAX_OPEN_PBIS,
  MAX_STAGE_NAME,
  MAX_STAGES,
  MAX_TEAM_NAME,
  MAX_TEAMS,
} from '../domain/limits';
import type { TeamsProblem } from '../domain/nexus';
import type { PbiProblem } from '../domain/pbi-decisions';
import type { ClassProblem, ServiceClass } from '../domain/service-class';
import type { SprintProblem } from '../domain/sprint';
import type { WorkflowProblem } from '../domain/workflow';
import type { NexusExists, SettingsInUse } from '../store/nexus-repository';
import type { DuplicateKey, UnknownPbi } from '../store/pbi-repository';
import { code, escape } from './blocks';
import { squareLabel } from './pbi';
import type { ButtonProblem, StaleCard } from './pbi-buttons';
import { type Reply, refusal } from './reply';
import { TRACKER_NAMES } from './tracker-news';
import { count, formatDate, inStage, ZONE_MOVES } from './words';

type Problem =
  | PbiProblem
  | UnknownPbi
  | DuplicateKey
  | WorkflowProblem
  | TeamsProblem
  | SettingsInUse
  | NexusExists
  | NexusProblem
  | ClassProblem
  | SprintProblem
  | ButtonProblem;

/** One short sentence per expected failure, saying what was wrong and what to do instead. */
export function explain(p: Problem): string {
  switch (p.problem) {
    case 'no-sprint-cadence':
      return 'The Nexus has no Sprint cadence, so no Sprint has finished: set one with `/nexus sprint <YYYY-MM-DD>` (the first day of a Sprint).';
    case 'no-sprint-finished':
      return `No Sprint has finished yet: the first ends on ${formatDate(p.next.last, p.next.first)}.`;
    case 'unknown-pbi':
      return `There is no PBI ${code(p.key)} in this Nexus. \`/flow board\` lists them.`;
    case 'duplicate-key':
      return `${code(p.key)} is already a PBI in this Nexus; give another \`--key\` or leave it out to get the next PBI-<n>.`;
    case 'unknown-stage':
      return 'stages' in p
        ? `There is no stage ${code(p.stage)}. Stages: ${p.stages.map(code).join(' → ')}.`
        : `There is no stage ${code(p.stage)} in the workflow.`;
    case 'unknown-team': {
      const named = teamNames(p);
      const none = named.length > 1 ? `There are no teams ${listed(named)}` : `There is no team ${listed(named)}`;
      return 'teams' in p && p.teams
        ? `${none}. Teams: ${p.teams.length ? p.teams.map(code).join(', ') : 'none yet (`/nexus teams add <team…>`)'}.`
        : `${none} in this Nexus.`;
    }
    case 'team-not-needed':
      // taking a team off a PBI that doesn't need it: nothing to do, so no command to add it
      if (p.removing) {
        const { needed } = p.removing;
        return `${escape(p.team)} is not needed on ${escape(p.key)}, so there is nothing to remove. ${needed.length ? `It needs ${needed.map(escape).join(', ')}.` : 'It needs no team yet.'}`;
      }
      return `${escape(p.team)} is not needed on ${escape(p.key)}. Add it with ${code(`/pbi teams ${p.key} +${asTyped(p.team)}`)}.`;
    case 'team-already-needed':
      return `${escape(p.team)} is already needed on ${escape(p.key)}.`;
    case 'already-there':
      return `${escape(p.key)} is already ${inStage(p.stage)}.`;
    case 'superseded-move':
      // the late first attempt of a move typed again: its second attempt, or a later move, already answered
      return `You moved ${escape(p.key)} since, with a command sent after this one: it is ${inStage(p.stage)}, and this move to ${code(p.to)} changed nothing.`;
    case 'already-in-state':
      return `${escape(p.team)}'s square on ${escape(p.key)} is already ${squareLabel(p.state)}.`;
    case 'squares-not-done':
      if (p.adding) {
        return (
          `A new PBI can't start ${inStage(p.stage)}: a PBI is integrated only when every team is done, and ` +
          `${p.open.map((s) => escape(s.team)).join(', ')} ${p.open.length > 1 ? 'have' : 'has'} not started. ` +
          'Add it in an earlier stage and move it when the teams are done.'
        );
      }
      return (
        `${escape(p.key)} can't move to ${code(p.stage)} yet: a PBI is integrated only when every team is done, and ` +
        `${p.open.map((s) => `${escape(s.team)} is ${squareLabel(s.state)}`).join(', ')}. ` +
        `When they finish: ${code(`/pbi team ${p.key} ${asTyped(p.open[0].team)} done`)}.`
      );
    case 'discarded':
      return `${escape(p.key)} was discarded; it can't change any more.`;
    case 'finished':
      return (
        `${escape(p.key)} is finished: its team squares are final. ` +
        `Move it back first (${code(`/pbi move ${p.key} <stage>`)}) to reopen it.`
      );
    case 'finished-plans':
      return (
        `${escape(p.key)} is finished: ${p.change === 'dependency' ? 'it waits on nothing any more' : 'its class of service no longer serves it'}. ` +
        `Move it back first (${code(`/pbi move ${p.key} <stage>`)}) to reopen it.`
      );
    case 'already-blocked':
      return `${escape(p.key)} is already blocked: ${escape(p.reason)}. ${code(`/pbi unblock ${p.key}`)} first to give a new reason.`;
    case 'not-blocked':
      return `${escape(p.key)} is not blocked.`;
    case 'no-change':
      return `That changes nothing on ${escape(p.key)}.`;
    case 'rank-self':
      return `${escape(p.key)} can't go before or after itself; name another PBI (\`/flow backlog\` shows the order).`;
    case 'not-in-backlog':
      return `${escape(p.key)} is ${p.finished ? 'finished' : 'discarded'}, so it has no place in the Product Backlog's order any more; \`/flow backlog\` shows the open PBIs.`;
    case 'depends-on-itself':
      return `${escape(p.key)} can't depend on itself; name the PBI it waits for.`;
    case 'depends-on-discarded':
      return `${escape(p.on)} was discarded: it will never be integrated, so ${escape(p.key)} can't wait for it.`;
    case 'dependency-cycle':
      return (
        `${escape(p.key)} can't depend on ${escape(p.cycle[1])}: that would make a cycle, ` +
        `${p.cycle.map(escape).join(' → ')}. Remove one of those first (${code('/pbi depends <key> remove <key>')}).`
      );
    case 'not-a-dependency': {
      const has = p.dependsOn.length ? `it depends on ${p.dependsOn.map(escape).join(', ')}` : 'it depends on no PBI';
      return `${escape(p.key)} doesn't depend on ${escape(p.on)}; ${has}.`;
    }
    case 'already-depends':
      return `${escape(p.key)} already depends on ${escape(p.on)}.`;
    case 'already-in-class':
      return `${escape(p.key)} is already ${code(p.serviceClass)}${p.dueDate ? `, due ${formatDate(p.dueDate, p.today)}` : ''}.`;
    case 'already-linked':
      return `${escape(p.key)} is already linked to ${escape(p.url)}: nothing changed.`;
    case 'not-linked':
      return p.links.length
        ? `${escape(p.key)} has no link ${escape(p.url)}. Its links: ${p.links.map(escape).join(', ')}.`
        : `${escape(p.key)} has no links yet.`;
    case 'too-many-links':
      return `${escape(p.key)} has ${p.max} links, as many as a PBI keeps: remove one first (${code(`/pbi link ${p.key} remove <url>`)}).`;
    case 'due-date-past':
      return `${code(p.dueDate)} is before today, ${formatDate(p.today, p.today)}: a fixed-date PBI is due by a date still ahead. If ${escape(p.key)} is already late, give the date now agreed.`;
    case 'not-in-progress':
      return `${escape(p.key)} is not in progress: only started, unfinished work can be swarmed on or snoozed.`;
    case 'duplicate-stage':
      return `There is already a stage ${code(p.stage)}.`;
    case 'finish-before-start':
      return `The finish stage (${code(p.finish)}) must come after the start stage (${code(p.start)}).`;
    case 'stage-in-flow':
      return `${code(p.stage)} is where flow starts or finishes; change \`/nexus flow start <stage> finish <stage>\` first.`;
    case 'too-few-stages':
      return 'A workflow needs at least two stages: one to start in and one to finish in.';
    case 'too-many-stages':
      return `A workflow has at most ${MAX_STAGES} stages (this would make ${p.count}); merge some, or track finer steps in your tracker.`;
    case 'invalid-stage-name':
      return `${code(p.stage.slice(0, MAX_STAGE_NAME))}${p.stage.length > MAX_STAGE_NAME ? '…' : ''} is not a stage name: letters, digits, spaces, \`-_.\`, at most ${MAX_STAGE_NAME}.`;
    case 'too-many-teams':
      return `A Nexus has at most ${MAX_TEAMS} Scrum Teams (this would make ${p.count}).`;
    case 'too-many-open':
      return `This Nexus already has ${p.open} open PBIs, the most Nexus Flow serves (${MAX_OPEN_PBIS}); finish or \`/pbi discard\` some first.`;
    case 'duplicate-team': {
      const named = teamNames(p);
      return named.length > 1
        ? `There are already teams ${listed(named)}.`
        : `There is already a team ${listed(named)}.`;
    }
    case 'invalid-team-name': {
      const named = teamNames(p);
      return `${listed(named)} ${named.length > 1 ? 'are not team names' : 'is not a team name'}: a team name is letters, digits, spaces and \`-_.\`, starting with a letter or digit, at most ${MAX_TEAM_NAME} characters (quote a name with spaces: \`"Team A"\`).`;
    }
    case 'stage-in-use':
      return `${code(p.stage)} still holds ${count(p.count, 'PBI')}; move ${p.count === 1 ? 'it' : 'them'} first.`;
    case 'nexus-exists':
      return 'This channel already has a Nexus. Change it with `/nexus teams`, `/nexus stage`, `/nexus flow` and `/nexus sle`.';
    case 'team-in-use':
      return `${escape(p.team)} is still needed on open PBIs (${(p.keys ?? []).slice(0, 5).map(escape).join(', ')}${(p.keys ?? []).length > 5 ? ', …' : ''}); take it off them first with ${code(`/pbi teams <key> -${asTyped(p.team)}`)}.`;
    case 'same-zone':
      return `The Nexus's time zone is already ${p.zone}.`;
    case 'same-wait':
      return `${code(p.stage)} is ${p.wait ? 'already' : 'not'} a wait stage: nothing changed.`;
    case 'zone-in-digest': {
      const zone = p.zone.slice(0, 40);
      return `The digest posts at its time in the Nexus's time zone, ${p.timeZone}. ${code(zone)} would change the zone every day is counted in (${ZONE_MOVES}), so it is a setting of its own: \`/nexus zone ${zone}\`, then \`/nexus digest ${p.time}\`.`;
    }
    case 'already-in-nit':
    case 'not-in-nit':
      return `${p.problem === 'already-in-nit' ? 'Already' : 'Not'} in the Nexus Integration Team: ${p.users.map((u) => `<@${u}>`).join(', ')}.`;
    case 'nit-left-empty':
      return 'The Nexus Integration Team needs at least one member.';
    case 'reports-without-cadence':
      return "The Sprint reports are posted on each Sprint's last working day, and the Nexus has no Sprint cadence: give the first day of a Sprint too, like `/nexus sprint 2027-01-04 --review on`.";
    case 'tracker-not-connected':
      return p.disconnecting
        ? `${TRACKER_NAMES[p.kind]} is not connected to this Nexus.`
        : `${TRACKER_NAMES[p.kind]} is not connected to this Nexus; \`/nexus tracker ${p.kind}\` connects it.`;
    case 'team-channel-is-nexus':
      return `This is the Nexus channel, where ${escape(p.team)}'s flow goes without a channel of its own: name another, or \`off\`.`;
    case 'same-team-channel':
      return `${escape(p.team)}'s flow already goes to <#${p.channelId}>: nothing changed.`;
    case 'no-team-channel':
      return `${escape(p.team)} has no channel of its own: its flow is in the Nexus digest already.`;
    case 'channel-not-picked':
      return `Slack gave only the name #${escape(p.name)}: type \`#\`, pick the channel from the list, then send the command.`;
    case 'bot-not-in-channel':
      return `Nexus Flow is not in <#${p.channelId}>, so it can't post there: type \`/invite @Nexus Flow\` in that channel, then send this again. Nothing changed.`;
    case 'channel-not-found':
      return `Nexus Flow can't find the channel ${escape(p.channel)}: type \`#\` and pick one from the list.`;
    case 'channel-no-door':
      return "A team's channel is set with the slash command in the Nexus channel.";
    case 'unknown-class':
      return `There is no class of service ${code(p.serviceClass.slice(0, MAX_CLASS_NAME))}. Classes: ${p.classes.map(code).join(', ')}.`;
    case 'invalid-class-name':
      return `${code(p.serviceClass.slice(0, MAX_CLASS_NAME))}${p.serviceClass.length > MAX_CLASS_NAME ? '…' : ''} is not a class name: letters, digits and \`-_.\`, no spaces, starting with a letter or digit, at most ${MAX_CLASS_NAME} characters.`;
    case 'too-many-classes':
      return `A Nexus has at most ${MAX_CLASSES} classes of service of its own besides the built-in ones (this would make ${p.count}).`;
    case 'class-built-in':
      return `${code(p.serviceClass)} is a built-in class and stays; to take away its own SLE and WIP limit: ${code(`/nexus class add ${p.serviceClass}`)} with neither.`;
    case 'class-unchanged':
      return `${code(p.serviceClass.name)} already has ${classLimits(p.serviceClass)}.`;
    case 'class-needs-date':
      return `A fixed-date PBI needs the date it is due by: ${code(`/pbi class ${p.key} fixed-date --date YYYY-MM-DD`)}.`;
    case 'date-without-fixed-date':
      return `Only a fixed-date PBI has a date; ${code(p.serviceClass)} takes none, so leave out \`--date\`.`;
    case 'class-in-use':
      return `${code(p.serviceClass)} is still the class of open PBIs (${p.keys.slice(0, 5).map(escape).join(', ')}${p.keys.length > 5 ? ', …' : ''}); give them another first, like ${code(`/pbi class ${p.keys[0]} standard`)}.`;
    case 'unknown-button':
      return 'This button is not one Nexus Flow understands.';
    case 'pbi-gone':
      return `${escape(p.key)} is not in this channel's Nexus any more.`;
    case 'stale-card':
      return `This card is out of date: ${cardChange(p)}. Nothing changed; ${code(`/pbi show ${p.key}`)} shows it now.`;
  }
}

/** A class's own SLE and WIP limit in words: "an SLE of 5 days and a WIP limit of 2", "no SLE or WIP limit of its own". */
export function classLimits(c: ServiceClass): string {
  const sle = c.sleDays === null ? null : `an SLE of ${count(c.sleDays, 'day')}`;
  const wip = c.wipLimit === null ? null : `a WIP limit of ${c.wipLimit}`;
  if (sle && wip) return `${sle} and ${wip}`;
  return sle ?? wip ?? 'no SLE or WIP limit of its own';
}

/** What changed on a PBI since its card was drawn. */
function cardChange(p: StaleCard): string {
  switch (p.now) {
    case 'moved':
      return `${escape(p.key)} is now ${inStage(p.stage, escape)}`;
    case 'team-not-needed':
      return `${escape(p.team)} is no longer needed on ${escape(p.key)}`;
    case 'square-changed':
      return `${escape(p.team)}'s square on ${escape(p.key)} is now ${squareLabel(p.state)}`;
    case 'blocked':
      return `${escape(p.key)} is already blocked`;
    case 'unblocked':
      return `${escape(p.key)} is no longer blocked`;
    case 'finished':
      return `${escape(p.key)} is finished`;
  }
}

/** Every name a team problem is about: the first and the others. */
const teamNames = (p: { team: string; others?: string[] }) => [p.team, ...(p.others ?? [])];

/** Names as code, `a`, `b` and `c`: the first 10, then how many more. */
function listed(names: readonly string[]): string {
  const shown = names
    .slice(0, 10)
    .map((n) => `${code(n.slice(0, MAX_TEAM_NAME))}${n.length > MAX_TEAM_NAME ? '…' : ''}`);
  if (names.length > 10) return `${shown.join(', ')} and ${names.length - 10} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
}

/** A team's name as a command takes it: quoted when it has a space. */
export function asTyped(team: string): string {
  return team.includes(' ') ? `"${team}"` : team;
}

/**
 * Problems with what was typed: a PBI, stage or team named that isn't there, or no valid name. Their refusal shows the
 * command's form too. The others answer about the Nexus as it is ("already blocked", "still in use", "not enough
 * history"): nothing was mistyped, and a usage line under them would say it was.
 */
const OF_WHAT_WAS_TYPED: ReadonlySet<Problem['problem']> = new Set([
  'unknown-pbi',
  'depends-on-itself',
  'unknown-stage',
  'unknown-team',
  'channel-not-picked',
  'channel-not-found',
  'invalid-stage-name',
  'invalid-team-name',
  'duplicate-key',
  'unknown-class',
  'invalid-class-name',
  'class-needs-date',
  'date-without-fixed-date',
  'due-date-past',
  'not-linked',
]);
export const isMistake = (p: Problem): boolean => OF_WHAT_WAS_TYPED.has(p.problem);

/** A problem as a refusal: why, what to do, and the command's form when what was typed was the mistake. */
export function refuse(p: Problem, usage: string): Reply {
  return refusal(explain(p), isMistake(p) ? usage : undefined);
}

export function isProblem<T extends object>(value: T | Problem): value is Problem {
  return 'problem' in value;
}
