import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { signGeneric } from '../../src/trackers/generic';
import { freePort } from '../support/bot-process';
import { buildWhenStale, MAIN_JS } from '../support/compiled-bot';
import { seededDataDir } from '../support/databases';
import { startFakeSlack } from '../support/fake-slack';
import { decodePng } from '../support/png';

const ROOT = path.resolve(__dirname, '../..');

// each test starts the bot (and a demo replays 120 days): seconds on a quiet machine, but past jest's 30 s on two
// cores shared with other jobs (seen at load 10-15). What is asserted does not depend on the time.
jest.setTimeout(120_000);

/**
 * Runs the bot as `npm start` / `npm run demo` do, with commands piped on standard input: the compiled one (built
 * before the first test when dist/ is stale), which `tsx src/main.ts` would have compiled again in every process.
 */
function runApp(
  args: string[],
  input: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('local console, piped', () => {
  let dataDir: string;
  beforeAll(async () => {
    await buildWhenStale();
    dataDir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-console-'));
  }, 300_000); // a build from nothing: 28 s of CPU, over 90 s at load 14
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('runs typed commands in order, prints replies as text, and keeps the data for the next start', async () => {
    const first = await runApp(
      [],
      '/nexus setup --teams Alpha,Beta\n/pbi add "Pay with Apple Pay" --teams Alpha\n/pbi move PBI-1 in-progress\n/pbi team PBI-1 Alpha start\n/pbi nonsense\n',
      { DATA_DIR: dataDir },
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('[posted in #local]');
    expect(first.stdout).toContain('added PBI-1 in discovery');
    expect(first.stdout).toContain('moved PBI-1 discovery → in-progress');
    expect(first.stdout).toContain('◐ Alpha');
    expect(first.stdout).toContain('[only you see this]\n/pbi nonsense is not a command');
    const second = await runApp([], '/flow board\n', { DATA_DIR: dataDir });
    expect(second.stdout).toContain('• PBI-1 Pay with Apple Pay · ◐ Alpha · 1d');
  });

  test('the console keeps its log out of the conversation: JSON lines go to a file in DATA_DIR, not around the prompt', async () => {
    const dir = await seededDataDir(path.join(dataDir, 'logged'));
    const { code, stdout, stderr } = await runApp([], '/nexus help\n', { DATA_DIR: dir, LOG_LEVEL: 'info' });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).not.toContain('"level"');
    expect(readFileSync(path.join(dir, 'nexus-flow.log'), 'utf8')).toContain('"msg":"database ready"');
  });

  test('the demo loads a sample Nexus with history every report can show', async () => {
    const { code, stdout } = await runApp(['--demo'], '/flow board\n/flow aging\n/pbi show PBI-1\n', {
      DATA_DIR: dataDir,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /Loaded the demo Nexus in #demo: \d+ PBIs, \d+ events over 120 days, teams Alpha, Beta, Gamma/,
    );
    expect(stdout).toContain('Checkout Nexus · board');
    expect(stdout).toMatch(/in-progress {2}\d+\/8 ⚠ over limit/);
    expect(stdout).toMatch(/🔴 past SLE/);
    expect(stdout).toContain('PBI-1 · ');
    expect(stdout).toContain('History');
  });

  test('a forecast with --chart writes the histogram as a PNG and prints its path', async () => {
    const chartsDir = path.join(dataDir, 'charts');
    const { code, stdout } = await runApp(['--demo'], '/forecast 20 --chart\n/forecast 5\n', {
      DATA_DIR: await seededDataDir(path.join(dataDir, 'chart-demo')),
      CHARTS_DIR: chartsDir,
    });
    expect(code).toBe(0);
    expect(stdout).toContain('When will 20 more PBIs be done?');
    const printed = stdout.match(/chart: (\S+\.png)/g) ?? [];
    expect(printed).toHaveLength(1); // only the question that asked for it
    const { width } = decodePng(readFileSync(printed[0]!.slice('chart: '.length)));
    expect(width).toBeGreaterThanOrEqual(1280);
    expect(printed[0]).toContain(chartsDir);
  });

  test('the demo exported as CSV and imported into an empty Nexus with its workflow and teams gives the same board and forecasts', async () => {
    const exportsDir = path.join(dataDir, 'exports');
    const reports = '/flow board\n/flow sle\n/flow throughput\n/forecast 10\n/forecast sprint\n';
    const demo = await runApp(['--demo'], `/flow export csv\n${reports}`, {
      DATA_DIR: await seededDataDir(path.join(dataDir, 'export-demo')),
      EXPORTS_DIR: exportsDir,
    });
    expect(demo.code).toBe(0);
    const [, file] = /file: (\S+\.csv)/.exec(demo.stdout)!;
    expect(file).toContain(exportsDir);
    const setup =
      '/nexus setup --name "Checkout Nexus" --teams Alpha,Beta,Gamma --stages "refining:8,ready:12,sprint-backlog:10,in-progress:8,integrated,released,learning" --start in-progress --finish integrated --zone Europe/Berlin';
    const copy = await runApp(
      [],
      `${setup}\n/nexus import csv ${file}\n/nexus import csv ${file} --apply\n${reports}`,
      {
        DATA_DIR: await seededDataDir(path.join(dataDir, 'import-demo')),
      },
    );
    expect(copy.code).toBe(0);
    expect(copy.stdout).toMatch(/Import checkout-nexus-pbis-\S+\.csv · dry run/);
    expect(copy.stdout).toMatch(/imported \d+ PBIs from checkout-nexus-pbis-\S+\.csv with \d+ changes/);
    const answers = (out: string) => out.slice(out.indexOf('Checkout Nexus · board'));
    expect(answers(copy.stdout)).toBe(answers(demo.stdout));
  }, 180_000);

  /** The console left running on a free PORT, typed into line by line; `printed` waits for what it answers. */
  async function liveConsole(name: string) {
    const child = spawn(process.execPath, [MAIN_JS], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'warn',
        PORT: String(await freePort()),
        DATA_DIR: await seededDataDir(path.join(dataDir, name)),
      },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const printed = async (pattern: RegExp) => {
      // starting the bot and its database took over 20 s at load 13: wait as long as the test may take
      const until = Date.now() + 90_000;
      while (!pattern.test(stdout) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const m = pattern.exec(stdout);
      if (!m) throw new Error(`never printed ${pattern}: ${stdout}`);
      stdout = stdout.slice(m.index + m[0].length); // the next wait reads what follows
      return m;
    };
    const end = async () => {
      child.stdin.end();
      await once(child, 'close');
    };
    return { child, printed, end };
  }

  test('local mode serves tracker webhooks on PORT: a signed delivery moves the PBI and is told beside the console', async () => {
    const { child, printed, end } = await liveConsole('webhooks');
    try {
      child.stdin.write('/nexus setup --teams Alpha\n/nexus tracker generic\n');
      const [, url] = await printed(/URL: (http:\/\/localhost:\d+\/webhooks\/generic\/\S+)/);
      const [, secret] = await printed(/Secret: (whsec_\S+)/);
      const body = JSON.stringify({
        id: 'd-1',
        item: { id: 'G-1', title: 'Ship it', url: 'https://tracker.example/G-1' },
        from: 'ready',
        to: 'In Progress',
        occurredAt: '2026-03-02T10:00:00Z',
      });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signGeneric(secret, 'd-1', body, DateTime.utc()) },
        body,
      });
      expect(res.status).toBe(202);
      await printed(
        /\[posted in the Nexus channel\]\n🔀 A move from the tracker:\nG-1 Ship it \(https:\/\/tracker\.example\/G-1\): new in the in-progress stage \(Generic webhook\)/,
      );
      child.stdin.write('/pbi show G-1\n');
      await printed(/G-1 · Ship it[\s\S]*in-progress/);
    } finally {
      await end();
    }
  });

  test('/nexus share prints a link to the read-only board on the local server; /nexus share off turns it off', async () => {
    const { child, printed, end } = await liveConsole('share');
    try {
      child.stdin.write('/nexus setup --teams Alpha\n/pbi add "Ship <b>it</b>" --teams Alpha --stage in-progress\n');
      child.stdin.write('/nexus share\n');
      const [, link] = await printed(/Open the board \((http:\/\/localhost:\d+\/n\/[A-Za-z0-9_-]{43})\)/);
      const board = await fetch(link);
      expect(board.status).toBe(200);
      const html = await board.text();
      expect(html).toContain('Ship &lt;b&gt;it&lt;/b&gt;');
      expect(html).toContain('☐ Alpha'); // its team square, not started
      child.stdin.write('/nexus share\n');
      await printed(/already has a link to its board, and it is never shown twice/);
      child.stdin.write('/nexus share off\n');
      await printed(/The link to this Nexus's board is off/);
      expect((await fetch(link)).status).toBe(404);
    } finally {
      await end();
    }
  });

  test('stops at start with one clear line when Slack rejects the bot token (auth.test)', async () => {
    const fake = await startFakeSlack();
    try {
      const { code, stderr } = await runApp([], '', {
        DATA_DIR: dataDir,
        SLACK_BOT_TOKEN: 'xoxb-revoked-secret',
        SLACK_SIGNING_SECRET: 'signing-secret-123',
        SLACK_API_URL: fake.apiUrl,
      });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        'Nexus Flow cannot start: Slack rejected SLACK_BOT_TOKEN (invalid_auth); check the token or reinstall the app',
      );
      expect(fake.callsTo('auth.test')).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  test('stops at start saying the network failed, not that the token was rejected, when Slack cannot be reached', async () => {
    const port = await freePort(); // nothing listens there
    const { code, stderr } = await runApp([], '', {
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-fine-token',
      SLACK_SIGNING_SECRET: 'signing-secret-123',
      SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `Nexus Flow cannot start: Slack could not be reached at http://127.0.0.1:${port}/api/ (ECONNREFUSED); check the network, proxy or SLACK_API_URL — the token was not checked`,
    );
  });

  test('refuses to start with a clear line naming a malformed variable, printing no secret', async () => {
    const { code, stderr } = await runApp([], '', { DATA_DIR: dataDir, SLACK_BOT_TOKEN: 'xoxb-secret-value-123' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'Nexus Flow cannot start: SLACK_SIGNING_SECRET is required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
    );
    expect(stderr).not.toContain('secret-value');
  });
});
