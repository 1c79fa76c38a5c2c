import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps';
import { homeState, publishHome } from '../home';
import { linkSharedListener } from './link-shared';
import { reactionAddedListener } from './reaction-added';

/**
 * App Home shows the board of a Nexus whose channel the user is in, and lets them pick among all of them; a shared
 * link to a tracker item a Nexus knows unfurls into its PBI's card; a ⛔ reaction on the bot's news of a PBI offers to
 * block it.
 */
export function registerEvents(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(client, deps, body.team_id, event.user, homeState(event.view?.private_metadata));
  });
  app.event('link_shared', linkSharedListener(deps));
  app.event('reaction_added', reactionAddedListener(deps));
}
