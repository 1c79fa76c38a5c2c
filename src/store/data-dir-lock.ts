import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * One process at a time on an embedded database. PGlite keeps the whole database in the memory of the process that
 * opened it and writes it back on its own schedule, so a second process on the same folder starts normally, answers
 * "added" and then loses those writes (or the first process's) for good. A lock file beside the database says who holds
 * it; a lock whose process is gone (killed with SIGKILL, crashed) is taken over, so a crash never blocks the next start.
 */
export type DataDirHolder = { pid: number; holder: string; command: string; startedAt: string; processStart?: string };

/** A second process asked for an embedded database another process holds: one line saying who and what to do. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holding: DataDirHolder,
  ) {
    super(
      `the embedded database ${lockPath.replace(/\.lock$/, '')} is in use by ${describe(holding)}. ` +
        'Only one process may open it: stop that one first (or type your commands in its console), ' +
        'or give this one its own DATA_DIR; to share one database between processes, set DATABASE_URL to a PostgreSQL server',
    );
    this.name = 'DatabaseInUseError';
  }
}

const heldHere = new Set<string>();
let releasesAtExit = false;

/** Takes the lock for `dataDir` or throws DatabaseInUseError; the returned function gives it back. */
export function lockDataDir(dataDir: string, holder: string, now: Date = new Date()): () => void {
  const lockPath = `${dataDir}.lock`;
  const mine: DataDirHolder = {
    pid: process.pid,
    holder,
    command: commandLine(),
    startedAt: now.toISOString(),
    processStart: processStart(process.pid),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(lockPath, mine)) {
      heldHere.add(lockPath);
      releaseAtExit();
      return () => release(lockPath);
    }
    const found = readLock(lockPath);
    if (found === 'gone') continue; // released between our try and our read
    if (found !== 'unreadable' && isAlive(found, lockPath)) throw new DatabaseInUseError(lockPath, found);
    takeOverStale(lockPath, found);
  }
  throw new Error(`could not take the lock ${lockPath}: it keeps changing hands`);
}

/** Creates the lock with its whole content at once (write aside, then link: link fails if the lock exists). */
function tryCreate(lockPath: string, mine: DataDirHolder): boolean {
  const aside = `${lockPath}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(mine)}\n`, { mode: 0o644 });
  try {
    linkSync(aside, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(aside);
  }
}

function readLock(lockPath: string): DataDirHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as DataDirHolder;
    return Number.isInteger(parsed.pid) && parsed.pid > 0 ? parsed : 'unreadable';
  } catch {
    return 'unreadable'; // written whole by tryCreate, so a broken one is left from a broken disk, not half-written
  }
}

/** Alive: the process still runs and is the one that wrote the lock (not a later process given the same pid). */
function isAlive(holding: DataDirHolder, lockPath: string): boolean {
  if (holding.pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(holding.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  const start = processStart(holding.pid);
  return !(holding.processStart && start && start !== holding.processStart);
}

/**
 * Moves a stale lock aside under a name of our own, so that of two processes taking over the same stale lock only
 * one removes it; one that moved a fresh lock instead (taken meanwhile by a third) puts it back.
 */
function takeOverStale(lockPath: string, judged: DataDirHolder | 'unreadable'): void {
  const aside = `${lockPath}.stale.${process.pid}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readLock(aside);
  const same =
    judged === 'unreadable'
      ? moved === 'unreadable'
      : typeof moved === 'object' && moved.pid === judged.pid && moved.startedAt === judged.startedAt;
  if (!same) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // someone took the lock meanwhile: theirs stands, and ours to put back was stale anyway
    }
  }
  unlinkSync(aside);
}

function release(lockPath: string): void {
  if (!heldHere.delete(lockPath)) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // already gone: nothing to give back
  }
}

/** A process that exits without closing the database (an uncaught error, process.exit) still gives the lock back. */
function releaseAtExit(): void {
  if (releasesAtExit) return;
  releasesAtExit = true;
  process.once('exit', () => {
    for (const lockPath of [...heldHere]) release(lockPath);
  });
}

/** When the process started, in clock ticks since boot (Linux); tells a reused pid from the lock's writer. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function commandLine(): string {
  const line = process.argv.slice(1).join(' ');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function describe(holding: DataDirHolder): string {
  return `process ${holding.pid} (${holding.holder}, started ${holding.startedAt.slice(0, 19).replace('T', ' ')} UTC: ${holding.command})`;
}
