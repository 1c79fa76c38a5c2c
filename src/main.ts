import path from 'node:path';
import { DateTime } from 'luxon';
import { jobsOf } from './commands/long-jobs';
import { type Config, ConfigError, loadConfig, webhookLimits } from './config';
import { startLocalServer } from './console/local-server';
import { runConsole } from './console/run-console';
import { loadDemo } from './demo/load-demo';
import { keepHeapSmall } from './heap';
import { createLogger, type Logger } from './log';
import { startSlack } from './slack/start';
import { openStore } from './store';
import { DatabaseInUseError } from './store/data-dir-lock';
import { type Database, openDatabase } from './store/database';
import { secretsBox } from './store/secrets-key';

const DEMO_CHANNEL = 'demo';
/** Where local mode (the console) writes its log, inside DATA_DIR. */
const LOCAL_LOG = 'nexus-flow.log';

async function main(argv: string[]): Promise<void> {
  keepHeapSmall();
  const config = loadConfig(process.env);
  // local mode talks to a person on stdout and the terminal: its log goes to a file beside the data
  const log = createLogger(
    config.LOG_LEVEL,
    config.mode === 'slack' ? undefined : path.join(config.DATA_DIR, LOCAL_LOG),
  );
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: path.join(config.DATA_DIR, 'pglite'),
    holder: holderName(config, argv),
  });
  log.info({ database: db.kind, location: db.location }, 'database ready');
  if (config.mode === 'slack') return serveSlack(() => startSlack(config, db, log), db, log);
  try {
    await runLocal(argv, db, config, log);
  } finally {
    await db.close();
  }
}

/** Local mode: the console on standard input, optionally after loading the demo Nexus; tracker webhooks on PORT. */
async function runLocal(argv: string[], db: Database, config: Config, log: Logger): Promise<void> {
  const demo = argv.includes('--demo');
  const channelId = consoleChannel(argv);
  const now = () => DateTime.utc();
  if (demo) {
    const summary = await loadDemo(db, channelId, now());
    process.stdout.write(
      `Loaded the demo Nexus in #${channelId}: ${summary}. Try /flow board, /flow aging, /pbi show PBI-1.\n\n`,
    );
  }
  const store = openStore(db, 'console', secretsBox(config));
  const server = await startLocalServer({
    db,
    store,
    now,
    log,
    output: process.stdout,
    port: config.PORT,
    limits: webhookLimits(config),
    inboxKeepDays: config.INBOX_KEEP_DAYS,
  });
  try {
    const ctx = {
      store,
      now,
      channelId,
      chartsDir: config.CHARTS_DIR,
      exportsDir: config.EXPORTS_DIR,
      filesDir: process.cwd(),
      // the port it listens on (PORT=0 takes a free one), so `/nexus share`'s link opens the board on this machine
      publicUrl: config.PUBLIC_URL ?? `http://localhost:${server.port ?? config.PORT}`,
      jobs: jobsOf(config),
      kickImports: server.kickImports,
    };
    await runConsole(ctx, { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true });
  } finally {
    await server.stop();
  }
}

/** Slack mode runs until SIGTERM or SIGINT, then stops taking requests, finishes in-flight work and closes the database. */
async function serveSlack(start: () => Promise<() => Promise<void>>, db: Database, log: Logger): Promise<void> {
  let stop: () => Promise<void>;
  try {
    stop = await start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await stop();
    await db.close();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** What this process is, for the line refusing a second process on the same embedded database. */
function holderName(config: Config, argv: string[]): string {
  if (config.mode === 'slack') return 'the Slack bot';
  return `the console on #${consoleChannel(argv)}${argv.includes('--demo') ? ', npm run demo' : ''}`;
}

function consoleChannel(argv: string[]): string {
  return flag(argv, '--channel') ?? (argv.includes('--demo') ? DEMO_CHANNEL : 'local');
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseInUseError)
    process.stderr.write(`Nexus Flow cannot start: ${error.message}\n`);
  else process.stderr.write(`Nexus Flow stopped: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
