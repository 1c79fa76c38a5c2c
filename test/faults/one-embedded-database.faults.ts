import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { blocksToText } from '../../src/console/plain-text';
import { freePort } from '../support/bot-process';
import { seededDataDir } from '../support/databases';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { SIGNING_SECRET } from '../support/slack-requests';
import { type Cluster, startCluster } from './cluster';

const MAIN_JS = path.resolve(__dirname, '../../dist/main.js');
const REFUSAL =
  /^Nexus Flow cannot start: the embedded database .+ is in use by process (\d+) \((.+?), started .+\)\. .*DATABASE_URL/;

jest.setTimeout(180_000);

/** The compiled bot run to its end with `input` on standard input (the console, or a bot that is refused). */
async function runToExit(
  env: Record<string, string>,
  input = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'fatal', PORT: String(await freePort()), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  child.stdin.end(input);
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr };
}

describe('one process at a time on an embedded database', () => {
  let dataDir: string;
  let fake: FakeSlack;
  let cluster: Cluster;
  const slackEnv = () => ({
    DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: 'xoxb-lock',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: 'fatal',
  });
  const say = (command: string, text: string) => cluster.command(fake, { command, text, channel_id: 'C1' });

  beforeAll(async () => {
    dataDir = await seededDataDir(mkdtempSync(path.join(tmpdir(), 'nexus-flow-lock-')));
    fake = await startFakeSlack();
    cluster = await startCluster(1, slackEnv());
  });

  afterAll(async () => {
    if (cluster?.alive(0)) await cluster.stop(0, 'SIGKILL');
    cluster?.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a second process is refused with one line naming the holder; a SIGKILLed holder does not block the next start', async () => {
    await cluster.start(0);
    const botPid = cluster.replicas[0].process!.pid!;
    await say('/nexus', 'setup --teams Alpha');
    expect(blocksToText((await say('/pbi', 'add "From the bot"')).blocks)).toMatch(/added PBI-1/);

    // the console (npm start, npm run demo, npm run backtest) and a second bot beside the running one
    for (const [env, input] of [
      [{ DATA_DIR: dataDir }, '/pbi add "From the console"\n'],
      [slackEnv(), ''],
    ] as const) {
      const second = await runToExit(env, input);
      expect(second.code).toBe(1);
      expect(second.stdout).not.toMatch(/added/);
      const lines = second.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(REFUSAL);
      expect(REFUSAL.exec(lines[0])!.slice(1)).toEqual([String(botPid), 'the Slack bot']);
    }

    // the holder was not disturbed, and the refused ones wrote nothing
    expect(blocksToText((await say('/pbi', 'add "Still the bot"')).blocks)).toMatch(/added PBI-2/);

    // killed outright: its lock stays behind, and the next start takes it over with every acknowledged write there
    await cluster.stop(0, 'SIGKILL');
    const lockPath = path.join(dataDir, 'pglite.lock');
    expect(existsSync(lockPath)).toBe(true);
    await cluster.start(0);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(cluster.replicas[0].process!.pid);
    const board = blocksToText((await say('/flow', 'board')).blocks);
    expect(board).toMatch(/From the bot/);
    expect(board).toMatch(/Still the bot/);
    expect(board).not.toMatch(/From the console/);
    expect(await cluster.stop(0, 'SIGTERM')).toBe(0);
    expect(existsSync(lockPath)).toBe(false);
  });

  test('a lock naming a live process that did not write it (its pid reused after a crash) does not block', async () => {
    const lockPath = path.join(dataDir, 'pglite.lock');
    const reused = {
      pid: process.pid,
      holder: 'the Slack bot',
      command: 'dist/main.js',
      startedAt: '2026-01-01T00:00:00Z',
      processStart: '1',
    };
    writeFileSync(lockPath, JSON.stringify(reused));
    const started = await runToExit({ DATA_DIR: dataDir }, '/nexus setup --teams Alpha\n/pbi add "In the console"\n');
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/added PBI-1/);
    expect(existsSync(lockPath)).toBe(false);
  });
});
