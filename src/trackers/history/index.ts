import type { TrackerKind } from '../../domain/tracker';
import type { HistorySource, TrackerHistory } from './history';
import { jiraHistory } from './jira';

/** The trackers whose history an import can read, each through its own client library. */
export const HISTORIES: Partial<Record<TrackerKind, (source: HistorySource) => TrackerHistory>> = { jira: jiraHistory };

/** The trackers `/nexus import` reads. */
export const IMPORTABLE = Object.keys(HISTORIES) as TrackerKind[];
