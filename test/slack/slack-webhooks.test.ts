import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { healthRoutes } from '../../src/health-routes';
import { freshDatabase } from '../support/databases';
import { describeEachDatabase } from '../support/setup-db';
import { type SlackApp, startSlackApp } from '../support/slack-app';
import { post, signed, statusChange } from '../support/tracker-payloads';

describeEachDatabase('tracker webhooks in Slack mode', (db) => {
  let s: SlackApp;
  beforeEach(async () => {
    s = await startSlackApp(db());
  });
  afterEach(async () => {
    await s.stop();
  });

  test("served beside Slack's endpoint: moves are announced in the channel in one message, unmapped statuses to the NIT alone", async () => {
    await s.command('/nexus', 'setup --teams Alpha,Beta');
    const connected = await s.command('/nexus', 'tracker jira');
    expect(connected.reply?.response_type).toBe('ephemeral');
    const secret = /Secret: (\S+)/.exec(blocksToText(connected.reply!.blocks))![1];
    const nexusId = (await s.store.nexuses.findByChannel('T1', 'C1'))!.id;
    const at = DateTime.fromISO('2026-03-01T10:00:00Z');
    const deliver = (n: number, to: string) => {
      const { json, deliveryId } = statusChange('jira', n, to, at);
      json.issue.fields.summary = n === 1 ? 'Ping <!channel> & <@U1>' : `Item ${n}`;
      return post(s.baseUrl, 'jira', nexusId, signed('jira', json, deliveryId, secret, DateTime.utc()));
    };
    const answers = await Promise.all([deliver(1, 'In Progress'), deliver(2, 'Integrated'), deliver(3, 'QA Review')]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    await s.trackers.worker.idle();
    await s.trackers.stop();
    const posts = s.fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0].body.channel).toBe('C1');
    const text = blocksToText(posts[0].body.blocks);
    expect(text).toContain('2 moves from the tracker');
    expect(text).toContain('ED-2');
    expect(JSON.stringify(posts[0].body.blocks)).not.toContain('<!channel>');
    const told = s.fake.callsTo('chat.postEphemeral');
    expect(told.map((c) => c.body.user)).toEqual(['U_NIT']);
    expect(blocksToText(told[0].body.blocks)).toContain('/nexus map jira "QA Review" <stage>');
    expect((await s.store.pbis.get(nexusId, 'ED-2'))!.stage).toBe('integrated');
  });

  test('/healthz says the process answers, /readyz that the database does too', async () => {
    expect(await (await fetch(`${s.baseUrl}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${s.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).ok).toBe(true);
  });

  test('/metrics counts commands, forecasts, webhook deliveries by status and the inbox backlog, naming no Nexus', async () => {
    await s.command('/nexus', 'setup --teams Alpha');
    await s.command('/pbi', 'add "Checkout"');
    await s.command('/pbi', 'move PBI-99 ready');
    await s.command('/forecast', '10');
    const connected = await s.command('/nexus', 'tracker jira');
    const secret = /Secret: (\S+)/.exec(blocksToText(connected.reply!.blocks))![1];
    const nexusId = (await s.store.nexuses.findByChannel('T1', 'C1'))!.id;
    const { json, deliveryId } = statusChange('jira', 1, 'In Progress', DateTime.fromISO('2026-03-01T10:00:00Z'));
    const delivery = signed('jira', json, deliveryId, secret, DateTime.utc());
    expect((await post(s.baseUrl, 'jira', nexusId, delivery)).status).toBe(202);
    expect(
      (await post(s.baseUrl, 'jira', nexusId, { ...delivery, body: delivery.body.replace('In Progress', 'Done') }))
        .status,
    ).toBe(401);
    const scrape = async () => {
      const res = await fetch(`${s.baseUrl}/metrics`);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    const before = await scrape();
    expect(before).toMatch(/^nexus_flow_inbox_backlog \d+$/m);
    expect(before).toMatch(/^nexus_flow_commands_total\{command="pbi add",outcome="posted"\} 1$/m);
    expect(before).toMatch(/^nexus_flow_commands_total\{command="pbi move",outcome="answered"\} 1$/m);
    expect(before).toMatch(/^nexus_flow_forecast_seconds_count\{question="when"\} 1$/m);
    expect(before).toMatch(/^nexus_flow_webhook_deliveries_total\{tracker="jira",status="202"\} 1$/m);
    expect(before).toMatch(/^nexus_flow_webhook_deliveries_total\{tracker="jira",status="401"\} 1$/m);
    expect(before).toMatch(/^nexus_flow_process_resident_memory_bytes \d+/m);
    await s.trackers.worker.idle();
    const after = await scrape();
    expect(after).toMatch(/^nexus_flow_inbox_backlog 0$/m);
    expect(after).toMatch(/^nexus_flow_inbox_deliveries_total\{outcome="handled"\} 1$/m);
    // the move is told in the channel once its burst has passed (1.5 s)
    let announced = after;
    for (let i = 0; i < 50 && !/tracker_announcements_total\{outcome="posted"\}/.test(announced); i++)
      announced = await new Promise((r) => setTimeout(r, 100)).then(scrape);
    expect(announced).toMatch(/^nexus_flow_tracker_announcements_total\{outcome="posted"\} 1$/m);
    expect(after).not.toContain(nexusId);
    expect(after).not.toContain('C1');
  });

  test('a Nexus without that tracker connected answers 404 with the command that connects it', async () => {
    await s.command('/nexus', 'setup --teams Alpha');
    const nexusId = (await s.store.nexuses.findByChannel('T1', 'C1'))!.id;
    const res = await fetch(`${s.baseUrl}/webhooks/jira/${nexusId}`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toContain('/nexus tracker jira');
  });
});

test('/readyz answers 503 when the database does not answer, while /healthz still answers', async () => {
  const db = await freshDatabase('embedded');
  await db.dispose(); // closed: every query fails
  const routes = new Map(healthRoutes(db).map((r) => [r.path, r.handler]));
  const server = createServer((req, res) => routes.get(req.url!)!(req as any, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ok: false, database: 'unreachable' });
  } finally {
    server.close();
  }
});
