import type { Reply } from '../commands/reply';

/** A reply as Slack's respond() takes it: posted in the channel, or shown only to the person who asked. */
export function slackMessage(reply: Reply) {
  return {
    response_type: reply.visibility === 'channel' ? ('in_channel' as const) : ('ephemeral' as const),
    replace_original: false,
    text: reply.text,
    blocks: reply.blocks,
  };
}
