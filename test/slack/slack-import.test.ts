import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { capturedLog } from '../support/captured-log';
import { jiraIssues, startFakeJira } from '../support/fake-jira';
import { describeEachDatabase } from '../support/setup-db';
import { startSlackApp } from '../support/slack-app';

describeEachDatabase('/nexus import in Slack', (db) => {
  test('the import starts a thread in the channel, says its summary there and in the channel, and the token shows nowhere', async () => {
    const captured = capturedLog();
    const s = await startSlackApp(db(), {}, captured.log);
    const jira = await startFakeJira({ issues: jiraIssues(DateTime.fromISO('2026-01-05T09:00:00Z'), 3) });
    try {
      await s.command('/nexus', 'setup --teams Alpha,Beta');
      await s.command('/nexus', 'tracker jira');
      const [email, apiToken] = jira.token.split(':');
      // /nexus escapes what is typed (should_escape): Slack sends the address and the email as links
      const typed = `import jira --url <${jira.url}> --token <mailto:${email}|${email}>:${apiToken}`;
      const started = await s.command('/nexus', typed);
      expect(started.reply.response_type).toBe('ephemeral');
      expect(blocksToText(started.reply.blocks)).toContain('about 3 items');
      await s.trackers.imports.idle();
      await s.trackers.worker.idle();

      const posts = s.fake.callsTo('chat.postMessage').map((c) => c.body);
      expect(posts[0]).toMatchObject({ channel: 'C1' });
      expect(posts[0].thread_ts).toBeUndefined();
      expect(blocksToText(posts[0].blocks)).toContain('is importing the history of Jira items');
      const last = posts.at(-1)!;
      expect(last.thread_ts).toEqual(expect.any(String));
      expect(String(last.reply_broadcast)).toBe('true');
      expect(blocksToText(last.blocks)).toContain('The Jira import is done.');
      expect(JSON.stringify(s.fake.calls)).not.toContain(apiToken);
      expect(captured.text()).not.toContain(apiToken);
      const job = await db().prisma.importJob.findFirstOrThrow();
      expect(job.sealedToken).not.toContain(apiToken);
      expect(job.baseUrl).toBe(jira.url);
    } finally {
      await s.stop();
      await jira.close();
      captured.dispose();
    }
  });
});
