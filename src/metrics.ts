import type { CustomRoute } from '@slack/bolt';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { TRACKER_KINDS } from './domain/tracker';

/** Seconds: from a board read (milliseconds) to a whole backtest (seconds). */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics of one process, in a registry of its own (several apps in one test process must not share one).
 * Labels name commands, trackers and outcomes, never a Nexus, workspace or user: nothing a tenant typed reaches them.
 */
export function createMetrics(source: { inboxBacklog(): Promise<number> }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nexus_flow_' });
  const registers = [registry];
  const commands = new Counter({
    name: 'nexus_flow_commands_total',
    help: 'Slash commands answered, by command and outcome (posted in the channel, answered to the person, failed)',
    labelNames: ['command', 'outcome'],
    registers,
  });
  const commandSeconds = new Histogram({
    name: 'nexus_flow_command_seconds',
    help: 'Time from a command arriving to its answer',
    labelNames: ['command'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const forecastSeconds = new Histogram({
    name: 'nexus_flow_forecast_seconds',
    help: 'Time to answer a /forecast question, simulation included',
    labelNames: ['question'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const deliveries = new Counter({
    name: 'nexus_flow_webhook_deliveries_total',
    help: 'Tracker webhook deliveries answered, by tracker and HTTP status',
    labelNames: ['tracker', 'status'],
    registers,
  });
  const applied = new Counter({
    name: 'nexus_flow_inbox_deliveries_total',
    help: 'Inbox deliveries handled by this process, by outcome (handled, failed: kept for a retry)',
    labelNames: ['outcome'],
    registers,
  });
  const announcements = new Counter({
    name: 'nexus_flow_tracker_announcements_total',
    help: 'Messages telling a Nexus channel its tracker moves, by outcome (posted, retry: kept for a later try, given_up)',
    labelNames: ['outcome'],
    registers,
  });
  const digests = new Counter({
    name: 'nexus_flow_digest_runs_total',
    help: 'Scheduled posts this process claimed (the digest, the Sprint reports), by report and outcome (posted, failed: another round retries)',
    labelNames: ['report', 'outcome'],
    registers,
  });
  const unfurls = new Histogram({
    name: 'nexus_flow_unfurl_seconds',
    help: 'Time from a shared PBI link arriving to its unfurl, by outcome (unfurled, failed); Slack drops late ones',
    labelNames: ['outcome'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  let lastBacklog = 0;
  new Gauge({
    name: 'nexus_flow_inbox_backlog',
    help: 'Tracker deliveries stored and not yet applied (pending, or failed and waiting for a retry), all Nexuses',
    registers,
    async collect() {
      // a scrape while the database is away shows the last value rather than failing the whole scrape
      lastBacklog = await source.inboxBacklog().catch(() => lastBacklog);
      this.set(lastBacklog);
    },
  });
  return {
    registry,
    commandAnswered(command: string, outcome: 'posted' | 'answered' | 'failed', seconds: number): void {
      commands.inc({ command, outcome });
      commandSeconds.observe({ command }, seconds);
      if (command.startsWith('forecast '))
        forecastSeconds.observe({ question: command.slice('forecast '.length) }, seconds);
    },
    webhookAnswered(tracker: string, status: number): void {
      deliveries.inc({
        tracker: (TRACKER_KINDS as readonly string[]).includes(tracker) ? tracker : 'unknown',
        status: String(status),
      });
    },
    inboxRound(handled: number, failed: number): void {
      if (handled - failed) applied.inc({ outcome: 'handled' }, handled - failed);
      if (failed) applied.inc({ outcome: 'failed' }, failed);
    },
    announcement(outcome: 'posted' | 'retry' | 'given_up'): void {
      announcements.inc({ outcome });
    },
    scheduledPost(report: string, outcome: 'posted' | 'failed'): void {
      digests.inc({ report, outcome });
    },
    unfurled(outcome: 'unfurled' | 'failed', seconds: number): void {
      unfurls.observe({ outcome }, seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** GET /metrics in Prometheus's text format. */
export function metricsRoute(metrics: Metrics): CustomRoute {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: (_req, res) => {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('metrics are not available now');
        },
      );
    },
  };
}
