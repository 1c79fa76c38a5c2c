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
import { chartOf, type WebAnswer, webPageOf } from './web-pages';

/** The paths the web board answers, as Bolt's custom routes name them; every method reaches the handler (405). */
export const WEB_PATHS = ['/n/:token', '/n/:token/:page', '/n/:token/pbi/:key', '/n/:token/chart/:file'];
export const WEB_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Pages (and chart images) of one Nexus drawn at once; the rest wait their turn, up to WAITING_PER_NEXUS, and more
 * get 429. A page's charts arrive together (the Charts page asks for 7); a crawler or a reload storm on one link must
 * not take the process's CPU from every other Nexus.
 */
export const PAGES_AT_ONCE_PER_NEXUS = 2;
export const WAITING_PER_NEXUS = 16;

export type WebDeps = { store: Store; now: () => DateTime; log: Logger; jobs?: LongJobs };

/**
 * The read-only web board (`/nexus share`): GET or HEAD of `/n/<token>` and the pages under it. A token the store does
 * not know (never made, revoked, forged, malformed), a page that is not there, or a PBI the Nexus does not have all
 * answer the same 404; nothing of another Nexus is reachable, since every read goes through the token's own Nexus.
 */
export function webBoard(deps: WebDeps) {
  const turns = new Map<string, Turns>();
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
    const nexusTurns = turns.get(nexusId) ?? { running: 0, waiting: [] };
    turns.set(nexusId, nexusTurns);
    if (!(await takeTurn(nexusTurns))) {
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
      const next = nexusTurns.waiting.shift();
      if (next) next();
      else if (--nexusTurns.running === 0) turns.delete(nexusId);
    }
  };
}

/** A Nexus's pages being drawn, and those waiting (each a resolve that hands it the turn of one that ended). */
type Turns = { running: number; waiting: (() => void)[] };

/** Resolves true when it is this request's turn, at once or after waiting; false when too many wait already. */
function takeTurn(turns: Turns): Promise<boolean> {
  if (turns.running < PAGES_AT_ONCE_PER_NEXUS) {
    turns.running++;
    return Promise.resolve(true);
  }
  if (turns.waiting.length >= WAITING_PER_NEXUS) return Promise.resolve(false);
  return new Promise((resolve) => turns.waiting.push(() => resolve(true)));
}

/** A path segment as typed (`%2F` in a PBI key is `/`); null when it is not valid percent-encoding. */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
