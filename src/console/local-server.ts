import { createServer, type Server } from 'node:http';
import type { Writable } from 'node:stream';
import type { DateTime } from 'luxon';
import type { TrackerNews } from '../domain/tracker';
import { healthRoutes } from '../health-routes';
import type { Logger } from '../log';
import { createMetrics, metricsRoute } from '../metrics';
import { renderTrackerMoves, renderUnmapped } from '../render/tracker-news';
import type { Store } from '../store';
import type { Database } from '../store/database';
import type { ImportPoster } from '../trackers/import-worker';
import { startTrackerInbox } from '../trackers/serve';
import { pathOf, type WebhookLimits } from '../trackers/webhook-handler';
import { webBoard } from '../web/web-board';
import { blocksToText } from './plain-text';

/**
 * Local mode's HTTP side: tracker webhooks, the web board (`/n/<token>`), /healthz, /readyz and /metrics on `port`, with what the trackers move printed beside the
 * console's answers, and the imports of trackers' histories (their progress printed too). A busy port leaves the
 * console running without webhooks; imports run all the same.
 */
export async function startLocalServer(deps: {
  db: Database;
  store: Store;
  now: () => DateTime;
  log: Logger;
  output: Writable;
  port: number;
  limits?: WebhookLimits;
  inboxKeepDays?: number;
}): Promise<{ stop(): Promise<void>; kickImports(): void; port: number | null }> {
  const print = async (_nexusId: string, news: TrackerNews) => {
    if (news.moves.length)
      deps.output.write(`[posted in the Nexus channel]\n${blocksToText(renderTrackerMoves(news.moves).blocks)}\n\n`);
    if (news.unmapped.length)
      deps.output.write(`[only the NIT sees this]\n${blocksToText(renderUnmapped(news.unmapped).blocks)}\n\n`);
  };
  const metrics = createMetrics({ inboxBacklog: deps.store.inbox.backlog });
  const trackers = startTrackerInbox({
    ...deps,
    metrics,
    post: print,
    postImport: consoleImportPoster(deps.output),
    replica: `console:${process.pid}`,
  });
  const health = new Map([...healthRoutes(deps.db), metricsRoute(metrics)].map((route) => [route.path, route.handler]));
  const board = webBoard(deps);
  const server = createServer((req, res) => {
    const path = pathOf(req);
    const route = health.get(path);
    if (route) route(req as Parameters<typeof route>[0], res);
    else if (path.startsWith('/n/')) void board(req, res);
    else trackers.handler(req, res);
  });
  const listening = await listen(server, deps.port);
  if (listening) deps.log.info({ port: listening }, 'tracker webhooks listening on /webhooks/<tracker>/<nexus-id>');
  return {
    async stop() {
      if (listening) await new Promise((resolve) => server.close(resolve));
      await trackers.stop();
    },
    kickImports: () => trackers.imports.kick(),
    port: listening,
  };
}

/** An import's messages as printed lines: the first as the channel's, the rest as its thread's. */
export function consoleImportPoster(output: Writable): ImportPoster {
  let posted = 0;
  return async (_nexusId, reply, thread) => {
    const where = thread ? "[in the import's thread]" : '[posted in the Nexus channel]';
    output.write(`${where}\n${blocksToText(reply.blocks)}\n\n`);
    return thread ? null : `console-${++posted}`;
  };
}

/** The port it listens on, or null when it could not (the console still works). */
function listen(server: Server, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(
        `Tracker webhooks are off: port ${port} is not available (${error.code}). Set PORT to another port.\n`,
      );
      resolve(null);
    });
    server.listen(port, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
