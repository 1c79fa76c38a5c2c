import type { App } from '@slack/bolt';
import { runSlashCommand, SLASH_COMMANDS } from '../../commands';
import { commandContext, type SlackDeps } from '../deps';
import { postChart, postWithThread, slackMessage } from '../message';
import { openSetupModal } from '../views/setup-modal';

/** Slack sends &, < and > of typed text as entities; the command layer escapes again when it renders. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every slash command: ack at once, then run it through the command layer the console uses and respond. */
export function registerCommands(app: App, deps: SlackDeps): void {
  for (const slash of SLASH_COMMANDS) {
    app.command(slash, async ({ command, ack, respond, client }) => {
      await ack();
      const ids = { teamId: command.team_id, channelId: command.channel_id, userId: command.user_id };
      if (slash === '/nexus' && command.text.trim().toLowerCase() === 'setup') {
        await openSetupModal(client, command.trigger_id, ids, deps);
        return;
      }
      const reply = await runSlashCommand(slash, unescapeSlack(command.text), commandContext(deps, ids));
      if (reply.thread) await postWithThread(client, ids.channelId, reply, respond);
      else await respond(slackMessage(reply));
      if (reply.chart) {
        await postChart(client, ids.channelId, ids.userId, reply.chart).catch((error: unknown) => deps.log.warn({ err: error, chart: reply.chart!.fileName }, 'chart upload failed'));
      }
    });
  }
}
