import type { DateTime } from 'luxon';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Store } from '../store';
import { type AnnouncerDeps, startAnnouncer } from './announcer';
import { startInboxWorker } from './inbox-worker';
import { type WebhookLimits, webhookHandler } from './webhook-handler';

/**
 * The tracker side of the app: the webhook handler, the worker that applies the inbox, and the announcements of what
 * it applied (`post` says them in Slack or in the console).
 */
export function startTrackerInbox(deps: {
  store: Store;
  now: () => DateTime;
  log: Logger;
  metrics: Metrics;
  limits?: WebhookLimits;
  inboxKeepDays?: number;
  post: AnnouncerDeps['post'];
}) {
  const announcer = startAnnouncer(deps);
  const worker = startInboxWorker({ ...deps, keepDays: deps.inboxKeepDays, announce: announcer.announce });
  const handler = webhookHandler({ ...deps, stored: worker.kick });
  return {
    handler,
    worker,
    async stop(): Promise<void> {
      await worker.stop();
      await announcer.stop();
    },
  };
}

export type TrackerInbox = ReturnType<typeof startTrackerInbox>;
