import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import type { TrackerKind, TrackerNews } from '../../src/domain/tracker';
import { createLogger, type Logger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import { startTrackerInbox, type TrackerInbox } from '../../src/trackers/serve';
import type { WebhookLimits } from '../../src/trackers/webhook-handler';
import type { Harness } from './harness';

/** A message an import posted: in the channel (thread null) or in its thread. */
export type ImportMessage = { text: string; thread: string | null; broadcast: boolean };

export type TrackerServer = {
  url: string;
  inbox: TrackerInbox;
  news: TrackerNews[];
  imports: ImportMessage[];
  close(): Promise<void>;
};

/** The app's tracker side on a loopback port: the real handler, inbox and worker; what it announces is kept. */
export async function serveTrackers(
  h: Harness,
  now: () => DateTime = () => DateTime.utc(),
  limits?: WebhookLimits,
  log: Logger = createLogger('silent'),
  replica = 'tracker-server',
): Promise<TrackerServer> {
  const news: TrackerNews[] = [];
  const imports: ImportMessage[] = [];
  const metrics = createMetrics({ inboxBacklog: h.store.inbox.backlog });
  const inbox = startTrackerInbox({
    store: h.store,
    now,
    log,
    metrics,
    limits,
    post: async (_id, n) => void news.push(n),
    postImport: async (_id, reply, thread) => {
      imports.push({ text: blocksToText(reply.blocks), thread: thread?.ts ?? null, broadcast: !!thread?.broadcast });
      return thread ? null : `ts-${imports.length}`;
    },
    replica,
  });
  const server: Server = createServer(inbox.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    inbox,
    news,
    imports,
    close: async () => {
      await new Promise((r) => server.close(r));
      await inbox.stop();
    },
  };
}

/** `/nexus tracker <kind>` as the NIT types it; the secret is read from the reply, as a person would copy it. */
export async function connectTracker(h: Harness, kind: TrackerKind, given?: string): Promise<string> {
  const reply = await h.run(`/nexus tracker ${kind}${given ? ` --secret ${given}` : ''}`);
  const secret = /Secret: (\S+)/.exec(reply.plain)?.[1];
  if (!secret) throw new Error(`no secret in: ${reply.plain}`);
  return secret;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Types an import command, then lets the import run and the inbox apply all it stored; the command's reply. */
export async function runImport(h: Harness, trackers: TrackerServer, line: string) {
  const reply = await h.run(line);
  trackers.inbox.imports.kick();
  await trackers.inbox.imports.idle();
  await trackers.inbox.worker.idle();
  return reply;
}

/** The last message an import posted in its thread: its summary, once it ended. */
export function importSummary(trackers: TrackerServer): string {
  return trackers.imports.filter((m) => m.thread !== null).at(-1)?.text ?? '';
}
