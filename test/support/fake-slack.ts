import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made: a Web API method (or a respond() to a response_url), with its parsed body and token. */
export type SlackCall = { method: string; path: string; body: Record<string, any>; token: string | null; receivedAt: number };
/** A file the bot uploaded (files.uploadV2): its bytes, and how it was shared once the upload completed. */
export type SlackUpload = { id: string; bytes: Buffer; shared?: Record<string, any> };

/**
 * A stand-in for Slack's Web API on 127.0.0.1: records every call and answers like Slack does. `response_url`s
 * point here too (`/respond/<n>`), so respond() calls are recorded as method `respond`.
 */
export async function startFakeSlack() {
  const calls: SlackCall[] = [];
  const conversations = new Map<string, string[]>();
  const installs = new Map<string, { teamId: string; token: string }>();
  const uploads = new Map<string, SlackUpload>();
  const waiting = new Map<string, ((body: Record<string, any>) => void)[]>();
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? null;
    if (url.pathname.startsWith('/upload/')) {
      uploads.get(url.pathname.slice('/upload/'.length))!.bytes = filePart(raw, req.headers['content-type'] ?? '');
      res.end('OK - uploaded');
      return;
    }
    const body = parseBody(raw.toString('utf8'), req.headers['content-type'] ?? '');
    const method = url.pathname.startsWith('/respond/') ? 'respond' : url.pathname.replace(/^\/api\//, '');
    calls.push({ method, path: url.pathname, body, token, receivedAt: performance.now() });
    if (method === 'respond') for (const wake of waiting.get(url.pathname)?.splice(0) ?? []) wake(body);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer(method, body, token)));
  });
  function answer(method: string, body: Record<string, any>, token: string | null): object {
    switch (method) {
      case 'auth.test': {
        const team = [...installs.values()].find((i) => i.token === token)?.teamId ?? 'T1';
        return token?.startsWith('xoxb-') && !token.includes('revoked') ? { ok: true, bot_id: 'B1', user_id: 'UBOT', team_id: team } : { ok: false, error: 'invalid_auth' };
      }
      case 'users.conversations':
        return { ok: true, channels: (conversations.get(body.user) ?? []).map((id) => ({ id })) };
      case 'oauth.v2.access': {
        const install = installs.get(body.code);
        if (!install) return { ok: false, error: 'invalid_code' };
        return { ok: true, app_id: 'A1', access_token: install.token, token_type: 'bot', scope: 'commands,chat:write', bot_user_id: 'UBOT', team: { id: install.teamId, name: install.teamId }, authed_user: { id: 'UINSTALLER' }, is_enterprise_install: false };
      }
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: `${Date.now() / 1000}` };
      case 'files.getUploadURLExternal': {
        const id = `F${uploads.size + 1}`;
        uploads.set(id, { id, bytes: Buffer.alloc(0) });
        return { ok: true, file_id: id, upload_url: `${base}/upload/${id}` };
      }
      case 'files.completeUploadExternal': {
        const files = JSON.parse(body.files) as { id: string; title?: string }[];
        for (const f of files) uploads.get(f.id)!.shared = { ...body, title: f.title };
        return { ok: true, files: files.map((f) => ({ id: f.id })) };
      }
      default:
        return { ok: true };
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let responses = 0;
  return {
    apiUrl: `${base}/api/`,
    calls,
    /** files the bot uploaded, completed or not */
    uploads: () => [...uploads.values()],
    /** a fresh response_url whose respond() calls are recorded */
    responseUrl: () => `${base}/respond/${++responses}`,
    /** what the bot sent to that response_url */
    respondedTo: (responseUrl: string) => calls.filter((c) => c.method === 'respond' && c.path === new URL(responseUrl).pathname).map((c) => c.body),
    /** the first respond() to that response_url from now on, or null when none came within `ms` */
    nextResponse(responseUrl: string, ms: number): Promise<Record<string, any> | null> {
      const path = new URL(responseUrl).pathname;
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), ms).unref();
        waiting.set(path, [...(waiting.get(path) ?? []), (body) => { clearTimeout(timer); resolve(body); }]);
      });
    },
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    lastCall: (method: string) => calls.filter((c) => c.method === method).at(-1),
    memberOf: (user: string, channels: string[]) => conversations.set(user, channels),
    /** an OAuth code Slack would hand out for an install into `teamId` */
    grantCode: (code: string, teamId: string, token: string) => installs.set(code, { teamId, token }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** Form fields, with the JSON ones (blocks, view) decoded as Slack would. */
function parseBody(raw: string, type: string): Record<string, any> {
  if (type.includes('json')) return raw ? JSON.parse(raw) : {};
  const fields: Record<string, any> = Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['blocks', 'view']) if (typeof fields[key] === 'string') fields[key] = JSON.parse(fields[key]);
  return fields;
}

/** The file's bytes from an upload: the WebClient sends them as the one part of a multipart form, or raw. */
function filePart(raw: Buffer, type: string): Buffer {
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  if (!boundary) return raw;
  const start = raw.indexOf('\r\n\r\n') + 4;
  return raw.subarray(start, raw.indexOf(`\r\n--${boundary}`, start));
}
