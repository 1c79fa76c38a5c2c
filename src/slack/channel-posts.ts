import type { WebClient } from '@slack/web-api';
import type { ChannelPosts } from '../commands/channel-posts';
import { postInChannel } from './message';
import { slackErrorCode } from './slack-errors';

/**
 * Posts in another channel as the bot. Slack needs the channel's id, which it sends for a channel picked from its list
 * (`<#C123|alpha>`): a name alone is refused rather than looked up, which would need `channels:read` for every channel
 * of the workspace. A channel the bot is not in answers `not_in_channel`: someone must invite it.
 */
export function slackChannelPosts(client: WebClient): ChannelPosts {
  return {
    async post(channel, reply) {
      if (channel.id === null) return { problem: 'channel-not-picked', name: channel.name };
      try {
        await postInChannel(client, channel.id, reply);
        return { channelId: channel.id };
      } catch (error) {
        const code = slackErrorCode(error);
        if (code === 'not_in_channel') return { problem: 'bot-not-in-channel', channelId: channel.id };
        if (code === 'channel_not_found' || code === 'is_archived')
          return { problem: 'channel-not-found', channel: channel.name ? `#${channel.name}` : channel.id };
        throw error;
      }
    },
  };
}
