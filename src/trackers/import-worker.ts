import type { DateTime } from 'luxon';
import { type ImportFailure, type ImportJob, importedChanges, isPassing } from '../domain/tracker-import';
import type { Logger } from '../log';
import {
  renderImportProgress,
  renderImportStarted,
  renderImportSummary,
  renderImportWaiting,
} from '../render/import-news';
import type { Reply } from '../render/reply';
import type { Store } from '../store';
import type { ClaimedImport } from '../store/import-repository';
import { type HistorySource, isUnreadable, type TrackerHistory } from './history/history';
import { HISTORIES } from './history/index';

/** How often every process looks for imports to run: new ones, one whose process died, one whose wait is over. */
const SWEEP_MS = 5_000;
/** How long a claim holds without being renewed: a process killed mid-import gives its import up after this. */
const CLAIM_MS = 60_000;
/** At most one progress message in the thread this often. */
const PROGRESS_MS = 30_000;
/** How often the applying phase looks whether the inbox has applied everything the import stored. */
const APPLY_POLL_MS = 500;
/** Tries in a row with no answer from the tracker before the import fails; waits 1, 2, 4, 8 minutes between. */
const MAX_ATTEMPTS = 5;

/**
 * Posts a reply for the Nexus: in its channel (`thread` null), answering with the message's ts; or in that thread,
 * also shown in the channel when `broadcast`. Slack posts; the console prints.
 */
export type ImportPoster = (
  nexusId: string,
  reply: Reply,
  thread: { ts: string; broadcast?: boolean } | null,
) => Promise<string | null>;

export type ImportWorker = {
  /** An import was started: look for it now rather than at the next sweep. */
  kick(): void;
  /** Resolves when no import is running in this process (tests wait on it). */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Runs trackers' history imports in the background: each process sweeps for imports no one holds and claims them;
 * an import reads its tracker a page at a time, storing each page's changes in the inbox with the cursor that
 * follows (the inbox applies them as it does webhooks'), then waits for the inbox to apply them all and posts the
 * summary. A claim is renewed while the import runs; one that lapses (the process died) is taken over by the next
 * sweep anywhere, which resumes after the last page stored.
 */
export function startImportWorker(deps: {
  store: Store;
  now: () => DateTime;
  log: Logger;
  replica: string;
  post: ImportPoster;
  /** the import stored changes for this Nexus: the inbox should apply them */
  stored(nexusId: string): void;
  history?: (job: ImportJob, source: HistorySource) => TrackerHistory;
  sweepMs?: number;
  claimMs?: number;
  progressMs?: number;
}): ImportWorker {
  const claimMs = deps.claimMs ?? CLAIM_MS;
  const history = deps.history ?? ((job, source) => HISTORIES[job.kind]!(source));
  const running = new Map<bigint, Promise<void>>();
  let sweeping: Promise<void> = Promise.resolve();
  let stopped = false;
  const until = () => deps.now().plus({ milliseconds: claimMs });

  async function say(claim: ClaimedImport, reply: Reply, log: Logger, broadcast = false): Promise<void> {
    const { threadTs } = claim.job;
    try {
      await deps.post(claim.job.nexusId, reply, threadTs ? { ts: threadTs, broadcast } : null);
    } catch (error) {
      log.warn({ err: error }, 'an import message could not be posted; the import goes on');
    }
  }

  async function run(claim: ClaimedImport): Promise<void> {
    const { job } = claim;
    const log = deps.log.child({ import: job.id.toString(), nexus: job.nexusId, tracker: job.kind });
    const renew = setInterval(() => void deps.store.imports.keepClaim(claim, until()).catch(() => {}), claimMs / 3);
    renew.unref();
    try {
      if (!job.threadTs) await startThread(claim, log);
      const source = { baseUrl: job.baseUrl, token: claim.token, query: job.query, since: job.since };
      if (job.state === 'reading' && !(await read(claim, history(job, source), log))) return;
      if (!(await applied(claim))) return;
      const done = { ...(await deps.store.imports.get(job.id))!, state: 'done' as const };
      if (!(await deps.store.imports.finish(claim, 'done', null, deps.now()))) return;
      await summarise(claim, done, log);
      await analyzeGrown(log);
    } catch (error) {
      await failed(claim, error, log);
    } finally {
      clearInterval(renew);
      // stopping: another process (or this one, started again) takes the import up at once, not after the claim lapses
      if (stopped) await deps.store.imports.release(claim, null, null, claim.job.attempts).catch(() => false);
    }
  }

  async function startThread(claim: ClaimedImport, log: Logger): Promise<void> {
    try {
      const ts = await deps.post(claim.job.nexusId, renderImportStarted(claim.job), null);
      if (ts) {
        await deps.store.imports.threadStarted(claim.job.id, ts);
        claim.job.threadTs = ts;
      }
    } catch (error) {
      log.warn({ err: error }, 'the import could not start its thread; it goes on without one');
    }
  }

  /** Reads pages until the last; false when the import was lost (cancelled, taken over) or this process stops. */
  async function read(claim: ClaimedImport, tracker: TrackerHistory, log: Logger): Promise<boolean> {
    let told = Date.now();
    for (let job = claim.job; job.state === 'reading'; ) {
      if (stopped) return false;
      const page = await tracker.page(job.cursor);
      const at = deps.now();
      const deliveries = page.items
        .flatMap((item) => importedChanges(item, at))
        .map(({ deliveryId, change }) => ({
          nexusId: job.nexusId,
          kind: job.kind,
          deliveryId,
          at,
          change,
        }));
      const stored = await deps.store.imports.storePage(
        claim,
        { deliveries, items: page.items.length, skipped: page.skipped, next: page.next },
        at,
        until(),
      );
      if (!stored) return false;
      if (stored.pending) deps.stored(job.nexusId);
      job = (await deps.store.imports.get(job.id))!;
      log.info({ pages: job.pagesRead, items: job.itemsRead, changes: job.changesRead }, 'an import page was stored');
      if (job.state === 'reading' && Date.now() - told >= (deps.progressMs ?? PROGRESS_MS)) {
        told = Date.now();
        await say(claim, renderImportProgress(job), log);
      }
    }
    return true;
  }

  /** Waits until the inbox applied every change the import stored; false when the import was lost meanwhile. */
  async function applied(claim: ClaimedImport): Promise<boolean> {
    for (;;) {
      if (stopped) return false;
      if (!(await deps.store.imports.applying(claim.job.id))) return true;
      deps.stored(claim.job.nexusId);
      await new Promise((resolve) => setTimeout(resolve, APPLY_POLL_MS));
      if (!(await deps.store.imports.keepClaim(claim, until()))) return false;
    }
  }

  async function summarise(claim: ClaimedImport, job: ImportJob, log: Logger): Promise<void> {
    const outcome = await deps.store.imports.outcome(job.id);
    log.info({ items: job.itemsRead, changes: job.changesRead, state: job.state, ...outcome }, 'an import ended');
    await say(claim, renderImportSummary(job, outcome, deps.now()), log, true);
  }

  /** After the summary (it need not wait): the statistics of the tables the import grew, for the reports that follow. */
  async function analyzeGrown(log: Logger): Promise<void> {
    try {
      const tables = await deps.store.imports.analyzeGrown();
      log.info({ tables }, 'the tables an import grew were analyzed');
    } catch (error) {
      log.warn({ err: error }, 'the tables an import grew could not be analyzed; the periodic check will');
    }
  }

  /**
   * A tracker that asks to slow down or does not answer: the import waits and goes on (failing after MAX_ATTEMPTS
   * tries with no answer); one that refuses the token or the query: the import fails, saying why. Anything else (the
   * database away) is retried after a wait. The error itself is never logged whole: the client's carries the token.
   */
  async function failed(claim: ClaimedImport, error: unknown, log: Logger): Promise<void> {
    const now = deps.now();
    if (!isUnreadable(error)) {
      log.error({ err: error }, 'an import failed; it goes on after a wait');
      await deps.store.imports.release(claim, now.plus({ minutes: 1 }), null, claim.job.attempts);
      return;
    }
    const { failure, retryAfterMs } = error.data;
    const attempts = claim.job.attempts + (failure.problem === 'rate-limited' ? 0 : 1);
    log.warn({ problem: failure.problem, attempts }, 'an import could not read its tracker');
    if (isPassing(failure) && attempts < MAX_ATTEMPTS) {
      const retryAt = now.plus({ milliseconds: retryAfterMs ?? 60_000 * 2 ** (attempts - 1) });
      if (await deps.store.imports.release(claim, retryAt, failure, attempts))
        await say(claim, renderImportWaiting(claim.job, failure, retryAt), log);
      return;
    }
    await end(claim, failure, log);
  }

  async function end(claim: ClaimedImport, failure: ImportFailure, log: Logger): Promise<void> {
    if (!(await deps.store.imports.finish(claim, 'failed', failure, deps.now()))) return;
    await summarise(claim, { ...(await deps.store.imports.get(claim.job.id))! }, log);
  }

  async function sweep(): Promise<void> {
    if (stopped) return;
    try {
      for (const claim of await deps.store.imports.claimDue(deps.now(), deps.replica, until())) {
        const id = claim.job.id;
        running.set(
          id,
          run(claim)
            .catch((error: unknown) => deps.log.error({ err: error, import: id.toString() }, 'an import run failed'))
            .finally(() => running.delete(id)),
        );
      }
    } catch (error) {
      deps.log.warn({ err: error }, 'the import sweep failed; trying again at the next one');
    }
  }

  const timer = setInterval(() => {
    sweeping = sweeping.then(sweep);
  }, deps.sweepMs ?? SWEEP_MS);
  timer.unref();
  sweeping = sweep();

  return {
    kick() {
      sweeping = sweeping.then(sweep);
    },
    async idle() {
      await sweeping;
      while (running.size) await Promise.all(running.values());
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await sweeping;
      while (running.size) await Promise.all(running.values());
    },
  };
}
