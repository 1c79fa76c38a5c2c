import type { SettingShown, SettingsChanged, SettingsOutcome } from '../commands/nexus/change';
import type { CalendarDate, Weekday } from '../domain/calendar';
import { type ForecastSetting, type Nexus, type SprintReport, sprintReportsOn } from '../domain/nexus';
import { classNames, findClass, type ServiceClass } from '../domain/service-class';
import { type Sprint, type Sprints, sprintsOn } from '../domain/sprint';
import type { DroppedMappings } from '../domain/tracker';
import { sameName, type Workflow } from '../domain/workflow';
import { code, context, escape, section } from './blocks';
import { classLimits, isProblem, refuse } from './problems';
import { ephemeral, inChannel, type Reply } from './reply';
import { TRACKER_NAMES } from './tracker-news';
import { andList, count, formatDate, inStage, ZONE_MOVES } from './words';

/**
 * A settings command's reply: a change told to the channel (who changed what, what it unmapped, and a line on what it
 * means), a problem refused, or the setting as it is, to the asker.
 */
export function renderSettings(outcome: SettingsOutcome, usage: string): Reply {
  if (isProblem(outcome)) return refuse(outcome, usage);
  if ('shown' in outcome) {
    const shown = describeSetting(outcome);
    return ephemeral(shown, [section(shown), context(`Change it: ${code(usage)}`)]);
  }
  const said = [saidOf(outcome.changed, `<@${outcome.by}>`, outcome.nexus), ...unmappedNotes(outcome.unmapped)].join(
    ' ',
  );
  const blocks = [section(said)];
  const detail = detailOf(outcome.changed, outcome.nexus);
  if (detail) blocks.push(context(detail));
  return inChannel(said, blocks);
}

/** `refining → ready (10) → ▶in-progress (6) → ■integrated → released`: start and finish marked. */
export function describeWorkflow(workflow: Workflow): string {
  return workflow.stages
    .map((s) => {
      const mark = sameName(s.name, workflow.startStage) ? '▶ ' : sameName(s.name, workflow.finishStage) ? '✔ ' : '';
      const wip = s.wipLimit === null ? '' : ` (WIP ${s.wipLimit})`;
      return `${mark}${code(s.name)}${wip}${s.wait ? ' ⏸ wait' : ''}`;
    })
    .join(' → ');
}

/** The channel's sentence: who changed what. */
function saidOf(changed: SettingsChanged, who: string, nexus: Nexus): string {
  switch (changed.setting) {
    case 'nit': {
      const { action, users, nit } = changed;
      return `🛡 ${who} ${action === 'add' ? 'added' : 'removed'} ${users.map(mention).join(', ')}. Nexus Integration Team: ${nit.map(mention).join(', ')}.`;
    }
    case 'teams': {
      const { action, teams } = changed;
      return `👥 ${who} ${action === 'add' ? 'added' : 'removed'} ${changed.changed.map(escape).join(', ')}. Teams: ${teams.map(escape).join(', ') || 'none'}.`;
    }
    case 'stage':
      if (changed.action === 'remove') return `🧭 ${who} removed the stage ${code(changed.stage)}.`;
      if (changed.action === 'wait')
        return changed.wait
          ? `🧭 ${who} marked ${code(changed.stage)} as a wait stage: days PBIs end there count as waiting in \`/flow efficiency\`.`
          : `🧭 ${who} unmarked ${code(changed.stage)}: days PBIs end there count as active in \`/flow efficiency\` again.`;
      return changed.action === 'add'
        ? `🧭 ${who} added the stage ${code(changed.stage)}${changed.wipLimit ? ` with WIP limit ${changed.wipLimit}` : ''}.`
        : `🧭 ${who} set the WIP limit of ${code(changed.stage)} to ${changed.wipLimit ?? 'none'}.`;
    case 'flow':
      return `🧭 ${who} set flow to start ${inStage(changed.start)} and finish ${inStage(changed.finish)}; every PBI's age and cycle time now count from there.`;
    case 'sle': {
      const { percentile, days, historyDays } = changed.sle;
      return days === null
        ? `🎯 ${who} set the SLE to the ${percentile}th percentile of cycle times of the last ${historyDays} days, computed from history.`
        : `🎯 ${who} set the SLE: ${percentile}% of PBIs finish within ${count(days, 'day')}.`;
    }
    case 'digest': {
      const { digest, timeZone } = changed;
      return digest.enabled
        ? `🗞 ${who} set the digest for ${digest.time} ${timeZone} on ${digest.days.join(', ')}.`
        : `🗞 ${who} turned the daily digest off. \`/flow digest\` still posts it on demand.`;
    }
    case 'zone':
      return `🌍 ${who} changed the Nexus's time zone from ${changed.from} to ${changed.to}.`;
    case 'class': {
      const { action, serviceClass } = changed;
      const name = code(serviceClass.name);
      if (action === 'remove') return `🏷 ${who} removed the class of service ${name}.`;
      const limits = classLimits(serviceClass);
      if (action === 'add')
        return `🏷 ${who} added the class of service ${name}${serviceClass.sleDays === null && serviceClass.wipLimit === null ? '' : ` with ${limits}`}.`;
      return serviceClass.sleDays === null && serviceClass.wipLimit === null
        ? `🏷 ${who} took away ${name}'s own SLE and WIP limit.`
        : `🏷 ${who} gave ${name} ${limits}.`;
    }
    case 'forecast': {
      const { forecast, workingDays } = changed;
      return `🔮 ${who} set forecasts to count ${counted(forecast, workingDays)}; a Sprint is ${count(forecast.sprintDays, 'day')}.`;
    }
    case 'sprint':
      return sprintSaid(changed, nexus, who);
    case 'team-channel':
      return teamChannelSaid(changed, who);
  }
}

/** The channel's sentence about a team's own channel, and what goes there. */
function teamChannelSaid(changed: SettingsChanged & { setting: 'team-channel' }, who: string): string {
  const team = escape(changed.team);
  if (changed.channelId === null)
    return `📣 ${who} took ${team}'s own channel away: its squares past its SLE are in the Nexus digest again.`;
  const daily = changed.digestTime ? `, and a daily line at ${changed.digestTime}` : '';
  return `📣 ${who} sent ${team}'s flow to <#${changed.channelId}>: its squares past its SLE and what waits on it${daily}. This channel keeps the integration view.`;
}

/** The channel's sentence about the Sprint cadence or the Sprint reports, and when the reports are next posted. */
function sprintSaid(changed: SettingsChanged & { setting: 'sprint' }, nexus: Nexus, who: string): string {
  const { forecast, today, reportsOn } = changed;
  const reports = sprintReportsPosted(nexus, reportsOn, today);
  if (changed.cadenceKept) return `📅 ${who} changed the Sprint reports. ${reports}`;
  if (forecast.sprintStart === null)
    return `📅 ${who} turned the Sprint cadence off: the next Sprint is again the next ${count(forecast.sprintDays, 'day')} from tomorrow.${sprintReportsOn(nexus).length ? ' The Sprint reports are posted again once a cadence is set.' : ''}`;
  const set = `📅 ${who} set the Sprint cadence: ${describeCadence(forecast, today)}. ${sprintNow(changed.sprints, today)}`;
  return reportsOn ? `${set} ${reports}` : set;
}

/**
 * "The Sprint Review report will be posted on Fri 18 Dec at 09:30, the Sprint's last working day.", or that none
 * posts by itself.
 */
function sprintReportsPosted(nexus: Nexus, on: CalendarDate | null, today: CalendarDate): string {
  const names = sprintReportsOn(nexus).map((report) => REPORT_NAMES[report]);
  if (!names.length || on === null)
    return "No Sprint report is posted by itself: `--review on` and `--retro on` post them on the Sprint's last working day.";
  const which = names.length > 1 ? `${andList(names)} reports` : `${names[0]} report`;
  return `The Sprint ${which} will be posted on ${formatDate(on, today)} at ${nexus.digest.time}, the Sprint's last working day.`;
}

const REPORT_NAMES: Record<SprintReport, string> = { review: 'Review', retro: 'Retrospective' };

/** A line under the sentence on what the change means, for the settings whose effect reaches further. */
function detailOf(changed: SettingsChanged, nexus: Nexus): string | null {
  switch (changed.setting) {
    case 'nit':
    case 'teams':
      return null;
    case 'stage':
    case 'flow':
      return `Workflow: ${describeWorkflow(nexus.workflow)}`;
    case 'sle':
      return '`/flow sle` shows the cycle times behind it.';
    case 'digest':
      return 'The working days are also the days forecasts count with `/nexus forecast working`.';
    case 'zone':
      return `From now on every day is counted in ${nexus.timeZone}: ${ZONE_MOVES} (an age, or a start or finish near midnight, can move by a day). ${digestAt(nexus)}`;
    case 'class':
      return `${describeClasses(nexus.classes)} ${CLASS_EFFECTS}`;
    case 'forecast':
      return "Working days are the digest's days (`/nexus digest`). `/forecast sprint` uses the Sprint length.";
    case 'sprint':
      return "Sprints are counted in the Nexus's time zone; `/nexus sprint` shows this Sprint's dates.";
    case 'team-channel':
      return nexus.teamChannels.length
        ? `Team channels: ${nexus.teamChannels.map((c) => `${escape(c.team)} <#${c.channelId}>`).join(', ')}.`
        : null;
  }
}

/** A setting as it is, for a settings command typed alone. */
function describeSetting({
  shown,
  nexus,
  today,
  reportsOn,
}: Extract<SettingsOutcome, { shown: SettingShown }>): string {
  const { sle, digest, timeZone, forecast } = nexus;
  switch (shown) {
    case 'teams':
      return `Teams: ${nexus.teams.map(escape).join(', ') || 'none yet'}.`;
    case 'zone':
      return `Time zone: ${timeZone}. Every day is counted in ${timeZone}: ${ZONE_MOVES}.`;
    case 'digest': {
      const when = `${digest.time} ${timeZone} on ${digest.days.join(', ')}`;
      return digest.enabled ? `Digest: posted at ${when}.` : `Digest: off (it would post at ${when}).`;
    }
    case 'sle':
      return sle.days === null
        ? `SLE: ${sle.percentile}% of PBIs finish within a number of days computed from the cycle times of the last ${sle.historyDays} days. \`/flow sle\` shows it.`
        : `SLE: ${sle.percentile}% of PBIs finish within ${count(sle.days, 'day')} (set by hand).`;
    case 'forecast':
      return `Forecasts count ${counted(forecast, digest.days)}; a Sprint is ${count(forecast.sprintDays, 'day')}.`;
    case 'classes':
      return `${describeClasses(nexus.classes)} ${CLASS_EFFECTS} \`/pbi class <key> <class>\` gives a PBI one (fixed-date with \`--date <YYYY-MM-DD>\`).`;
    case 'sprint':
      return forecast.sprintStart === null
        ? `No Sprint cadence set: the next Sprint is taken as the next ${count(forecast.sprintDays, 'day')} from tomorrow.`
        : `Sprint cadence: ${describeCadence(forecast, today)}. ${sprintNow(sprintsOn(forecast, today), today)} ${sprintReportsPosted(nexus, reportsOn, today)}`;
  }
}

/** What a class changes, said wherever classes are listed or changed. */
const CLASS_EFFECTS =
  "A PBI is standard until given another class. Expedite PBIs are shown apart on the board and don't count against stage WIP limits; a fixed-date PBI is due by its date, and the digest warns when its 85% forecast falls after it; a class's own SLE is what its PBIs age against, and its WIP limit is checked like a stage's.";

/** "Classes of service: `standard`, `expedite` (WIP limit 1), …", in the order `/nexus class` lists them. */
export function describeClasses(classes: readonly ServiceClass[]): string {
  const listed = classNames(classes).map((name) => {
    const c = findClass(classes, name)!;
    const limits = [
      ...(c.sleDays === null ? [] : [`SLE ${count(c.sleDays, 'day')}`]),
      ...(c.wipLimit === null ? [] : [`WIP limit ${c.wipLimit}`]),
    ];
    return `${code(c.name)}${limits.length ? ` (${limits.join(', ')})` : ''}`;
  });
  return `Classes of service: ${listed.join(', ')}.`;
}

/** "Sprints of 14 days from Mon 7 Dec" */
function describeCadence(forecast: ForecastSetting, today: CalendarDate): string {
  return `Sprints of ${count(forecast.sprintDays, 'day')} from ${formatDate(forecast.sprintStart ?? today, today)}`;
}

/** This Sprint's dates (or, before the cadence begins, the first Sprint's). */
function sprintNow({ current, next }: Sprints, today: CalendarDate): string {
  const dates = (s: Sprint) => `${formatDate(s.first, today)} – ${formatDate(s.last, today)}`;
  return current
    ? `This Sprint: Sprint ${current.number}, ${dates(current)}; the next begins ${formatDate(next.first, today)}.`
    : `The first Sprint: ${dates(next)}.`;
}

const mention = (user: string) => `<@${user}>`;

function counted(forecast: ForecastSetting, workingDays: readonly Weekday[]): string {
  return forecast.days === 'working' ? `working days only (${workingDays.join(', ')})` : 'every calendar day';
}

function digestAt({ digest, timeZone }: Nexus): string {
  const when = `${digest.time} ${timeZone} on ${digest.days.join(', ')}`;
  return digest.enabled ? `The digest posts at ${when}.` : `The digest is off (it would post at ${when}).`;
}

/** The channel also hears which tracker labels and statuses the change unmapped, as they meant what it removed. */
function unmappedNotes({ labels, statuses }: DroppedMappings): string[] {
  const notes: string[] = [];
  if (labels.length) {
    const listed = labels.map((m) => `${TRACKER_NAMES[m.kind]} "${escape(m.label)}" (${escape(m.team)})`);
    notes.push(
      `Tracker labels that meant a removed team now mean no team: ${listed.join(', ')}; \`/nexus map <tracker> team "<label>" <team>\` maps one again.`,
    );
  }
  if (statuses.length) {
    const listed = statuses.map((m) => `${TRACKER_NAMES[m.kind]} "${escape(m.status)}" (${escape(m.stage)})`);
    notes.push(
      `Tracker statuses that meant a removed stage are unmapped: ${listed.join(', ')}; they now map as any status no one mapped (to a stage of their name or by their category, else held for the NIT), and \`/nexus map <tracker> "<status>" <stage>\` maps one again.`,
    );
  }
  return notes;
}
