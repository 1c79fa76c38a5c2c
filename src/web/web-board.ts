import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DateTime } from 'luxon';
import { renderPng } from '../charts/render-png';
import type { NexusContext } from '../commands/command';
import type { LongJobs } from '../commands/long-jobs';
import type { Logger } from '../log';
import { ALLOWED_METHODS, HTML_TYPE, PAGE_HEADERS, PNG_TYPE, SVG_TYPE } from '../render/web/headers';
import { BUSY_PAGE, FAILED_PAGE, METHOD_NOT_ALLOWED_PAGE, NOT_FOUND_PAGE } from '../render/web/pages';
import type { Store } from '../store';
import { pathOf } from '../trackers/webhook-handler';
import { nexusTurns } from './turns';
import { chartOf, type WebAnswer, webPageOf } from './web-pages';

/** The paths the web board answers, as Bolt's custom routes name them; every method reaches the handler (405). */
export const WEB_PATHS = ['/n/:token', '/n/:token/:page', '/n/:token/pbi/:key', '/n/:token/chart/:file'];
export const WEB_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export type WebDeps = { store: Store; now: () => DateTime; log: Logger; jobs?: LongJobs };

/**
 * The read-only web board (`/nexus share`): GET or HEAD of `/n/<token>` and the pages under it. A token the store does
 * not know (never made, revoked, forged, malformed), a page that is not there, or a PBI the Nexus does not have all
 * answer the same 404; nothing of another Nexus is reachable, since every read goes through the token's own Nexus.
 */
export function webBoard(deps: WebDeps) {
  const turns = nexusTurns();
  const send = (res: ServerResponse, status: number, body: string | Buffer, type = HTML_TYPE) => {
    res.writeHead(status, { ...PAGE_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const answer = async (res: ServerResponse, nexusId: string, rest: string[], base: string) => {
    const nexus = await deps.store.nexuses.get(nexusId);
    if (!nexus) return send(res, 404, NOT_FOUND_PAGE);
    const ctx: NexusContext = {
      store: deps.store.about(nexus),
      now: deps.now,
      workspaceId: nexus.workspaceId,
      channelId: nexus.channelId,
      userId: '',
      jobs: deps.jobs,
      nexus,
    };
    const found: WebAnswer | null =
      rest[0] === 'chart' && rest.length === 2 ? await chartOf(ctx, rest[1]) : await webPageOf(ctx, rest, base);
    if (!found) return send(res, 404, NOT_FOUND_PAGE);
    if ('html' in found) return send(res, 200, found.html);
    if ('svg' in found) return send(res, 200, found.svg, SVG_TYPE);
    return send(res, 200, await renderPng(found.spec), PNG_TYPE);
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', ALLOWED_METHODS);
      return send(res, 405, METHOD_NOT_ALLOWED_PAGE);
    }
    const segments = pathOf(req).split('/').slice(2); // ['', 'n', token, …]
    const [token = '', ...rest] = segments.map(decodeSegment);
    if (rest.at(-1) === '') rest.pop(); // `/n/<token>/` is the board too
    const shared = rest.includes(null) ? null : await deps.store.webShares.find(token ?? '');
    const nexusId = shared?.nexusId;
    if (!nexusId) return send(res, 404, NOT_FOUND_PAGE);
    if (!(await turns.take(nexusId))) {
      res.setHeader('retry-after', '1');
      return send(res, 429, BUSY_PAGE);
    }
    try {
      // relative links: from `/n/<token>` they start with the token; deeper pages climb back to it
      const depth = segments.length - 1;
      const base = depth === 0 ? `${token}/` : '../'.repeat(Math.max(0, depth - 1));
      await answer(res, nexusId, rest as string[], base);
    } catch (error) {
      deps.log.error({ err: error, nexusId }, 'web board page failed'); // never the URL: it holds the token
      if (!res.headersSent) send(res, 500, FAILED_PAGE);
      else res.destroy();
    } finally {
      turns.release(nexusId);
    }
  };
}

/** A path segment as typed (`%2F` in a PBI key is `/`); null when it is not valid percent-encoding. */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
