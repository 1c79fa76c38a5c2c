// npm run bench: builds a large Nexus (50 teams, ~10,000 PBIs, ~200,000 events) in the embedded database and in
// PostgreSQL, each in its own process so RSS is that database's alone, and prints a table of timings.
// PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres on 127.0.0.1:5432).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { CHART_WORKER_IDLE_MS, renderPng } from '../../src/charts/render-png';
import { runLine } from '../../src/commands';
import { loadDigest } from '../../src/commands/flow/digest';
import { keepHeapSmall } from '../../src/heap';
import { openStore } from '../../src/store';
import { openDatabase } from '../../src/store/database';
import { type BacklogForecastBench, measureBacklogForecast } from './backlog-bench';
import { type LargeBacktest, measureLargeBacktest } from './backtest-bench';
import { type ForecastTimes, measureForecasts } from './forecast-bench';
import { type CsvImportLoad, type ImportLoad, measureCsvImport, measureImport } from './import-bench';
import { createLargeNexus } from './large-nexus';
import { type ManyNexusesLoad, measureManyNexuses } from './many-nexuses';
import { measureReview } from './review-bench';
import { measureSlackLoad, type SlackLoad } from './slack-load';
import { measureUnfurl } from './unfurl-bench';
import { measureWebhookLoad, type WebhookLoad } from './webhook-load';
import { measureWorkflowChanges, type WorkflowChanges } from './workflow-bench';

type Row = { what: string; p50: number; p95: number; n: number };
type Kind = 'embedded' | 'postgres';
type Measured = { rows: Row[]; rssMb: number; rssWithChartsMb: number; rssChartsIdleMb: number };
type Result = Partial<Measured> & {
  kind: Kind;
  build: string;
  slack?: SlackLoad;
  webhooks?: WebhookLoad;
  twoReplicas?: { slack: SlackLoad; webhooks: WebhookLoad };
  backtest?: LargeBacktest;
  backlog?: BacklogForecastBench;
  workflow?: WorkflowChanges;
};

const RUNS = 40;
const WARMUP = 5;
const PG_ADMIN =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgresql://postgres:postgres@127.0.0.1:5432/postgres';

async function time(what: string, fn: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn(WARMUP + i);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.ceil(p * samples.length) - 1];
  return { what, p50: at(0.5), p95: at(0.95), n: RUNS };
}

/** Child process 1: fills the database with the large Nexus. */
async function build(target: Target): Promise<string> {
  const db = await openDatabase(target);
  try {
    const t = performance.now();
    const built = await createLargeNexus(openStore(db, 'bench'), DateTime.utc());
    return `${built.pbis} PBIs, ${built.events} events, 50 teams, loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`;
  } finally {
    await db.close();
  }
}

/** Child process 2: a fresh process serving the large Nexus, so RSS is what the bot needs, not what building took. */
async function measure(target: Target): Promise<Measured> {
  const db = await openDatabase(target);
  try {
    const store = openStore(db, 'bench');
    const ctx = { store, now: () => DateTime.utc(), workspaceId: 'T-bench', channelId: 'C-bench', userId: 'U-bench' };
    const nexus = (await store.nexuses.findByChannel('T-bench', 'C-bench'))!;
    const movable = (await store.pbis.listInStages(nexus.id, ['ready'], 1))[0].key;
    const rows = [
      await time('load the Nexus', () => store.nexuses.findByChannel('T-bench', 'C-bench')),
      await time('/flow board', () => runLine('/flow board', ctx)),
      await time('/flow aging', () => runLine('/flow aging', ctx)),
      await time('/pbi move', (i) => runLine(`/pbi move ${movable} ${i % 2 ? 'ready' : 'refining'}`, ctx)),
      await time('/pbi show', () => runLine(`/pbi show ${movable}`, ctx)),
      await time('/flow digest (data)', async () =>
        loadDigest({ ...ctx, nexus: (await store.nexuses.findByChannel('T-bench', 'C-bench'))! }),
      ),
    ];
    rows.push(...(await measureFlowEfficiency(ctx)));
    rows.push(...(await measureUnfurl(ctx)));
    rows.push(...(await measureRetro(ctx)));
    const rssMb = Math.round(process.memoryUsage().rss / 1_048_576);
    // the chart worker thread (vega, resvg, the font) is counted apart: it starts with the first chart
    for (const kind of ['aging', 'scatter', 'histogram', 'throughput', 'cfd', 'wip', 'stages']) {
      rows.push(
        await time(`${kind} chart as PNG`, async () =>
          renderPng((await runLine(`/flow chart ${kind}`, ctx)).chart!.spec),
        ),
      );
    }
    rows.push(...(await measureReview(ctx, time)));
    const rssWithChartsMb = Math.round(process.memoryUsage().rss / 1_048_576);
    // the chart worker ends once idle, and the bot goes back to about what it needs to serve
    await new Promise((r) => setTimeout(r, CHART_WORKER_IDLE_MS + 2_000));
    return { rows, rssMb, rssWithChartsMb, rssChartsIdleMb: Math.round(process.memoryUsage().rss / 1_048_576) };
  } finally {
    await db.close();
  }
}

/**
 * /flow efficiency and /flow blocked on the large Nexus (every PBI finished in the 90 days, with its events), with a
 * queue stage marked: the first answer in this process (the reads not remembered yet), then warm.
 */
async function measureFlowEfficiency(ctx: Parameters<typeof runLine>[1]): Promise<Row[]> {
  await runLine('/nexus stage wait sprint-backlog on', ctx);
  const t = performance.now();
  const first = await runLine('/flow efficiency', ctx);
  const firstMs = performance.now() - t;
  if (!JSON.stringify(first.blocks).includes('Flow efficiency')) throw new Error('/flow efficiency gave no answer');
  return [
    { what: '/flow efficiency, first answer', p50: firstMs, p95: firstMs, n: 1 },
    await time('/flow efficiency', () => runLine('/flow efficiency', ctx)),
    await time('/flow blocked', () => runLine('/flow blocked', ctx)),
  ];
}

/**
 * /nexus retro on the large Nexus with a cadence of 14-day Sprints begun 28 days ago: the last finished Sprint against
 * the one before, for 50 teams (the first answer in this process, then warm).
 */
async function measureRetro(ctx: Parameters<typeof runLine>[1]): Promise<Row[]> {
  await runLine(`/nexus sprint ${DateTime.utc().minus({ days: 28 }).toISODate()} --length 14`, ctx);
  const t = performance.now();
  const first = await runLine('/nexus retro', ctx);
  const firstMs = performance.now() - t;
  if (!first.text.includes('Throughput:')) throw new Error(`/nexus retro gave no report: ${first.text.slice(0, 300)}`);
  return [
    { what: '/nexus retro, first answer', p50: firstMs, p95: firstMs, n: 1 },
    await time('/nexus retro', () => runLine('/nexus retro', ctx)),
  ];
}

type Target = { url?: string; dataDir: string; replicas?: number };

/** Where each kind's database lives, and how to remove it afterwards. */
async function prepare(kind: Kind): Promise<{ target: Target; dispose(): Promise<void> }> {
  if (kind === 'embedded') {
    // laid out as DATA_DIR/pglite, where the bot's main.js looks for it
    const dataRoot = mkdtempSync(path.join(tmpdir(), 'nexus-flow-bench-'));
    return {
      target: { dataDir: path.join(dataRoot, 'pglite') },
      dispose: async () => rmSync(dataRoot, { recursive: true, force: true }),
    };
  }
  const name = `nexus_flow_bench_${process.pid}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    target: { url: url.toString(), dataDir: '' },
    dispose: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

function child<T>(
  step:
    | 'build'
    | 'measure'
    | 'slack'
    | 'webhooks'
    | 'forecasts'
    | 'backtest'
    | 'backlog'
    | 'many'
    | 'workflow'
    | 'import'
    | 'csv',
  target: Target,
): T {
  const gc = step === 'workflow' ? ['--expose-gc'] : []; // its rounds read the heap after a full collection
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, ...gc, __filename, `--${step}`, JSON.stringify(target)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (run.status !== 0) throw new Error(`${step} failed`);
  return JSON.parse(run.stdout) as T;
}

async function admin(fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await fn(client);
  } finally {
    await client.end();
  }
}

async function postgresAnswers(): Promise<boolean> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

function printForecasts(f: ForecastTimes): void {
  console.log('\n| forecasts | ms | target |');
  console.log('|---|---|---|');
  console.log(
    `| 10,000 trials: when will 100 items be done (90 days of history) | ${f.when100.toFixed(1)} | ≤ 20 ms |`,
  );
  console.log(`| 10,000 trials: how many in 60 days | ${f.howMany60.toFixed(1)} | ≤ 20 ms |`);
  console.log(`| forecast histogram as PNG (warm worker) | ${f.chartMs.toFixed(1)} | ≤ 500 ms |`);
  console.log(
    `| /forecast accuracy of the demo Nexus (whole backtest, Nexus + 3 teams) | ${f.backtestMs.toFixed(0)} | ≤ 10,000 ms |`,
  );
}

/**
 * `npm run bench -- --only webhooks,slack` runs those parts alone (the large Nexus is always built); `replicas` compares
 * one bot process with two on PostgreSQL.
 */
function wanted(part: string): boolean {
  const only = process.argv.indexOf('--only');
  return only < 0 || process.argv[only + 1].split(',').includes(part);
}

function printWebhooks(results: Result[]): void {
  const runs = results.filter((r) => r.webhooks);
  if (!runs.length) return;
  console.log('\n| database | signed tracker deliveries, 64 at a time (10% duplicates, 10% late) | result | target |');
  console.log('|---|---|---|---|');
  for (const { kind, webhooks: w } of runs) {
    const target = kind === 'embedded' ? '≥ 500/s' : '≥ 1,500/s';
    console.log(
      `| ${kind} | deliveries answered per second (${w!.deliveries} sent, ${w!.failed} failed) | ${w!.perSecond.toFixed(0)}/s | ${target} |`,
    );
    console.log(
      `| ${kind} | answer time p50 / p99 | ${w!.answer.p50.toFixed(1)} / ${w!.answer.p99.toFixed(1)} ms | p99 ≤ 200 ms |`,
    );
    console.log(
      `| ${kind} | all applied (first send → inbox empty) | ${(w!.appliedWithinMs / 1000).toFixed(1)} s | — |`,
    );
    console.log(
      `| ${kind} | final state equals a replay in order of occurrence, nothing lost or doubled | ${w!.matchesReplay ? 'yes' : `NO: ${w!.mismatches.join('; ')}`} | yes |`,
    );
  }
}

function printReplicas(results: Result[]): void {
  const r = results.find((x) => x.twoReplicas);
  if (!r) return;
  const one = { slack: r.slack!, webhooks: r.webhooks! };
  const two = r.twoReplicas!;
  const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}×`;
  console.log('\n| PostgreSQL | one replica | two replicas | two / one |');
  console.log('|---|---|---|---|');
  console.log(
    `| slash commands at 100/s: ack p50 / p99 ms | ${one.slack.ack.p50.toFixed(1)} / ${one.slack.ack.p99.toFixed(1)} | ${two.slack.ack.p50.toFixed(1)} / ${two.slack.ack.p99.toFixed(1)} | ${ratio(one.slack.ack.p99, two.slack.ack.p99)} (p99) |`,
  );
  console.log(
    `| slash commands at 100/s: reply p50 / p99 ms | ${one.slack.reply.p50.toFixed(1)} / ${one.slack.reply.p99.toFixed(1)} | ${two.slack.reply.p50.toFixed(1)} / ${two.slack.reply.p99.toFixed(1)} | ${ratio(one.slack.reply.p99, two.slack.reply.p99)} (p99) |`,
  );
  console.log(`| slash commands failed (of ${one.slack.sent}) | ${one.slack.failed} | ${two.slack.failed} | |`);
  console.log(
    `| webhook deliveries answered per second | ${one.webhooks.perSecond.toFixed(0)}/s | ${two.webhooks.perSecond.toFixed(0)}/s | ${ratio(one.webhooks.perSecond, two.webhooks.perSecond)} |`,
  );
  console.log(
    `| webhook answer p50 / p99 ms | ${one.webhooks.answer.p50.toFixed(1)} / ${one.webhooks.answer.p99.toFixed(1)} | ${two.webhooks.answer.p50.toFixed(1)} / ${two.webhooks.answer.p99.toFixed(1)} | |`,
  );
  console.log(
    `| all applied; final state equals the replay | ${(one.webhooks.appliedWithinMs / 1000).toFixed(1)} s; ${one.webhooks.matchesReplay ? 'yes' : 'NO'} | ${(two.webhooks.appliedWithinMs / 1000).toFixed(1)} s; ${two.webhooks.matchesReplay ? 'yes' : `NO: ${two.webhooks.mismatches.join('; ')}`} | |`,
  );
}

function printBacklogForecasts(results: Result[]): void {
  const runs = results.filter((r) => r.backlog);
  if (!runs.length) return;
  console.log('\n| database | /forecast backlog --top 200 of the large Nexus, 10,000 trials | ms | CPU ms | target |');
  console.log('|---|---|---|---|---|');
  for (const { kind, backlog: b } of runs) {
    const what = `${b!.dated} of ${b!.listed} PBIs dated, ${b!.teams} teams`;
    console.log(
      `| ${kind} | first answer in a fresh process (${what}) | ${b!.firstMs.toFixed(0)} | ${b!.firstCpuMs.toFixed(0)} | — |`,
    );
    console.log(
      `| ${kind} | median of ${b!.runs} more | ${b!.p50.toFixed(0)} | ${b!.p50CpuMs.toFixed(0)} | ≤ 500 ms |`,
    );
  }
}

function printBacktests(results: Result[]): void {
  const runs = results.filter((r) => r.backtest);
  if (!runs.length) return;
  console.log(
    '\n| database | /forecast accuracy of the large Nexus (Nexus + 50 teams), fresh process | result | target |',
  );
  console.log('|---|---|---|---|');
  for (const { kind, backtest: b } of runs) {
    const stopped = b!.stopped ? ' (stopped at its budget)' : '';
    console.log(
      `| ${kind} | time to the answer${stopped} | ${(b!.ms / 1000).toFixed(1)} s | ≤ 60 s (LONG_JOB_SECONDS) |`,
    );
    console.log(`| ${kind} | peak RSS of the process | ${b!.peakRssMb} MB | ≤ ${kind === 'embedded' ? 600 : 300} MB |`);
    const o = b!.other;
    console.log(
      `| ${kind} | another channel's /flow board meanwhile (${o.asked} asked): p50 / p99 / max | ${o.p50.toFixed(1)} / ${o.p99.toFixed(1)} / ${o.max.toFixed(0)} ms | p99 ≤ 100 ms |`,
    );
  }
}

/** 1,000 Nexuses in 50 workspaces, digests all due at once, two replicas on PostgreSQL, Slack's rate limits enforced. */
async function measureMany(): Promise<void> {
  const { target, dispose } = await prepare('postgres');
  try {
    console.log('1,000 Nexuses in 50 workspaces, every digest due now, two replicas…');
    const m = child<ManyNexusesLoad>('many', target);
    console.log(
      `\n| ${m.nexuses} Nexuses, ${m.workspaces} workspaces, 2 replicas, PostgreSQL, Slack rate limits | result | target |`,
    );
    console.log('|---|---|---|');
    console.log(`| digests posted once / missing / twice | ${m.posted} / ${m.missing} / ${m.doubled} | all once |`);
    console.log(
      `| the last digest posted, after the replicas started | ${m.lastDigestSeconds.toFixed(0)} s | ≤ 600 s |`,
    );
    console.log(`| Slack calls answered 429 (waited out) | ${m.rateLimited} | — |`);
    console.log(
      `| /flow board meanwhile (${m.commands} sent, ${m.failed} failed): ack p50 / p99 | ${m.ack.p50.toFixed(1)} / ${m.ack.p99.toFixed(1)} ms | p99 ≤ 100 ms |`,
    );
    console.log(
      `| /flow board acks over 100 ms: sent in the first 10 s both replicas listened / after | ${m.slowAcks.first10s} / ${m.slowAcks.after} | — |`,
    );
    console.log(
      `| /flow board meanwhile: reply p50 / p99 | ${m.reply.p50.toFixed(0)} / ${m.reply.p99.toFixed(0)} ms | p99 ≤ 500 ms |`,
    );
    console.log(
      `(seeded in ${m.seedSeconds.toFixed(0)} s; the replicas took ${m.startSeconds.toFixed(1)} s to listen)`,
    );
  } finally {
    await dispose();
  }
}

/**
 * A Jira import of 10,000 items and 200,000 status changes into each database, each in fresh processes (the bot, the
 * fake Jira, this one playing Slack), then a CSV import of 10,000 rows.
 */
async function measureImports(kinds: Kind[]): Promise<void> {
  const runs: { kind: Kind; jira: ImportLoad; csv: CsvImportLoad }[] = [];
  for (const kind of kinds) {
    const fresh = async <T>(step: 'import' | 'csv'): Promise<T> => {
      const { target, dispose } = await prepare(kind);
      try {
        return child<T>(step, target);
      } finally {
        await dispose();
      }
    };
    console.log(`a Jira import into ${kind}…`);
    const jira = await fresh<ImportLoad>('import');
    console.log(`a CSV import into ${kind}…`);
    runs.push({ kind, jira, csv: await fresh<CsvImportLoad>('csv') });
  }
  for (const { kind, jira: j, csv } of runs) {
    const n = (x: number) => x.toLocaleString('en');
    console.log(
      `\n| ${kind} | /nexus import jira: ${n(j.items)} items, ${n(j.changes)} status changes (load ${j.load}) | result | target |`,
    );
    console.log('|---|---|---|---|');
    console.log(
      `| ${kind} | command typed → summary posted | ${j.seconds === null ? 'never' : `${j.seconds.toFixed(1)} s`} | ≤ 60 s |`,
    );
    console.log(`| ${kind} | the bot's CPU time meanwhile (user + system) | ${j.botCpuS.toFixed(1)} s | — |`);
    console.log(
      `| ${kind} | bot RSS: peak before the import (opening the database) / at its start | ${j.peakBeforeMb} / ${j.rssAtStartMb} MB | — |`,
    );
    console.log(
      `| ${kind} | bot RSS during the import: most sampled (100 ms) / peak | ${j.sampledMaxRssMb} / ${j.peakRssMb} MB | ≤ 600 MB |`,
    );
    console.log(
      `| ${kind} | /flow board meanwhile (${j.commands} sent, ${j.failed} failed): ack p50 / p99 | ${j.ack.p50.toFixed(1)} / ${j.ack.p99.toFixed(1)} ms | p99 ≤ 100 ms |`,
    );
    console.log(
      `| ${kind} | /flow board meanwhile: reply p50 / p99 | ${j.reply.p50.toFixed(0)} / ${j.reply.p99.toFixed(0)} ms | — |`,
    );
    console.log(
      `| ${kind} | PBIs; moves recorded; deliveries applied / held | ${n(j.pbis)}; ${n(j.moved)}; ${n(j.applied)} / ${n(j.held)} | all |`,
    );
    console.log(
      `| ${kind} | after the command: last page stored / first change applied / last applied | ${j.lastStoredS.toFixed(1)} / ${j.firstAppliedS.toFixed(1)} / ${j.lastAppliedS.toFixed(1)} s | |`,
    );
    console.log(`| ${kind} | the summary | ${j.summary} | |`);
    console.log(
      `| ${kind} | /nexus import csv of ${n(csv.rows)} rows: dry run / apply | ${(csv.dryRunMs / 1000).toFixed(1)} / ${(csv.applyMs / 1000).toFixed(1)} s | — |`,
    );
    console.log(
      `| ${kind} | CSV import: peak RSS of the process before (opening the database) / during dry run and apply | ${csv.peakBeforeMb} / ${csv.peakRssMb} MB | ≤ 600 MB |`,
    );
  }
}

function printWorkflow(results: Result[]): void {
  const runs = results.filter((r) => r.workflow);
  if (!runs.length) return;
  console.log(
    '\n| database | workflow changes of the large Nexus (stage add/remove, flow finish and back), fresh process | result | target |',
  );
  console.log('|---|---|---|---|');
  for (const { kind, workflow: w } of runs) {
    console.log(
      `| ${kind} | one change, re-folding every PBI (${w!.changes} changes): p50 / p95 / max | ${w!.change.p50.toFixed(0)} / ${w!.change.p95.toFixed(0)} / ${w!.change.max.toFixed(0)} ms | p95 ≤ 2,000 ms |`,
    );
    console.log(
      `| ${kind} | RSS after the first change / after the last / peak | ${w!.rssAfterFirstMb} / ${w!.rssAfterLastMb} / ${w!.peakRssMb} MB | no growth |`,
    );
    const every = (pick: (r: { rssMb: number; heapMb: number }) => number) => w!.rounds.map(pick).join(', ');
    console.log(`| ${kind} | RSS after each round of 4 changes | ${every((r) => r.rssMb)} MB | levels off |`);
    console.log(`| ${kind} | heap after a full collection, each round | ${every((r) => r.heapMb)} MB | levels off |`);
    const o = w!.other;
    console.log(
      `| ${kind} | another channel's /flow board meanwhile (${o.asked} asked): p50 / p99 / max | ${o.p50.toFixed(1)} / ${o.p99.toFixed(1)} / ${o.max.toFixed(0)} ms | p99 ≤ 100 ms (PostgreSQL) |`,
    );
  }
}

function printTable(results: Result[]): void {
  const targets: Record<string, string> = { embedded: '≤ 600 MB', postgres: '≤ 300 MB' };
  if (results.some((r) => r.rows)) {
    console.log('\n| database | measure | p50 ms | p95 ms | target |');
    console.log('|---|---|---|---|---|');
  }
  for (const r of results.filter((x) => x.rows)) {
    const target = (what: string) =>
      /digest|efficiency|blocked|unfurl/.test(what)
        ? '≤ 300 ms'
        : /PNG|retro|review/.test(what)
          ? '≤ 500 ms'
          : '≤ 100 ms p95';
    for (const row of r.rows!)
      console.log(`| ${r.kind} | ${row.what} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${target(row.what)} |`);
    console.log(`| ${r.kind} | RSS serving the large Nexus | ${r.rssMb} MB | | ${targets[r.kind]} |`);
    console.log(
      `| ${r.kind} | RSS after drawing charts (with the chart worker) | ${r.rssWithChartsMb} MB | | ${targets[r.kind]} |`,
    );
    console.log(`| ${r.kind} | RSS once the idle chart worker ended | ${r.rssChartsIdleMb} MB | | |`);
  }
  if (results.some((r) => r.slack)) {
    console.log('\n| database | signed slash commands over HTTP, 100/s for 30 s | p50 ms | p99 ms | target |');
    console.log('|---|---|---|---|---|');
  }
  for (const r of results.filter((x) => x.slack)) {
    console.log(
      `| ${r.kind} | time to ack (${r.slack!.sent} sent, ${r.slack!.failed} failed) | ${r.slack!.ack.p50.toFixed(1)} | ${r.slack!.ack.p99.toFixed(1)} | ≤ 100 ms p99 |`,
    );
    console.log(
      `| ${r.kind} | time to the reply (respond) | ${r.slack!.reply.p50.toFixed(1)} | ${r.slack!.reply.p99.toFixed(1)} | ≤ 500 ms p99 |`,
    );
  }
  for (const r of results) console.log(`\n${r.kind}: ${r.build}`);
}

async function main(): Promise<void> {
  const step = process.argv.find((a) =>
    [
      '--build',
      '--measure',
      '--slack',
      '--webhooks',
      '--forecasts',
      '--backtest',
      '--backlog',
      '--many',
      '--workflow',
      '--import',
      '--csv',
    ].includes(a),
  );
  if (step) {
    keepHeapSmall(); // each step's process stands in for the bot's, which keeps its heap so
    const target = JSON.parse(process.argv[process.argv.indexOf(step) + 1]) as Target;
    const run = {
      '--build': build,
      '--measure': measure,
      '--slack': measureSlackLoad,
      '--webhooks': measureWebhookLoad,
      '--forecasts': measureForecasts,
      '--backtest': measureLargeBacktest,
      '--backlog': measureBacklogForecast,
      '--many': measureManyNexuses,
      '--workflow': measureWorkflowChanges,
      '--import': measureImport,
      '--csv': measureCsvImport,
    }[step]!;
    process.stdout.write(JSON.stringify(await run(target)));
    return;
  }
  const kinds: Kind[] = ['embedded', ...((await postgresAnswers()) ? (['postgres'] as const) : [])];
  if (kinds.length === 1)
    console.log(`PostgreSQL at ${new URL(PG_ADMIN).host} does not answer: measuring the embedded database only.`);
  const results: Result[] = [];
  if (wanted('many') && kinds.includes('postgres')) await measureMany();
  if (wanted('import')) await measureImports(kinds);
  if (!['measure', 'slack', 'webhooks', 'replicas', 'backtest', 'backlog', 'workflow'].some(wanted)) kinds.splice(0); // only the parts asked for
  for (const kind of kinds) {
    if (kind === 'embedded' && !['measure', 'slack', 'webhooks', 'backtest', 'backlog', 'workflow'].some(wanted))
      continue; // two replicas need PostgreSQL
    const { target, dispose } = await prepare(kind);
    try {
      console.log(`building the large Nexus in ${kind}…`);
      const result: Result = { kind, build: child<string>('build', target) };
      if (wanted('measure')) {
        console.log(`measuring ${kind}…`);
        Object.assign(result, child<Measured>('measure', target));
      }
      if (wanted('backtest')) {
        console.log(`/forecast accuracy of the large Nexus against ${kind}…`);
        result.backtest = child<LargeBacktest>('backtest', target);
      }
      if (wanted('backlog')) {
        console.log(`/forecast backlog of the large Nexus against ${kind}…`);
        result.backlog = child<BacklogForecastBench>('backlog', target);
      }
      if (wanted('workflow')) {
        console.log(`workflow changes of the large Nexus against ${kind}…`);
        result.workflow = child<WorkflowChanges>('workflow', target);
      }
      const comparing = wanted('replicas') && kind === 'postgres';
      if (wanted('slack') || comparing) {
        console.log(`slash commands over HTTP against ${kind}…`);
        result.slack = child<SlackLoad>('slack', target);
      }
      if (wanted('webhooks') || comparing) {
        console.log(`tracker webhooks over HTTP against ${kind}…`);
        result.webhooks = child<WebhookLoad>('webhooks', target);
      }
      if (comparing) {
        // the same loads in the same order, spread over two bot processes on one PostgreSQL, against a fresh large Nexus
        await dispose(); // the same database name, made anew
        await prepare(kind);
        console.log('building the large Nexus again for two replicas…');
        child<string>('build', target);
        console.log('slash commands and tracker webhooks over two replicas…');
        const two = { ...target, replicas: 2 };
        result.twoReplicas = { slack: child<SlackLoad>('slack', two), webhooks: child<WebhookLoad>('webhooks', two) };
      }
      results.push(result);
    } finally {
      await dispose();
    }
  }
  printTable(results);
  printWebhooks(results);
  printReplicas(results);
  printBacktests(results);
  printBacklogForecasts(results);
  printWorkflow(results);
  if (wanted('forecasts')) {
    console.log('forecasts…');
    printForecasts(child<ForecastTimes>('forecasts', { dataDir: '' }));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
