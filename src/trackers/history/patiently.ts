import type { ImportFailure } from '../../domain/tracker-import';
import { unreadable } from './history';

/** Tries of one request while the tracker asks to slow down (429) or fails (5xx); then the page waits for later. */
const MAX_TRIES = 5;
/** Back-off when the tracker gave no Retry-After: 1, 2, 4, 8 s. */
const FIRST_BACKOFF_MS = 1_000;
/** A longer wait than this is not spent holding the page: the job gives its turn up and resumes when it has passed. */
const LONGEST_WAIT_MS = 30_000;

/** What a failed request means: the failure, and the wait the tracker asked for (Retry-After), if it said. */
export type ReadFailure = { failure: ImportFailure; retryAfterMs: number | null };

/**
 * Runs a request to the tracker, obeying its rate limits: a 429 or a 5xx is tried again after the tracker's
 * Retry-After, or with back-off, up to MAX_TRIES; anything else throws `unreadable` at once.
 */
export async function patiently<T>(request: () => Promise<T>, read: (error: unknown) => ReadFailure): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await request();
    } catch (error) {
      const { failure, retryAfterMs } = read(error);
      const passing =
        failure.problem === 'rate-limited' || (failure.problem === 'tracker-failed' && failure.status >= 500);
      const wait = retryAfterMs ?? FIRST_BACKOFF_MS * 2 ** (tries - 1);
      if (!passing || tries >= MAX_TRIES || wait > LONGEST_WAIT_MS) throw unreadable(failure, wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Runs `work` over `items`, at most `limit` at a time, keeping their order. */
export async function inTurns<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
