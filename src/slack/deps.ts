import type { DateTime } from 'luxon';
import type { CommandContext } from '../commands/command';
import type { LongJobs } from '../commands/long-jobs';
import type { SharedFiles } from '../commands/shared-files';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { Store } from '../store';

/** What every listener needs; built once at start. */
export type SlackDeps = {
  store: Store;
  now: () => DateTime;
  log: Logger;
  metrics: Metrics;
  publicUrl?: string;
  jobs?: LongJobs;
  kickImports?: () => void;
};

/** A Nexus is reached only from its own channel in its own workspace: both ids come from Slack's signed payload. */
export function commandContext(
  deps: SlackDeps,
  ids: { teamId: string; channelId: string; userId: string },
  files?: SharedFiles,
): CommandContext {
  return {
    store: deps.store,
    now: deps.now,
    workspaceId: ids.teamId,
    channelId: ids.channelId,
    userId: ids.userId,
    publicUrl: deps.publicUrl,
    jobs: deps.jobs,
    kickImports: deps.kickImports,
    files,
  };
}
