import type { App } from '@slack/bolt';
import { runWords } from '../../commands';
import type { Block } from '../../commands/blocks';
import { commandContext, type SlackDeps } from '../deps';

/** App Home shows the boards of this workspace's Nexuses whose channels the user is in. */
export function registerEvents(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const teamId = body.team_id;
    const nexuses = await deps.store.nexuses.listInWorkspace(teamId);
    const member = new Set<string>();
    if (nexuses.length) {
      const { channels = [] } = await client.users.conversations({ user: event.user, types: 'public_channel,private_channel', limit: 1000 });
      for (const c of channels) if (c.id) member.add(c.id);
    }
    const mine = nexuses.filter((n) => member.has(n.channelId) || n.nit.includes(event.user)).slice(0, MAX_BOARDS);
    const blocks: Block[] = [];
    for (const nexus of mine) {
      const board = await runWords('flow', ['board'], commandContext(deps, { teamId, channelId: nexus.channelId, userId: event.user }));
      blocks.push(...board.blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: `Nexus channel: <#${nexus.channelId}>` }] });
    }
    if (!blocks.length) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No Nexus here yet. In the channel your Scrum Teams share, type `/nexus setup`.' } });
    }
    await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: blocks.slice(0, 100) } });
  });
}

/** Slack shows at most 100 blocks on a Home tab; a board takes about a dozen. */
const MAX_BOARDS = 6;
