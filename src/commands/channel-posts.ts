import type { Reply } from '../render/reply';

/**
 * A channel named in a command: picked from Slack's list, it comes as `<#C123|alpha>` (its id, and its name when Slack
 * gives it); typed as `#alpha`, only its name.
 */
export type ChannelRef = { id: string; name: string | null } | { id: null; name: string };

/** Why a post to another channel did not go out; `where` says which door tried, for the words that say what to do. */
export type ChannelPostProblem =
  /** Slack needs the channel picked from its list (its id); a name alone could be any channel */
  | { problem: 'channel-not-picked'; name: string }
  /** the bot is not a member of the channel, so it can't post there until someone invites it */
  | { problem: 'bot-not-in-channel'; channelId: string }
  | { problem: 'channel-not-found'; channel: string }
  /** the command came by a door with no channels to post in */
  | { problem: 'channel-no-door' };

/**
 * Posts in a channel other than the one a command was typed in (a team's own channel): Slack's, as the bot, or the
 * console's output with the channel named.
 */
export type ChannelPosts = {
  post(channel: ChannelRef, reply: Reply): Promise<{ channelId: string } | ChannelPostProblem>;
};

/** `<#C123|alpha>`, `<#C123>` or `#alpha` as a channel; null when the word names none. */
export function parseChannel(word: string): ChannelRef | null {
  const picked = /^<#([A-Z0-9]+)(?:\|([^>]*))?>$/.exec(word);
  if (picked) return { id: picked[1], name: picked[2] || null };
  const typed = /^#([a-z0-9][a-z0-9_-]{0,79})$/u.exec(word.toLowerCase());
  return typed ? { id: null, name: typed[1] } : null;
}
