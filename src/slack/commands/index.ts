import type { App, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { commandName, runSlashCommand, SLASH_COMMANDS } from '../../commands';
import { importFormFor } from '../../commands/nexus/import-form';
import type { Logger } from '../../log';
import { exportNotUploaded } from '../../render/export-csv';
import { type Reply, threadNotPosted } from '../../render/reply';
import { askedAt } from '../asked-at';
import { slackChannelPosts } from '../channel-posts';
import { commandContext, type SlackDeps } from '../deps';
import { postInChannel, sendAnswer, slackMessages, uploadChart, uploadFile } from '../message';
import { ackOnce } from '../refuse-replays';
import { requestLog } from '../request-log';
import { slackFiles } from '../shared-files';
import { openImportModal } from '../views/import-modal';
import { openSetupModal } from '../views/setup-modal';

/** Slack sends &, < and > of typed text as entities; the command layer escapes again when it renders. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * respond() can't start a thread: the bot posts a threaded reply (the digest) itself; resolves with its ts, or null
 * when the bot could not post in the channel at all (then the caller answers as one message). Once the channel
 * message is out it is never sent again: thread details that fail go to the person who asked, privately.
 */
async function postThreaded(
  client: WebClient,
  channel: string,
  reply: Reply,
  respond: RespondFn,
  log: Logger,
): Promise<string | null> {
  let posted: string | null = null;
  try {
    return await postInChannel(client, channel, reply, (ts) => void (posted = ts));
  } catch (error) {
    if (posted === null) return null;
    log.warn({ err: error }, 'threaded details failed after the channel message was posted');
    for (const message of slackMessages(threadNotPosted(reply.thread ?? []))) await respond(message);
    return posted;
  }
}

/** Every slash command: ack at once, then run it through the command layer the console uses and respond. */
export function registerCommands(app: App, deps: SlackDeps): void {
  for (const slash of SLASH_COMMANDS) {
    app.command(slash, async ({ command, ack, respond, client, context }) => {
      await ackOnce(ack, context);
      const log = requestLog(context, deps.log);
      const ids = { teamId: command.team_id, channelId: command.channel_id, userId: command.user_id };
      if (slash === '/nexus' && command.text.trim().toLowerCase() === 'setup') {
        await openSetupModal(client, command.trigger_id, ids, deps);
        return;
      }
      const text = unescapeSlack(command.text);
      // `/nexus import <tracker>` without a token: a form asks for it (or says why it can't, as the command would)
      const form = slash === '/nexus' ? await importFormFor(text, commandContext(deps, ids)) : null;
      if (form && 'start' in form) {
        await openImportModal(client, command.trigger_id, ids.channelId, form.start);
        return;
      }
      if (form) {
        for (const message of slackMessages(form.reply)) await respond(message);
        return;
      }
      const name = commandName(slash, text);
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      const files = slackFiles(client, context.botToken ?? client.token ?? '', ids);
      const asked = {
        ...commandContext(deps, ids, files),
        channels: slackChannelPosts(client),
        askedAt: askedAt(context),
      };
      const reply = await runSlashCommand(slash, text, asked).catch((error: unknown) => {
        deps.metrics.commandAnswered(name, 'failed', seconds());
        throw error;
      });
      deps.metrics.commandAnswered(name, reply.visibility === 'channel' ? 'posted' : 'answered', seconds());
      let threadTs = null as string | null;
      // whatever the command changed is saved by now: a failure to answer must not say nothing changed
      await sendAnswer(async () => {
        threadTs = reply.thread ? await postThreaded(client, ids.channelId, reply, respond, log) : null;
        if (threadTs === null)
          for (const message of slackMessages({ ...reply, blocks: [...reply.blocks, ...(reply.thread ?? [])] }))
            await respond(message);
        if (reply.followUp) for (const message of slackMessages(reply.followUp)) await respond(message);
      });
      if (reply.file) {
        // after the answer, as a chart; a failed upload is logged and, the file being the answer, told
        await uploadFile(client, ids.channelId, reply.file, ids.userId).catch(async (error: unknown) => {
          log.warn({ err: error, file: reply.file!.fileName }, 'file upload failed');
          await respond(slackMessages(exportNotUploaded())[0]);
        });
      }
      if (reply.chart) {
        // the answer is out already: a failed upload is logged, not turned into an apology
        await uploadChart(client, ids.channelId, reply.chart, threadTs ? { threadTs } : { askedBy: ids.userId }).catch(
          (error: unknown) => log.warn({ err: error, chart: reply.chart!.fileName }, 'chart upload failed'),
        );
      }
    });
  }
}
