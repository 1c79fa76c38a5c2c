import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import { localFiles } from '../../src/console/local-files';
import { blocksToText } from '../../src/console/plain-text';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { sign } from '../support/slack-requests';
import { spread, startBots, stopBots } from './slack-load';

/** Issue 16's benchmark: 10,000 items with 200,000 status changes (BENCH_IMPORT_ITEMS, _MOVES for a smaller run). */
const ITEMS = Number(process.env.BENCH_IMPORT_ITEMS ?? 10_000);
const MOVES = Number(process.env.BENCH_IMPORT_MOVES ?? 20);
/** A slash command to the bot this often while the import runs. */
const COMMAND_EVERY_MS = 100;
const RSS_EVERY_MS = 100;
/** An import not done by then is reported as it stood. */
const GIVE_UP_MS = 15 * 60_000;
const CSV_ROWS = 10_000;

export type ImportLoad = {
  items: number;
  changes: number;
  /** command sent → the summary posted in Slack; null when it never came */
  seconds: number | null;
  summary: string;
  /** the most RSS the bot held from the import's command to its summary */
  peakRssMb: number;
  /** the most RSS it held before (a new embedded database is made by initdb, which alone takes a process to about 900 MB) */
  peakBeforeMb: number;
  /** RSS sampled every 100 ms during the import: the most seen */
  sampledMaxRssMb: number;
  rssAtStartMb: number;
  /** the bot's CPU time (user + system) from the command to the summary: what contention on a shared machine hides */
  botCpuS: number;
  commands: number;
  failed: number;
  ack: { p50: number; p99: number };
  reply: { p50: number; p99: number };
  pbis: number;
  moved: number;
  applied: number;
  held: number;
  /** seconds after the command: the last page stored, the first and the last change applied */
  lastStoredS: number;
  firstAppliedS: number;
  lastAppliedS: number;
  load: string;
};

export type CsvImportLoad = {
  rows: number;
  dryRunMs: number;
  applyMs: number;
  /** the most RSS the process held from the dry run to the end of the apply, and before (opening the database) */
  peakRssMb: number;
  peakBeforeMb: number;
  imported: string;
};

/** Linux: the peak (VmHWM) starts again from the RSS now, so what came before (initdb) is not counted in the next. */
const resetPeak = (pid: number | 'self') => writeFileSync(`/proc/${pid}/clear_refs`, '5');

const rssOf = (pid: number | 'self', field: 'VmRSS' | 'VmHWM') => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : 0;
};

/** A process's CPU time so far, user and system, in seconds (Linux: clock ticks of /proc/<pid>/stat). */
const cpuOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** A signed slash command to the bot; resolves with its ack time and, later, the reply's. */
function command(fake: FakeSlack, baseUrl: string, channel: string, text: string, command = '/nexus') {
  const responseUrl = fake.responseUrl();
  const body = new URLSearchParams({
    command,
    text,
    team_id: 'T-bench',
    channel_id: channel,
    user_id: 'U-bench',
    response_url: responseUrl,
    trigger_id: 't',
  }).toString();
  const sent = performance.now();
  const answered = fake.nextResponse(responseUrl, 60_000);
  const acked = fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
    body,
    signal: AbortSignal.timeout(10_000),
  }).then(async (res) => {
    await res.arrayBuffer();
    return res.status === 200 ? performance.now() - sent : null;
  });
  return { sent, responseUrl, acked, answered };
}

/** The fake Jira in its own process, serving the benchmark's issues. */
async function jiraAt(now: DateTime) {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'jira-process.js'), String(ITEMS), String(MOVES), now.toISO()!],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the fake Jira did not start');
  const { url, token } = JSON.parse(first.value) as { url: string; token: string };
  return { url, token, close: () => child.stdin!.end() };
}

/**
 * `/nexus import jira` of 10,000 items with 200,000 status changes, typed in Slack to the bot in its own process (the
 * compiled main.js); the fake Jira serves from another. Times the command to the summary posted in its thread,
 * samples the bot's RSS, and sends `/flow board` every 100 ms meanwhile (the import's channel and another Nexus's).
 */
export async function measureImport(target: { url?: string; dataDir: string }): Promise<ImportLoad> {
  const now = DateTime.utc();
  const fake = await startFakeSlack();
  const [bot] = await startBots(target, fake.apiUrl);
  const jira = await jiraAt(now);
  try {
    const ask = async (channel: string, text: string) => {
      const c = command(fake, bot.baseUrl, channel, text);
      if ((await c.acked) === null) throw new Error(`${text} was not acked`);
      const reply = await c.answered;
      if (!reply) throw new Error(`${text} had no answer`);
      return blocksToText(reply.blocks ?? []) || String(reply.text);
    };
    await ask('C-import', 'setup --teams Alpha,Beta');
    await ask('C-import', 'tracker jira');
    await ask('C-other', 'setup --name Other --teams Alpha');
    for (const channel of ['C-import', 'C-other']) await ask(channel, 'board').catch(() => '');
    const pid = bot.process.pid!;
    const rssAtStartMb = rssOf(pid, 'VmRSS');
    const peakBeforeMb = rssOf(pid, 'VmHWM');
    resetPeak(pid);
    let sampledMaxRssMb = rssAtStartMb;
    const sampler = setInterval(() => {
      sampledMaxRssMb = Math.max(sampledMaxRssMb, rssOf(pid, 'VmRSS'));
    }, RSS_EVERY_MS);
    const since = now.minus({ days: 170 }).toISODate();
    const started = command(
      fake,
      bot.baseUrl,
      'C-import',
      `import jira --url ${jira.url} --token ${jira.token} --since ${since}`,
    );
    const t0 = started.sent;
    const cpuAtStart = cpuOf(pid);
    const wallT0 = Date.now();
    const summaryPosted = () =>
      fake
        .callsTo('chat.postMessage')
        .find((c) => c.body.reply_broadcast === true || c.body.reply_broadcast === 'true');
    const acks: number[] = [];
    const replies: number[] = [];
    const pending: Promise<void>[] = [];
    let failed = 0;
    let sent = 0;
    for (let i = 0; !summaryPosted() && performance.now() - t0 < GIVE_UP_MS; i++) {
      const wait = t0 + (i + 1) * COMMAND_EVERY_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const c = command(fake, bot.baseUrl, i % 2 ? 'C-other' : 'C-import', 'board', '/flow');
      sent++;
      pending.push(
        Promise.all([c.acked, c.answered]).then(
          ([ack, answer]) => {
            if (ack === null || !answer) failed++;
            else {
              acks.push(ack);
              const at = fake.callsTo('respond').find((r) => r.path === new URL(c.responseUrl).pathname)?.receivedAt;
              if (at) replies.push(at - c.sent);
            }
          },
          () => void failed++,
        ),
      );
    }
    clearInterval(sampler);
    const botCpuS = cpuOf(pid) - cpuAtStart;
    const summary = summaryPosted();
    const seconds = summary ? (summary.receivedAt - t0) / 1000 : null;
    await Promise.all(pending);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const peakRssMb = rssOf(pid, 'VmHWM');
    await stopBots([bot]);
    const db = await openDatabase(target);
    try {
      const nexus = (await openStore(db, 'bench').nexuses.findByChannel('T-bench', 'C-import'))!;
      const where = { nexusId: nexus.id };
      const [times] = await db.prisma.$queryRaw<{ stored: Date; first: Date; last: Date }[]>`
        SELECT max("receivedAt") AS stored, min("appliedAt") AS first, max("appliedAt") AS last
        FROM "Delivery" WHERE "nexusId" = ${nexus.id}`;
      const after = (d: Date) => (d.getTime() - wallT0) / 1000;
      return {
        items: ITEMS,
        changes: ITEMS * MOVES,
        seconds,
        summary: summary
          ? blocksToText(summary.body.blocks ?? [])
              .split('\n')
              .slice(0, 3)
              .join(' / ')
          : '',
        peakRssMb,
        peakBeforeMb,
        sampledMaxRssMb,
        rssAtStartMb,
        botCpuS,
        commands: sent,
        failed,
        ack: spread(acks),
        reply: spread(replies),
        pbis: await db.prisma.pbi.count({ where }),
        moved: await db.prisma.event.count({ where: { ...where, type: 'pbi.moved' } }),
        applied: await db.prisma.delivery.count({ where: { ...where, state: 'applied' } }),
        held: await db.prisma.delivery.count({ where: { ...where, state: 'unmapped' } }),
        lastStoredS: after(times.stored),
        firstAppliedS: after(times.first),
        lastAppliedS: after(times.last),
        load,
      };
    } finally {
      await db.close();
    }
  } finally {
    jira.close();
    if (bot.process.exitCode === null && bot.process.signalCode === null) await stopBots([bot]);
    await fake.close();
  }
}

/**
 * `/nexus import csv <file>` then `--apply <check>` of 10,000 rows in the console's door, in a fresh process: the
 * dry run's and the apply's times, and the process's peak RSS.
 */
export async function measureCsvImport(target: { url?: string; dataDir: string }): Promise<CsvImportLoad> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-bench-csv-'));
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench');
    const ctx = {
      store,
      now: () => DateTime.utc(),
      workspaceId: 'T-bench',
      channelId: 'C-csv',
      userId: 'U-bench',
      files: localFiles(dir),
    };
    await runLine(
      '/nexus setup --name Csv --teams Alpha,Beta --stages "ready,doing,review,done,released" --start doing --finish done',
      ctx,
    );
    const first = DateTime.utc().minus({ days: 300 }).startOf('day');
    const day = (n: number) => first.plus({ days: n }).toISODate();
    const rows = Array.from({ length: CSV_ROWS }, (_, i) => {
      const at = Math.floor((i * 280) / CSV_ROWS);
      const open = i % 10 === 0; // a tenth still under way
      return `CSV-${i + 1},,"Row ${i + 1}, imported",${day(at)},${day(at + 1)},${day(at + 3)},${open ? '' : day(at + 5)},,${i % 2 ? 'Alpha' : '"Alpha, Beta"'},0,Story`;
    });
    writeFileSync(
      path.join(dir, 'rows.csv'),
      ['ID,Link,Name,ready,doing,review,done,released,Teams,Blocked Days,Type', ...rows].join('\n'),
    );
    const peakBeforeMb = rssOf('self', 'VmHWM');
    resetPeak('self');
    let t = performance.now();
    const dry = await runLine('/nexus import csv rows.csv', ctx);
    const dryRunMs = performance.now() - t;
    const check = /--apply ([0-9a-f]{10})/.exec(blocksToText(dry.blocks))?.[1];
    if (!check) throw new Error(`the dry run showed no check: ${blocksToText(dry.blocks).slice(0, 500)}`);
    t = performance.now();
    const done = await runLine(`/nexus import csv rows.csv --apply ${check}`, ctx);
    const applyMs = performance.now() - t;
    return {
      rows: CSV_ROWS,
      dryRunMs,
      applyMs,
      peakRssMb: rssOf('self', 'VmHWM'),
      peakBeforeMb,
      imported: blocksToText(done.blocks).split('\n')[0],
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
