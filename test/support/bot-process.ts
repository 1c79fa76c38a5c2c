import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Agent, request } from 'node:http';
import { createServer } from 'node:net';

/** A loopback port no one listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * The compiled bot (`main.js`) in a process of its own, as in production, resolved once `/healthz` answers on `port`.
 * `env` is all it sees of the environment (PATH aside).
 */
export async function startBotProcess(
  mainJs: string,
  port: number,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  const bot = spawn(process.execPath, [...nodeArgs, mainJs], {
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return bot;
    if (bot.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  bot.kill();
  throw new Error(`the bot did not start on port ${port}`);
}

/** One POST on a kept-alive connection (node:http costs the sender far less than fetch); resolves with the status. */
export function postRaw(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
