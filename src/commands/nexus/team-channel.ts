import { findTeam, type Nexus, teamChannelOf, teamName, withTeamChannel } from '../../domain/nexus';
import { renderSettings } from '../../render/settings';
import { teamChannelWelcome } from '../../render/team-channel';
import { type ChannelRef, parseChannel } from '../channel-posts';
import { defineCommand, invalid, type NexusContext } from '../command';
import { type NexusProblem, type SettingsDecision, type SettingsOutcome, saveSettings } from './change';

type Input = { team: string; channel: ChannelRef | 'off' };
const usage = '/nexus team <team> channel #<channel>|off';

export const nexusTeamChannel = defineCommand<Input, SettingsOutcome>({
  path: ['nexus', 'team'],
  usage,
  summary:
    "post a team's own flow in its channel (its squares past its SLE, what waits on it, a daily line at the digest " +
    "time) instead of the Nexus digest's thread; `off` brings it back",
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    const at = words.findIndex((w) => w.toLowerCase() === 'channel');
    const team = teamName(words.slice(0, Math.max(at, 0)).join(' '));
    if (at < 1 || !team)
      return invalid('Name the team, then `channel` and the channel, like `/nexus team Alpha channel #alpha`.');
    const rest = words.slice(at + 1);
    if (rest.length !== 1)
      return invalid('Give one channel after `channel` (pick it from the list as you type `#`), or `off`.');
    if (rest[0].toLowerCase() === 'off') return { team, channel: 'off' };
    const channel = parseChannel(rest[0]);
    return channel ? { team, channel } : invalid(`${rest[0].slice(0, 80)} is not a channel: type \`#\` and pick one.`);
  },
  async execute({ team, channel }, ctx) {
    const known = findTeam(ctx.nexus, team);
    if (!known) return { problem: 'unknown-team', team, teams: ctx.nexus.teams };
    if (channel === 'off') return saveSettings(ctx, 'nexus.team-channels-changed', (n) => setChannel(n, team, null));
    const refused = beforePosting(ctx, known, channel);
    if (refused) return refused;
    // the welcome is the check that the bot may post there: refused, nothing is saved
    const posted = await ctx.channels!.post(channel, teamChannelWelcome(ctx.nexus, known, ctx.userId));
    if ('problem' in posted) return posted;
    return saveSettings(ctx, 'nexus.team-channels-changed', (n) => setChannel(n, team, posted.channelId));
  },
  render: (outcome) => renderSettings(outcome, usage),
});

/** Why the team's flow can't go to `channel` before trying it: no channels by this door, or the Nexus's own. */
function beforePosting(ctx: NexusContext, team: string, channel: ChannelRef): NexusProblem | null {
  if (!ctx.channels) return { problem: 'channel-no-door' };
  const current = teamChannelOf(ctx.nexus, team);
  const id = channel.id ?? channel.name;
  if (id === ctx.nexus.channelId) return { problem: 'team-channel-is-nexus', team };
  if (id === current) return { problem: 'same-team-channel', team, channelId: current };
  return null;
}

/** The team's channel set (null: taken away), decided on the Nexus as it is when the change takes its turn. */
function setChannel(nexus: Nexus, typed: string, channelId: string | null): SettingsDecision {
  const team = findTeam(nexus, typed);
  if (!team) return { problem: 'unknown-team', team: typed, teams: nexus.teams };
  if (channelId === null && !teamChannelOf(nexus, team)) return { problem: 'no-team-channel', team };
  const teamChannels = withTeamChannel(nexus.teamChannels, team, channelId);
  return {
    after: { ...nexus, teamChannels },
    value: teamChannels,
    changed: { setting: 'team-channel', team, channelId, digestTime: nexus.digest.enabled ? nexus.digest.time : null },
  };
}
