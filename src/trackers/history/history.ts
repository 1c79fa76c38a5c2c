import type { DateTime } from 'luxon';
import { ExpectedFailure } from '../../domain/expected-failure';
import type { ImportFailure, ItemHistory } from '../../domain/tracker-import';

/** How long one request to a tracker may take before the tracker counts as not answering. */
export const READ_TIMEOUT_MS = 20_000;

/** One page of a tracker's items with their status histories; `next` reads the page after (null: it was the last). */
export type HistoryPage = { items: ItemHistory[]; skipped: Record<string, number>; next: string | null };

/** What an import reads from: the tracker's address, the token the NIT gave, the query and how far back. */
export type HistorySource = { baseUrl: string; token: string; query: string; since: DateTime };

/** One tracker's history, read through its own client library. Both throw `unreadable` failures. */
export type TrackerHistory = {
  /** Whether the token, query and address work, before anything is stored; the items the query finds, if told. */
  check(): Promise<{ expected: number | null }>;
  /** The page after `cursor` (null: the first). */
  page(cursor: string | null): Promise<HistoryPage>;
};

const UNREADABLE = 'tracker-unreadable';
/** Why the tracker could not be read; `retryAfterMs` when it said when to try again (a rate limit). */
export type Unreadable = { failure: ImportFailure; retryAfterMs: number | null };

/** The tracker could not be read: thrown out of the client library's calls, caught by the command or the worker. */
export function unreadable(failure: ImportFailure, retryAfterMs: number | null = null): ExpectedFailure<Unreadable> {
  return new ExpectedFailure(UNREADABLE, { failure, retryAfterMs });
}

export function isUnreadable(error: unknown): error is ExpectedFailure<Unreadable> {
  return error instanceof ExpectedFailure && error.code === UNREADABLE;
}

/** Adds one to `reason` in a page's tally of what was skipped. */
export function skip(skipped: Record<string, number>, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}
