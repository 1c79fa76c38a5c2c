import type { TrackerKind } from '../../domain/tracker';
import type { HistorySource, TrackerHistory } from './history';
import { jiraHistory } from './jira';

/** The trackers whose history an import can read, each through its own client library. */
export const HISTORIES: Partial<Record<TrackerKind, (source: HistorySource) => TrackerHistory>> = { jira: jiraHistory };

/** The trackers `/nexus import` reads. */
export const IMPORTABLE = Object.keys(HISTORIES) as TrackerKind[];

/** Where a tracker's API is when the NIT names no address: its cloud. Absent: every site has its own (Jira Cloud). */
export const DEFAULT_URLS: Partial<Record<TrackerKind, string>> = {};
