import path from 'node:path';
import { DateTime } from 'luxon';
import { ConfigError, loadConfig } from './config';
import { runConsole } from './console/run-console';
import { loadDemo } from './demo/load-demo';
import { createLogger } from './log';
import { openDatabase } from './store/database';
import { openStore } from './store';

const DEMO_CHANNEL = 'demo';

async function main(argv: string[]): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger(config.LOG_LEVEL);
  if (config.mode === 'slack') {
    throw new ConfigError('Slack mode is not part of this release yet; unset SLACK_BOT_TOKEN to run the local console.');
  }
  const demo = argv.includes('--demo');
  const channelId = flag(argv, '--channel') ?? (demo ? DEMO_CHANNEL : 'local');
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: path.join(config.DATA_DIR, 'pglite') });
  log.info({ database: db.kind, location: db.location }, 'database ready');
  try {
    const now = () => DateTime.utc();
    if (demo) {
      const summary = await loadDemo(db, channelId, now());
      process.stdout.write(`Loaded the demo Nexus in #${channelId}: ${summary}. Try /flow board, /flow aging, /pbi show PBI-1.\n\n`);
    }
    await runConsole({ store: openStore(db, 'console'), now, channelId }, { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true });
  } finally {
    await db.close();
  }
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`Nexus Flow cannot start: ${error.message}\n`);
  else process.stderr.write(`Nexus Flow stopped: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
