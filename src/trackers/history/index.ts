import type { TrackerKind } from '../../domain/tracker';
import { azureHistory } from './azure';
import { githubHistory } from './github';
import { gitlabHistory } from './gitlab';
import type { HistorySource, TrackerHistory } from './history';
import { jiraHistory } from './jira';
import { linearHistory } from './linear';

/** The trackers whose history an import can read, each through its own client library. */
export const HISTORIES: Partial<Record<TrackerKind, (source: HistorySource) => TrackerHistory>> = {
  jira: jiraHistory,
  azure: azureHistory,
  gitlab: gitlabHistory,
  linear: linearHistory,
  github: githubHistory,
};

/** The trackers `/nexus import` reads. */
export const IMPORTABLE = Object.keys(HISTORIES) as TrackerKind[];

/**
 * Where a tracker's API is when the NIT names no address: its cloud. Absent: every site or organisation has its own
 * (Jira Cloud, Azure DevOps).
 */
export const DEFAULT_URLS: Partial<Record<TrackerKind, string>> = {
  gitlab: 'https://gitlab.com',
  linear: 'https://api.linear.app',
  github: 'https://api.github.com',
};
