import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Database } from './store/database';
import { ping } from './store/ping';

/**
 * GET /healthz: the process answers (liveness; a load balancer restarts it when not). GET /readyz: the database
 * answers too (readiness; traffic goes elsewhere meanwhile).
 */
export function healthRoutes(db: Database): CustomRoute[] {
  const answer = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => answer(res, 200, { ok: true }) },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        ping(db).then(
          () => answer(res, 200, { ok: true, database: db.kind }),
          () => answer(res, 503, { ok: false, database: 'unreachable' }),
        );
      },
    },
  ];
}
