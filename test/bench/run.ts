// npm run bench: builds a large Nexus (50 teams, ~10,000 PBIs, ~200,000 events) in the embedded database and in
// PostgreSQL, each in its own process so RSS is that database's alone, and prints a table of timings.
// PostgreSQL comes from BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres on 127.0.0.1:5432).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { runLine } from '../../src/commands';
import { openDatabase, type Database } from '../../src/store/database';
import { openStore } from '../../src/store';
import { createLargeNexus } from './large-nexus';

type Row = { what: string; p50: number; p95: number; n: number };
type Result = { kind: string; build: string; rows: Row[]; rssMb: number };

const RUNS = 40;
const WARMUP = 5;
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';

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

async function measure(kind: 'embedded' | 'postgres'): Promise<Result> {
  const { db, dispose } = await open(kind);
  try {
    const store = openStore(db, 'bench');
    const now = DateTime.utc();
    const t = performance.now();
    const built = await createLargeNexus(store, now);
    const build = `${built.pbis} PBIs, ${built.events} events, 50 teams, loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`;
    const ctx = { store, now: () => DateTime.utc(), workspaceId: 'T-bench', channelId: 'C-bench', userId: 'U-bench' };
    const movable = (await store.pbis.listInStages(built.nexus.id, ['ready'], 1))[0].key;
    const rows = [
      await time('load the Nexus', () => store.nexuses.findByChannel('T-bench', 'C-bench')),
      await time('/flow board', () => runLine('/flow board', ctx)),
      await time('/flow aging', () => runLine('/flow aging', ctx)),
      await time('/pbi move', (i) => runLine(`/pbi move ${movable} ${i % 2 ? 'ready' : 'refining'}`, ctx)),
      await time('/pbi show', () => runLine(`/pbi show ${movable}`, ctx)),
    ];
    return { kind, build, rows, rssMb: Math.round(process.memoryUsage().rss / 1_048_576) };
  } finally {
    await dispose();
  }
}

async function open(kind: 'embedded' | 'postgres'): Promise<{ db: Database; dispose(): Promise<void> }> {
  if (kind === 'embedded') {
    const dir = mkdtempSync(path.join(tmpdir(), 'nexus-flow-bench-'));
    const db = await openDatabase({ dataDir: dir });
    return { db, dispose: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `nexus_flow_bench_${process.pid}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: '' });
  return { db, dispose: async () => { await db.close(); await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)); } };
}

async function admin(fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try { await fn(client); } finally { await client.end(); }
}

async function postgresAnswers(): Promise<boolean> {
  try { await admin((c) => c.query('SELECT 1')); return true; } catch { return false; }
}

function printTable(results: Result[]): void {
  const targets: Record<string, string> = { embedded: '≤ 600 MB', postgres: '≤ 300 MB' };
  console.log('\n| database | measure | p50 ms | p95 ms | target |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    for (const row of r.rows) console.log(`| ${r.kind} | ${row.what} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ≤ 100 ms p95 |`);
    console.log(`| ${r.kind} | RSS after the run | ${r.rssMb} MB | | ${targets[r.kind]} |`);
  }
  for (const r of results) console.log(`\n${r.kind}: ${r.build}`);
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--child');
  if (child >= 0) {
    process.stdout.write(JSON.stringify(await measure(process.argv[child + 1] as 'embedded' | 'postgres')));
    return;
  }
  const kinds = ['embedded', ...((await postgresAnswers()) ? ['postgres'] : [])];
  if (kinds.length === 1) console.log(`PostgreSQL at ${new URL(PG_ADMIN).host} does not answer: measuring the embedded database only.`);
  const results: Result[] = [];
  for (const kind of kinds) {
    console.log(`measuring ${kind}…`);
    const run = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', kind], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`${kind} benchmark failed`);
    results.push(JSON.parse(run.stdout) as Result);
  }
  printTable(results);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
