import type { DateTime } from 'luxon';
import type { TrackerChange, TrackerKind, TrackerStatus } from './tracker';

/** How far back an import reads when not told: half a year, enough history for flow metrics, the SLE and forecasts. */
export const DEFAULT_IMPORT_DAYS = 180;

/** The day an import reads from when not told: DEFAULT_IMPORT_DAYS before today (UTC). */
export function defaultImportSince(now: DateTime): DateTime {
  return now.toUTC().startOf('day').minus({ days: DEFAULT_IMPORT_DAYS });
}
/** Items an import asks its tracker for a page at a time; the page is what a crash can lose and read again. */
export const IMPORT_PAGE_ITEMS = 100;

/** reading its tracker; applying what it read (the inbox is still at it); then done, failed or cancelled. */
export type ImportState = 'reading' | 'applying' | 'done' | 'failed' | 'cancelled';

export function isUnderWay(state: ImportState): boolean {
  return state === 'reading' || state === 'applying';
}

/**
 * Why an import stopped, or why its reading waits: the tracker refused the token (401) or lacks a permission (403),
 * rejected the query (400, or 404 for a project it has not), is not a tracker at that address or does not answer, asked to slow down (429), or failed.
 */
export type ImportFailure =
  | { problem: 'unauthorized' }
  | { problem: 'forbidden'; permission: string }
  | { problem: 'bad-query'; message: string; status?: number }
  | { problem: 'unreachable'; url: string; reason: string }
  | { problem: 'rate-limited' }
  | { problem: 'tracker-failed'; status: number };

/** Failures that another try later may not have: the tracker down, failing (5xx) or asking to slow down. */
export function isPassing(failure: ImportFailure): boolean {
  if (failure.problem === 'tracker-failed') return failure.status >= 500;
  return failure.problem === 'unreachable' || failure.problem === 'rate-limited';
}

/** One import of a tracker's history into a Nexus, as far as it got. */
export type ImportJob = {
  id: bigint;
  nexusId: string;
  kind: TrackerKind;
  query: string;
  since: DateTime;
  baseUrl: string;
  state: ImportState;
  /** the tracker's token for the next page; null before the first and after the last */
  cursor: string | null;
  pagesRead: number;
  itemsExpected: number | null;
  itemsRead: number;
  changesRead: number;
  /** changes read that an earlier import had already brought */
  changesKnown: number;
  skipped: Record<string, number>;
  failure: ImportFailure | null;
  attempts: number;
  retryAt: DateTime | null;
  threadTs: string | null;
  startedBy: string;
  startedAt: DateTime;
  finishedAt: DateTime | null;
};

/** Pages still to read, from the tracker's estimate of the items; null when it gave none. */
export function pagesLeft(job: Pick<ImportJob, 'itemsExpected' | 'itemsRead' | 'state'>): number | null {
  if (job.state !== 'reading') return 0;
  if (job.itemsExpected === null) return null;
  return Math.ceil(Math.max(0, job.itemsExpected - job.itemsRead) / IMPORT_PAGE_ITEMS);
}

/** One status change as its tracker keeps it in the item's history, with the tracker's id of the change. */
export type StatusChange = { id: string; at: DateTime; from: TrackerStatus | null; to: TrackerStatus };

/** One item of a tracker's history as an import reads it: as it is now, and every status change it went through. */
export type ItemHistory = {
  /** the tracker's own id of the item, which a rename or a new key does not change */
  id: string;
  item: TrackerChange['item'];
  teamHints: string[];
  /** its links to other items now, where the tracker's history gives them */
  links?: TrackerChange['links'];
  /** its place in the tracker's own order now, where the tracker gives one */
  order?: TrackerChange['order'];
  /** its status now: where an item that never changed status has been since it was created */
  status: TrackerStatus;
  /** its status changes, oldest first */
  changes: StatusChange[];
};

/** A change of an imported history with the delivery id that makes a second import of it change nothing. */
export type ImportedChange = { deliveryId: string; change: TrackerChange };

/**
 * An item's history as the changes an import hands the inbox, oldest first: its creation in the status it started in
 * (the first change's `from`, or its status now when it never changed), then each status change. Ids are the
 * tracker's, so reading the same history again yields the same delivery ids. Then, where the tracker gives them, its
 * links and place in the tracker's order as they are when read (`readAt`): a change of its own, under an id of that
 * reading, so every import says them again and the Nexus ends with the tracker's (a link removed there too), where an
 * id of what they say would miss links that changed and changed back between two imports.
 */
export function importedChanges(history: ItemHistory, readAt: DateTime): ImportedChange[] {
  const { id, item, teamHints, changes } = history;
  const ordered = [...changes].sort((a, b) => a.at.toMillis() - b.at.toMillis());
  const first = ordered.length ? ordered[0].from : history.status;
  const change = (at: DateTime, from: TrackerStatus | null, to: TrackerStatus | null): TrackerChange => ({
    item,
    from,
    to,
    at,
    teamHints,
  });
  const created = first ? [{ deliveryId: `import:${id}:created`, change: change(item.createdAt, null, first) }] : [];
  const now = nowOf(history);
  const nowId = `import:${id}:now:${readAt.toMillis()}`;
  return [
    ...created,
    ...ordered.map((c) => ({ deliveryId: `import:${id}:${c.id}`, change: change(c.at, c.from, c.to) })),
    ...(now ? [{ deliveryId: nowId, change: { ...change(readAt, null, null), ...now } }] : []),
  ];
}

/** The item's links and order as read (null: the tracker gave neither). */
function nowOf(history: ItemHistory): Pick<TrackerChange, 'links' | 'order'> | null {
  if (!history.links && history.order === undefined) return null;
  return {
    ...(history.links ? { links: history.links } : {}),
    ...(history.order !== undefined ? { order: history.order } : {}),
  };
}

/** Why `/nexus import` did nothing: the tracker not connected, an import under way, the tracker unreadable, none to stop. */
export type ImportProblem =
  | { problem: 'tracker-not-connected'; kind: TrackerKind }
  | { problem: 'import-running'; job: ImportJob }
  | { problem: 'tracker-unreadable'; kind: TrackerKind; failure: ImportFailure }
  | { problem: 'no-import' };

/** What became of an import's changes in the inbox, for its summary. */
export type ImportOutcome = {
  applied: number;
  /** already in the history: the same transition a webhook (or an earlier import) brought */
  repeated: number;
  held: { status: string; waiting: number }[];
  failing: number;
  pending: number;
};
