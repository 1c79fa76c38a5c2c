import type { App } from '@slack/bolt';
import { commandName, runSlashCommand, SLASH_COMMANDS } from '../../commands';
import { commandContext, type SlackDeps } from '../deps';
import { postInChannel, slackMessages, uploadChart } from '../message';
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
      const text = unescapeSlack(command.text);
      const name = commandName(slash, text);
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      const reply = await runSlashCommand(slash, text, commandContext(deps, ids)).catch((error: unknown) => {
        deps.metrics.commandAnswered(name, 'failed', seconds());
        throw error;
      });
      deps.metrics.commandAnswered(name, reply.visibility === 'channel' ? 'posted' : 'answered', seconds());
      const threadTs = reply.thread ? await postInChannel(client, ids.channelId, reply).catch(() => null) : null;
      // respond() can't start a thread: the bot posts the digest itself, or, not in the channel, answers as one message
      if (threadTs === null) for (const message of slackMessages({ ...reply, blocks: [...reply.blocks, ...(reply.thread ?? [])] })) await respond(message);
      if (reply.followUp) for (const message of slackMessages(reply.followUp)) await respond(message);
      if (reply.chart) {
        // the answer is out already: a failed upload is logged, not turned into an apology
        await uploadChart(client, ids.channelId, reply.chart, threadTs ? { threadTs } : { askedBy: ids.userId })
          .catch((error: unknown) => deps.log.warn({ err: error, chart: reply.chart!.fileName }, 'chart upload failed'));
      }
    });
  }
}
