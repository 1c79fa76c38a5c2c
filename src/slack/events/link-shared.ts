import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { loadPbiCards } from '../../commands/pbi/card';
import { pbiCardBlocks, pbiCardText } from '../../render/pbi-card';
import type { SlackDeps } from '../deps';

type Args = SlackEventMiddlewareArgs<'link_shared'> & AllMiddlewareArgs;

/**
 * A link to a tracker item a Nexus knows, posted in a channel the bot is in, unfurls into the PBI's card
 * (`chat.unfurl`). Links shared while a message is being written (the composer) have no channel yet to tell whose
 * eyes they reach, so they stay as they are; so do links no PBI of the workspace has.
 */
export function linkSharedListener(deps: SlackDeps) {
  return async ({ event, body, client }: Args): Promise<void> => {
    if (event.source === 'composer' || !event.is_bot_user_member) return;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1_000;
    const links = event.links.map((l) => l.url);
    const where = {
      store: deps.store,
      now: deps.now,
      workspaceId: body.team_id,
      channelId: event.channel,
      publicUrl: deps.publicUrl,
    };
    const cards = await loadPbiCards(where, links);
    if (!cards.size) return;
    const unfurls = Object.fromEntries(
      [...cards].map(([url, card]) => [url, { blocks: pbiCardBlocks(card), fallback: pbiCardText(card) }]),
    );
    try {
      await client.chat.unfurl({ channel: event.channel, ts: event.message_ts, unfurls });
      deps.metrics.unfurled('unfurled', seconds());
    } catch (error) {
      // the message is there without its preview: nothing to retry for, nobody to tell but the operator
      deps.metrics.unfurled('failed', seconds());
      deps.log.warn({ err: error, channel: event.channel }, 'a PBI link could not be unfurled');
    }
  };
}
