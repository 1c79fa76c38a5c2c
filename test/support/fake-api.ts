import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A tracker's answer: status, JSON body (a string is sent as text, `textType`), extra headers. */
export type Answer = [status: number, body: unknown, headers?: Record<string, string>];
/** A request the fake answered, for tests to look at. */
export type ApiRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  at: number;
  status: number;
};
type Fault = { times: number; answer: Answer; when: (path: string) => boolean };

/**
 * A tracker's API on a loopback port: `route` answers each request (its URL resolved against the fake's own
 * address); every request is recorded; a test can make the next requests fail (a 429 with Retry-After, a 401…).
 * What each fake serves is its own; this is only the plumbing they share.
 */
export async function startFakeApi(opts: {
  route(req: IncomingMessage, url: URL, body: string, base: string): Answer;
  /** the body a fault answers with when the test gives none (the tracker's rate-limit answer) */
  faultBody: unknown;
  /** how a string body is sent: text/plain unless the tracker answers HTML */
  textType?: string;
  /** requests that wait before they are answered, and how long */
  slow?: { when: (path: string) => boolean; ms: number };
  /** called before each request is routed (a token revoked from a given request on) */
  seen?: (url: URL) => void;
}) {
  const requests: ApiRequest[] = [];
  const faults: Fault[] = [];

  function answer(
    req: IncomingMessage,
    body: string,
  ): { status: number; text: string; headers: Record<string, string> } {
    const base = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', base);
    opts.seen?.(url);
    const fault = faults.find((f) => f.times > 0 && f.when(url.pathname));
    if (fault) fault.times--;
    const [status, json, headers = {}] = fault ? fault.answer : opts.route(req, url, body, base);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
      at: Date.now(),
      status,
    });
    const text = typeof json === 'string';
    return {
      status,
      text: text ? json : JSON.stringify(json),
      headers: { 'content-type': text ? (opts.textType ?? 'text/plain') : 'application/json', ...headers },
    };
  }

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const reply = () => {
        const { status, text, headers } = answer(req, body);
        res.writeHead(status, headers);
        res.end(text);
      };
      const path = (req.url ?? '/').split('?')[0];
      if (opts.slow?.when(path)) setTimeout(reply, opts.slow.ms);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    /** the next `times` requests whose path passes `when` get this answer */
    failNext(
      times: number,
      status: number,
      o: { headers?: Record<string, string>; body?: unknown; when?: (path: string) => boolean } = {},
    ) {
      faults.push({ times, answer: [status, o.body ?? opts.faultBody, o.headers ?? {}], when: o.when ?? (() => true) });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A reader of one tracker's published examples in test/fixtures/trackers/<folder>: a fresh copy each time, each file
 * read from disk once (a large import asks for thousands). Found from the sources (jest) or from the compiled
 * benchmark in dist-bench/test/support.
 */
export function fixtures(folder: string): (name: string) => any {
  const dir = [
    path.join(__dirname, '../fixtures/trackers', folder),
    path.join(__dirname, '../../../test/fixtures/trackers', folder),
  ].find(existsSync)!;
  const read = new Map<string, string>();
  return (name) => {
    if (!read.has(name)) read.set(name, readFileSync(path.join(dir, name), 'utf8'));
    return JSON.parse(read.get(name)!);
  };
}

/** A loopback port no one listens on (fetch refuses some ports outright, such as 9): one that was just free. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
