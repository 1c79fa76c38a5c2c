import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { payloadError } from './slack-limits';

/** One call the bot made: a Web API method (or a respond() to a response_url), with its parsed body and token. */
export type SlackCall = {
  method: string;
  path: string;
  body: Record<string, any>;
  token: string | null;
  receivedAt: number;
};
/** A call Slack refused: over a Block Kit or message limit, or an error a test asked for. */
export type SlackRejection = { method: string; error: string; detail: string; body: Record<string, any> };
/** A rate limit Slack enforces on a method: a bucket of `burst` calls refilled at `perMinute`, per channel or token. */
export type RateLimit = { perMinute: number; burst: number };
/** An error a test wants the next matching calls to get, as Slack answers it (HTTP 200, ok: false). */
type Failure = { method: string; error: string; times: number; when: (body: Record<string, any>) => boolean };

/** A file the bot uploaded (files.uploadV2): its bytes, and how it was shared once the upload completed. */
export type SlackUpload = { id: string; bytes: Buffer; shared?: Record<string, any> };

/**
 * A file a person shared in Slack, as files.list and files.info describe it (Slack's `file` object: id, name,
 * filetype, pretty_type, size, created, user, channels/groups/ims it is shared in, url_private_download), with the
 * bytes the download URL serves to a bearer of a bot token.
 */
export type SharedSlackFile = {
  id: string;
  name: string;
  user: string;
  bytes: Buffer;
  filetype?: string;
  pretty_type?: string;
  created?: number;
  channels?: string[];
  groups?: string[];
  ims?: string[];
  deleted?: boolean;
  /** its download answers Slack's sign-in page, as for a token Slack does not accept there */
  signInPage?: boolean;
};

/**
 * A stand-in for Slack's Web API on 127.0.0.1: records every call and answers like Slack does. `response_url`s
 * point here too (`/respond/<n>`), so respond() calls are recorded as method `respond`. Every message and view is
 * checked against Slack's published limits and refused as Slack refuses it (`invalid_blocks`, `msg_too_long`, with
 * HTTP 200; a response_url answers HTTP 400 with the error as text, as Slack's does); the refusals are kept in
 * `rejections`, which startSlackApp's stop() insists are empty unless the test took them. Tests can ask for errors
 * (`failNext`) and for rate limits (`rateLimit`: HTTP 429 with Retry-After).
 */
export async function startFakeSlack() {
  const calls: SlackCall[] = [];
  const conversations = new Map<string, string[]>();
  const installs = new Map<string, { teamId: string; token: string; enterpriseId?: string; orgWide?: boolean }>();
  const uploads = new Map<string, SlackUpload>();
  const waiting = new Map<string, ((body: Record<string, any>) => void)[]>();
  const rejections: SlackRejection[] = [];
  const failures: Failure[] = [];
  const limits = new Map<string, RateLimit>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  let limited = 0;
  const shared = new Map<string, SharedSlackFile>();
  const downloads: { id: string; token: string | null }[] = [];
  /** messages in channels by `channel ts`: the bot's posts, and those a test says a person wrote */
  const messages = new Map<string, Record<string, any>>();
  /** A message kept as reactions.get returns it; its ts, one no other message in the channel has. */
  function keep(channel: string, message: Record<string, any>): string {
    let ts = (Date.now() / 1000).toFixed(6);
    while (messages.has(`${channel} ${ts}`)) ts = (Number(ts) + 0.000001).toFixed(6);
    messages.set(`${channel} ${ts}`, { type: 'message', ts, ...message });
    return ts;
  }
  /** the bot scopes of the installed app: without files:read, files.* answer missing_scope */
  let scopes = ['commands', 'chat:write', 'files:write', 'files:read', 'channels:read', 'groups:read'];
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? null;
    if (url.pathname.startsWith('/files-pri/')) {
      serveDownload(url.pathname, token, res);
      return;
    }
    if (url.pathname.startsWith('/upload/')) {
      uploads.get(url.pathname.slice('/upload/'.length))!.bytes = filePart(raw, req.headers['content-type'] ?? '');
      res.end('OK - uploaded');
      return;
    }
    const body = parseBody(raw.toString('utf8'), req.headers['content-type'] ?? '');
    const method = url.pathname.startsWith('/respond/') ? 'respond' : url.pathname.replace(/^\/api\//, '');
    const retryAfter = rateLimited(method, body, token);
    if (retryAfter) {
      limited++;
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const refused = refusal(method, body);
    if (refused) {
      rejections.push({ method, ...refused, body });
      if (method === 'respond') {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(refused.error);
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: false, error: refused.error }));
      }
      return;
    }
    // only what Slack took is a call: a refused post shows nothing to anyone
    calls.push({ method, path: url.pathname, body, token, receivedAt: performance.now() });
    if (method === 'respond') for (const wake of waiting.get(url.pathname)?.splice(0) ?? []) wake(body);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer(method, body, token)));
  });
  /** Slack's limits first, then an error the test asked for. */
  function refusal(method: string, body: Record<string, any>): { error: string; detail: string } | null {
    const over = payloadError(method, body);
    if (over) return over;
    const failure = failures.find((f) => f.times > 0 && f.method === method && f.when(body));
    if (!failure) return null;
    failure.times--;
    return { error: failure.error, detail: 'asked for by the test' };
  }
  /** Seconds to wait when the method's bucket (per channel for posts, as Slack counts them, else per token) is empty. */
  function rateLimited(method: string, body: Record<string, any>, token: string | null): number {
    const limit = limits.get(method);
    if (!limit) return 0;
    const key = `${method} ${method.startsWith('chat.') ? body.channel : token}`;
    const now = performance.now();
    const perMs = limit.perMinute / 60_000;
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens--;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }
  /** Slack's file object as files.list and files.info give it. */
  function fileObject(f: SharedSlackFile): object {
    return {
      id: f.id,
      created: f.created ?? 1_770_000_000,
      timestamp: f.created ?? 1_770_000_000,
      name: f.name,
      title: f.name,
      mimetype: f.filetype === 'csv' ? 'text/csv' : 'application/octet-stream',
      filetype: f.filetype ?? 'csv',
      pretty_type: f.pretty_type ?? 'CSV',
      user: f.user,
      mode: 'hosted',
      editable: false,
      is_external: false,
      size: f.bytes.length,
      url_private: `${base}/files-pri/T1-${f.id}/${f.name}`,
      url_private_download: `${base}/files-pri/T1-${f.id}/download/${f.name}`,
      permalink: `https://shop.slack.example/files/${f.user}/${f.id}/${f.name}`,
      channels: f.channels ?? [],
      groups: f.groups ?? [],
      ims: f.ims ?? [],
      comments_count: 0,
    };
  }
  /** files.list and files.info: the token's app needs files:read; a deleted or unknown file is an error. */
  function files(method: string, body: Record<string, any>): object | null {
    if (method !== 'files.list' && method !== 'files.info') return null;
    if (!scopes.includes('files:read'))
      return { ok: false, error: 'missing_scope', needed: 'files:read', provided: scopes.join(',') };
    if (method === 'files.info') {
      const f = shared.get(body.file);
      if (!f) return { ok: false, error: 'file_not_found' };
      if (f.deleted) return { ok: false, error: 'file_deleted' };
      return { ok: true, file: fileObject(f), comments: [], paging: { count: 100, total: 0, page: 1, pages: 0 } };
    }
    const count = Number(body.count ?? 100);
    const page = Number(body.page ?? 1);
    const matching = [...shared.values()]
      .filter((f) => !f.deleted && (!body.user || f.user === body.user))
      .filter(
        (f) => !body.channel || [...(f.channels ?? []), ...(f.groups ?? []), ...(f.ims ?? [])].includes(body.channel),
      )
      .sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
    return {
      ok: true,
      files: matching.slice((page - 1) * count, page * count).map(fileObject),
      paging: { count, total: matching.length, page, pages: Math.ceil(matching.length / count) },
    };
  }
  /** A private file's download: its bytes to a bot token's bearer; anyone else gets Slack's sign-in page. */
  function serveDownload(pathname: string, token: string | null, res: ServerResponse): void {
    const id = /^\/files-pri\/[^/]+-(F\w+)\//.exec(pathname)?.[1] ?? '';
    downloads.push({ id, token });
    const f = shared.get(id);
    if (!f || f.deleted) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>Not found</html>');
    } else if (!token?.startsWith('xoxb-') || token.includes('revoked') || f.signInPage) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
    } else {
      res.writeHead(200, { 'content-type': f.filetype === 'csv' ? 'text/csv' : 'application/octet-stream' });
      res.end(f.bytes);
    }
  }
  function answer(method: string, body: Record<string, any>, token: string | null): object {
    const file = files(method, body);
    if (file) return file;
    switch (method) {
      case 'auth.test': {
        const install = [...installs.values()].find((i) => i.token === token);
        const org = install?.enterpriseId
          ? { enterprise_id: install.enterpriseId, is_enterprise_install: !!install.orgWide }
          : {};
        return token?.startsWith('xoxb-') && !token.includes('revoked')
          ? { ok: true, bot_id: 'B1', user_id: 'UBOT', team_id: install?.teamId ?? 'T1', ...org }
          : { ok: false, error: 'invalid_auth' };
      }
      case 'users.conversations':
        return { ok: true, channels: (conversations.get(body.user) ?? []).map((id) => ({ id })) };
      case 'oauth.v2.access': {
        const install = installs.get(body.code);
        if (!install) return { ok: false, error: 'invalid_code' };
        const org = install.enterpriseId ? { id: install.enterpriseId, name: install.enterpriseId } : null;
        // an org-wide install is the organisation's, not one workspace's: Slack sends no team
        const team = install.orgWide ? null : { id: install.teamId, name: install.teamId };
        return {
          ok: true,
          app_id: 'A1',
          access_token: install.token,
          token_type: 'bot',
          scope: 'commands,chat:write',
          bot_user_id: 'UBOT',
          team,
          enterprise: org,
          authed_user: { id: 'UINSTALLER' },
          is_enterprise_install: !!install.orgWide,
        };
      }
      case 'chat.postMessage': {
        const blocks = typeof body.blocks === 'string' ? JSON.parse(body.blocks) : body.blocks;
        const ts = keep(body.channel, { text: body.text, blocks, user: 'UBOT', bot_id: 'B1' });
        return { ok: true, channel: body.channel, ts };
      }
      case 'reactions.get': {
        // reactions:read's answer: the message whole, as Slack gives it (the reactions themselves are not kept)
        const message = messages.get(`${body.channel} ${body.timestamp}`);
        return message
          ? { ok: true, type: 'message', channel: body.channel, message: { ...message, reactions: [] } }
          : { ok: false, error: 'message_not_found' };
      }
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: body.channel,
          permalink: `https://shop.slack.com/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}`,
        };
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
    /** a file a person shares (in a channel, a private channel or a direct message), as Slack keeps it */
    shareFile: (file: Omit<SharedSlackFile, 'bytes'> & { bytes: Buffer | string }) =>
      shared.set(file.id, { ...file, bytes: Buffer.from(file.bytes) }),
    /** the private file downloads the bot made, with the token it sent */
    downloads,
    /** the app's bot scopes, as if installed from an older manifest */
    setScopes: (list: string[]) => {
      scopes = list;
    },
    /** a fresh response_url whose respond() calls are recorded */
    responseUrl: () => `${base}/respond/${++responses}`,
    /** what the bot sent to that response_url */
    respondedTo: (responseUrl: string) =>
      calls.filter((c) => c.method === 'respond' && c.path === new URL(responseUrl).pathname).map((c) => c.body),
    /** the first respond() to that response_url from now on, or null when none came within `ms` */
    nextResponse(responseUrl: string, ms: number): Promise<Record<string, any> | null> {
      const path = new URL(responseUrl).pathname;
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), ms).unref();
        waiting.set(path, [
          ...(waiting.get(path) ?? []),
          (body) => {
            clearTimeout(timer);
            resolve(body);
          },
        ]);
      });
    },
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    lastCall: (method: string) => calls.filter((c) => c.method === method).at(-1),
    memberOf: (user: string, channels: string[]) => conversations.set(user, channels),
    /** the messages of a channel (the bot's posts, those said by people), oldest first, each with its ts */
    messagesIn: (channel: string) =>
      [...messages].filter(([where]) => where.startsWith(`${channel} `)).map(([, message]) => message),
    /** a message a person writes in a channel; its ts */
    say: (channel: string, user: string, text: string) => keep(channel, { text, user }),
    /** an OAuth code Slack would hand out for an install into `teamId` */
    grantCode: (code: string, teamId: string, token: string) => installs.set(code, { teamId, token }),
    /** an OAuth code for an org-wide install into Enterprise Grid organisation `enterpriseId` (`teamId` is a workspace in it) */
    grantOrgCode: (code: string, enterpriseId: string, teamId: string, token: string) =>
      installs.set(code, { teamId, token, enterpriseId, orgWide: true }),
    /** the calls Slack refused, over its limits or as a test asked */
    rejections,
    /** takes the refusals a test expected, so stop() does not report them */
    takeRejections: () => rejections.splice(0),
    /** the next `times` calls to `method` (matching `when`) get `{ ok: false, error }` */
    failNext(method: string, error: string, times = 1, when: (body: Record<string, any>) => boolean = () => true) {
      failures.push({ method, error, times, when });
    },
    /** Slack's rate limit on `method` from now on: over it, HTTP 429 with Retry-After */
    rateLimit: (method: string, limit: RateLimit) => limits.set(method, limit),
    /** how many calls were answered 429 */
    rateLimited: () => limited,
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

/** Form fields, with the JSON ones (blocks, view, unfurls) decoded as Slack would. */
function parseBody(raw: string, type: string): Record<string, any> {
  if (type.includes('json')) return raw ? JSON.parse(raw) : {};
  const fields: Record<string, any> = Object.fromEntries(new URLSearchParams(raw));
  for (const key of ['blocks', 'view', 'unfurls'])
    if (typeof fields[key] === 'string') fields[key] = JSON.parse(fields[key]);
  return fields;
}

/** The file's bytes from an upload: the WebClient sends them as the one part of a multipart form, or raw. */
function filePart(raw: Buffer, type: string): Buffer {
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  if (!boundary) return raw;
  const start = raw.indexOf('\r\n\r\n') + 4;
  return raw.subarray(start, raw.indexOf(`\r\n--${boundary}`, start));
}
