import { type CapturedLog, capturedLog } from '../support/captured-log';
import { freshDatabase } from '../support/databases';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { SIGNING_SECRET, sign } from '../support/slack-requests';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test("every line a signed Slack request writes carries that request's id, and no other request's", async () => {
  const db = await freshDatabase('embedded');
  const captured: CapturedLog = capturedLog();
  const s: SlackApp = await startSlackApp(db, {}, captured.log);
  try {
    await s.command('/nexus', 'setup --teams Alpha --stages "ready,doing:1,done" --start doing --finish done');
    await s.command('/pbi', 'add "One" --teams Alpha --stage doing');
    await s.command('/pbi', 'add "Two" --teams Alpha --stage doing'); // over the WIP limit: the digest has a thread
    expect(captured.lines()).toEqual([]);

    // one request, two lines: its thread reply and its chart both fail
    s.fake.failNext('chat.postMessage', 'internal_error', 99, (b) => !!b.thread_ts);
    s.fake.failNext('files.getUploadURLExternal', 'internal_error', 99);
    await s.command('/flow', 'digest');
    expect(s.fake.takeRejections().length).toBeGreaterThan(0);
    const digest = captured.lines();
    expect(digest.map((l) => l.msg)).toEqual([
      'threaded details failed after the channel message was posted',
      'chart upload failed',
    ]);
    expect(digest[0].requestId).toMatch(UUID);
    expect(digest[1].requestId).toBe(digest[0].requestId);

    // a replay: the same signed bytes again
    const body = new URLSearchParams({
      token: 'x',
      team_id: 'T1',
      channel_id: 'C1',
      user_id: 'U_NIT',
      trigger_id: 'trig-log',
      command: '/flow',
      text: 'board',
      response_url: s.fake.responseUrl(),
    }).toString();
    const headers = sign(body);
    await s.slack.post(body, 'application/x-www-form-urlencoded', headers);
    await s.slack.post(body, 'application/x-www-form-urlencoded', headers);
    const [replay] = captured.lines().slice(2);
    expect(replay.msg).toBe('a replayed Slack request was refused');

    // a failing listener: the error handler's line
    await db.close();
    const { reply } = await s.command('/flow', 'board');
    expect(reply?.text).toContain('Sorry, Nexus Flow failed to do that');
    const [failed] = captured.lines().slice(3);
    expect(failed.msg).toBe('Slack listener failed');

    const ids = [digest[0], replay, failed].map((l) => l.requestId);
    expect(ids.every((id) => UUID.test(String(id)))).toBe(true);
    expect(new Set(ids).size).toBe(3);
    // the id is the app's own: the signature, the signing secret and the bot token are never written
    for (const secret of [SIGNING_SECRET, headers['x-slack-signature'], 'xoxb-test'])
      expect(captured.text()).not.toContain(secret);
  } finally {
    await s.stop();
    await db.dispose().catch(() => undefined);
    captured.dispose();
  }
}, 60_000);
