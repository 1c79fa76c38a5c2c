import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The bot as `npm run build` compiles it, and as the Docker image and the fault tests run it. */
export const MAIN_JS = path.join(ROOT, 'dist/main.js');

/** What the build reads: a change to any of these after dist/main.js was written makes the build stale. */
function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }, 0);
}

function isStale(): boolean {
  if (!existsSync(MAIN_JS)) return true;
  const configs = ['tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(path.join(ROOT, f)).mtimeMs);
  return Math.max(newestSource(path.join(ROOT, 'src')), ...configs) > statSync(MAIN_JS).mtimeMs;
}

/**
 * Runs `npm run build` when dist/ is missing or older than src/ (a fresh clone, an edit since the last build), so the
 * console tests start the compiled bot: `tsx src/main.ts` compiled it again in each of their processes. Called by the
 * one file that needs it, so other runs never wait on a build; CI builds before the tests, so there it costs nothing.
 * A build with type errors still emits: `npm test` reports them (tsc --noEmit), and the tests run on what was emitted.
 */
export async function buildWhenStale(): Promise<void> {
  if (!isStale()) return;
  const tsc = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  await once(tsc, 'close');
  if (!existsSync(MAIN_JS)) throw new Error('npm run build wrote no dist/main.js: the console tests need it');
}
