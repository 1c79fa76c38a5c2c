import type { DateTime } from 'luxon';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Store } from '../store';
import { type AnnouncerDeps, startAnnouncer } from './announcer';
import { type ImportPoster, startImportWorker } from './import-worker';
import { startInboxWorker } from './inbox-worker';
import { type WebhookLimits, webhookHandler } from './webhook-handler';

/**
 * The tracker side of the app: the webhook handler, the worker that applies the inbox, the announcements of what it
 * applied (`post` says them in Slack or in the console), and the imports of trackers' histories, which feed the same
 * inbox (`postImport` tells their progress).
 */
export function startTrackerInbox(deps: {
  store: Store;
  now: () => DateTime;
  log: Logger;
  metrics: Metrics;
  limits?: WebhookLimits;
  inboxKeepDays?: number;
  post: AnnouncerDeps['post'];
  postImport: ImportPoster;
  /** this process among the replicas, for the claims of imports */
  replica: string;
}) {
  const announcer = startAnnouncer(deps);
  const worker = startInboxWorker({ ...deps, keepDays: deps.inboxKeepDays, announce: announcer.announce });
  const handler = webhookHandler({ ...deps, stored: worker.kick });
  const imports = startImportWorker({ ...deps, post: deps.postImport, stored: worker.kick });
  return {
    handler,
    worker,
    imports,
    async stop(): Promise<void> {
      await imports.stop();
      await worker.stop();
      await announcer.stop();
    },
  };
}

export type TrackerInbox = ReturnType<typeof startTrackerInbox>;
