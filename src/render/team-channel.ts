import type { CalendarDate } from '../domain/calendar';
import type { Nexus, TeamChannel } from '../domain/nexus';
import type { TeamDaily } from '../domain/team-daily';
import { type Block, bold, context, escape, section } from './blocks';
import { inChannel, type Reply } from './reply';
import { andList, count, formatDate } from './words';

/** Items a team's thread lists of each kind; `/flow aging --team` shows them all. */
const LISTED = 15;

/** The first post in a team's channel, which is also the check that the bot may post there. */
export function teamChannelWelcome(nexus: Nexus, team: string, by: string): Reply {
  const daily = nexus.digest.enabled ? `, and a short line each working day at ${nexus.digest.time}` : '';
  const said =
    `📣 <@${by}> sent ${escape(team)}'s flow in the Nexus ${escape(nexus.name)} here: its squares past its SLE, ` +
    `PBIs waiting for it to start and integration stalls waiting on it${daily}.`;
  return inChannel(said, [section(said), context(`The integration view stays in <#${nexus.channelId}>.`)]);
}

/**
 * A team's daily line in its channel: its squares in progress, how many are past its SLE (the oldest named), and what
 * waits on it; the squares and stalls behind it in the thread.
 */
export function renderTeamDaily(daily: TeamDaily, nexus: Nexus, today: CalendarDate): Reply {
  const title = `${escape(daily.team)} · ${escape(nexus.name)} · ${formatDate(today, today)}`;
  const line = dailyLine(daily);
  const details = teamDetails(daily);
  return {
    ...inChannel(`${title}\n${line}`, [section(`${bold(title)}\n${line}`)]),
    ...(details.length ? { thread: details } : {}),
  };
}

function dailyLine(d: TeamDaily): string {
  const parts = [`${count(d.inProgress, 'square')} in progress`];
  if (d.sleDays === null) parts.push('no SLE yet (too few squares done)');
  else if (!d.pastSle.length) parts.push(`none past its SLE of ${count(d.sleDays, 'day')}`);
  else {
    const [oldest] = d.pastSle;
    parts.push(
      `🔴 ${d.pastSle.length} past its SLE of ${count(d.sleDays, 'day')} — oldest ${escape(oldest.pbi.key)}, ${count(oldest.age, 'day')}`,
    );
  }
  const waits = [
    ...(d.queued ? [`${count(d.queued, 'PBI')} in progress waiting for it to start`] : []),
    ...(d.stalls.length ? [`${count(d.stalls.length, 'PBI')} stalled at integration`] : []),
  ];
  parts.push(waits.length ? `⏳ waiting on it: ${andList(waits)}` : 'nothing waits on it');
  return `${parts.join(' · ')}.`;
}

function teamDetails(d: TeamDaily): Block[] {
  const blocks: Block[] = [];
  if (d.pastSle.length) {
    const lines = d.pastSle
      .slice(0, LISTED)
      .map((a) => `• ${bold(escape(a.pbi.key))} ${escape(a.pbi.title)} · ${count(a.age, 'day')}`);
    const more = d.pastSle.length > LISTED ? `\n_…and ${d.pastSle.length - LISTED} more_` : '';
    blocks.push(section(`${bold('Squares past its SLE')} (oldest first)\n${lines.join('\n')}${more}`));
  }
  if (d.stalls.length) {
    const lines = d.stalls
      .slice(0, LISTED)
      .map(
        (s) =>
          `• ${bold(escape(s.pbi.key))} ${escape(s.pbi.title)} · ${s.doneTeams.map(escape).join(', ')} done ${count(s.days, 'day')} ago`,
      );
    blocks.push(section(`${bold('Stalled at integration, waiting on it')}\n${lines.join('\n')}`));
  }
  return blocks;
}

/** The Nexus digest's note on the teams whose details go to their own channels: "Alpha's details go to #alpha." */
export function teamChannelsNote(channels: readonly TeamChannel[]): string {
  return `${andList(channels.map((c) => `${escape(c.team)}'s details go to <#${c.channelId}>`))}.`;
}
