import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { blocksToText } from '../../src/console/plain-text';
import { DEMO_STAGES, DEMO_WORKFLOW } from '../../src/demo/load-demo';
import { simulateNexus } from '../../src/demo/simulate';
import type { Nexus } from '../../src/domain/nexus';
import { seededRng } from '../../src/domain/random';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { freePort, startBotProcess } from '../support/bot-process';
import { seededDataDir } from '../support/databases';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { SIGNING_SECRET, sign } from '../support/slack-requests';

const MAIN_JS = path.resolve(__dirname, '../../dist/main.js');
/**
 * The bot's heap, capped: the replay of this 20-team Nexus used to load whole PBIs once per team and keep them all,
 * outgrowing 256 MB here as the large Nexus's outgrew the default 4 GB, and kill the process.
 */
const HEAP_MB = 256;
const TEAMS = 20;
/** How often the small Nexus's channel asks for its board while the replay runs. */
const ASK_EVERY_MS = 500;
/** Longest a person waits for the board before calling the bot stuck (generous: two cores shared by many). */
const BOARD_WITHIN_MS = 5_000;
/** Longest the replay may take to answer, its own budget (LONG_JOB_SECONDS) included. */
const ACCURACY_WITHIN_MS = 240_000;

jest.setTimeout(600_000);

/** A Nexus of 20 teams with 200 days of simulated history (about 2,400 PBIs), written straight into the database. */
async function buildMediumNexus(dataDir: string, end: DateTime): Promise<void> {
  const db = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
  try {
    const store = openStore(db, 'faults');
    const teams = Array.from({ length: TEAMS }, (_, i) => `Team${i + 1}`);
    const settings: Omit<Nexus, 'id'> = {
      workspaceId: 'T1',
      channelId: 'C-big',
      name: 'Medium Nexus',
      teams,
      workflow: DEMO_WORKFLOW,
      sle: { percentile: 85, days: null, historyDays: 90 },
      timeZone: 'Europe/Berlin',
      digest: { time: '09:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: false },
      forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
      sprintReports: { review: false, retro: false },
      teamChannels: [],
      classes: [],
      nit: ['U_NIT'],
      createdBy: 'U_NIT',
    };
    const nexus = await store.nexuses.create(settings, {
      type: 'nexus.created',
      at: end.minus({ days: 200 }),
      actor: 'U_NIT',
      value: settings,
    });
    if ('problem' in nexus) throw new Error('C-big already has a Nexus');
    const events = simulateNexus({
      teams,
      workflow: DEMO_WORKFLOW,
      stages: DEMO_STAGES,
      days: 200,
      end,
      zone: 'Europe/Berlin',
      arrivalsPerDay: 12,
      teamsPerPbi: [3, 6],
      squareFinishChance: Object.fromEntries(teams.map((t) => [t, 0.5])),
      teamCapacity: 10,
      sprintPull: 120,
      rng: seededRng('faults-accuracy'),
    });
    await store.pbis.importHistory(nexus, events);
  } finally {
    await db.close();
  }
}

describe('/forecast accuracy on a big Nexus, in the compiled bot on the embedded database', () => {
  let dataDir: string;
  let fake: FakeSlack;
  let bot: ChildProcess;
  let port: number;

  /** A signed slash command; resolves with the answer's text and how long it took, or null when none came in `ms`. */
  async function say(
    channel: string,
    command: string,
    text: string,
    ms: number,
  ): Promise<{ text: string; ms: number } | null> {
    const responseUrl = fake.responseUrl();
    const body = new URLSearchParams({
      token: 'x',
      team_id: 'T1',
      user_id: 'U_NIT',
      user_name: 'u',
      trigger_id: 't',
      response_url: responseUrl,
      channel_id: channel,
      command,
      text,
    }).toString();
    const answered = fake.nextResponse(responseUrl, ms);
    const sent = performance.now();
    const status = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
      body,
    }).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 200) return null;
    const reply = await answered;
    return reply && { text: blocksToText(reply.blocks ?? []) || String(reply.text), ms: performance.now() - sent };
  }

  beforeAll(async () => {
    dataDir = await seededDataDir(mkdtempSync(path.join(tmpdir(), 'nexus-flow-accuracy-')));
    await buildMediumNexus(dataDir, DateTime.utc());
    fake = await startFakeSlack();
    port = await freePort();
    const env = {
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-accuracy',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'fatal',
      LONG_JOB_SECONDS: '60',
    };
    bot = await startBotProcess(MAIN_JS, port, env, [`--max-old-space-size=${HEAP_MB}`]);
  });

  afterAll(async () => {
    if (bot && bot.exitCode === null && bot.signalCode === null) {
      bot.kill('SIGKILL');
      await once(bot, 'exit');
    }
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("the replay answers within its budget, the process lives, and another Nexus's board is answered meanwhile", async () => {
    expect((await say('C-small', '/nexus', 'setup --name Small --teams Alpha', 30_000))?.text).toMatch(/Small/);
    const accuracy = say('C-big', '/forecast', 'accuracy', ACCURACY_WITHIN_MS);
    let answered: { text: string; ms: number } | null | undefined;
    void accuracy.then((a) => (answered = a));
    const boards: number[] = [];
    while (answered === undefined && bot.exitCode === null && bot.signalCode === null) {
      const board = await say('C-small', '/flow', 'board', BOARD_WITHIN_MS);
      expect({
        board: board ? 'answered' : 'no answer',
        alive: bot.exitCode === null && bot.signalCode === null,
      }).toEqual({ board: 'answered', alive: true });
      boards.push(board!.ms);
      await new Promise((r) => setTimeout(r, ASK_EVERY_MS));
    }
    expect({ exitCode: bot.exitCode, signal: bot.signalCode }).toEqual({ exitCode: null, signal: null });
    const reply = await accuracy;
    expect(reply?.text).toContain('How good are our forecasts?');
    expect(reply?.text).toMatch(/Team20 {2}(by 14 days ahead|_?not replayed: out of time)/);
    expect(boards.length).toBeGreaterThan(0);
    console.log(
      `accuracy answered in ${(reply!.ms / 1000).toFixed(1)} s; ${boards.length} boards meanwhile, slowest ${Math.max(...boards).toFixed(0)} ms (${boards.map((b) => b.toFixed(0)).join(', ')})`,
    );
  });
});
