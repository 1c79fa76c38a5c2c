import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { runLine } from '../../src/commands';
import type { ChannelPosts } from '../../src/commands/channel-posts';
import type { LongJobs } from '../../src/commands/long-jobs';
import type { SharedFiles } from '../../src/commands/shared-files';
import { localFiles } from '../../src/console/local-files';
import { blocksToText } from '../../src/console/plain-text';
import type { Reply } from '../../src/render/reply';
import { openStore } from '../../src/store';
import type { Database } from '../../src/store/database';
import { sealedBox } from '../../src/store/sealed-box';

/** One key for every store of the test process, as every replica of a deployment shares SECRETS_KEY. */
const SECRETS = sealedBox(randomBytes(32));

/**
 * Types commands as a user would, in one channel, against a real database, with a clock the test moves.
 * `as(user)` switches who is typing.
 */
export function commandHarness(
  db: Database,
  opts: {
    channelId?: string;
    workspaceId?: string;
    start?: string;
    jobs?: LongJobs;
    files?: SharedFiles;
    channels?: ChannelPosts;
  } = {},
) {
  let now = DateTime.fromISO(opts.start ?? '2026-03-02T09:00:00', { zone: 'Europe/Berlin' });
  let userId = 'U_NIT';
  const store = openStore(db, 'test', SECRETS);
  const ctx = () => ({
    store,
    now: () => now,
    workspaceId: opts.workspaceId ?? 'T1',
    channelId: opts.channelId ?? 'C1',
    userId,
    jobs: opts.jobs,
    // as the console reads them: a path, relative to where the tests run
    files: opts.files ?? localFiles(process.cwd()),
    channels: opts.channels,
  });
  return {
    store,
    async run(line: string): Promise<Reply & { plain: string }> {
      const reply = await runLine(line, ctx());
      return { ...reply, plain: blocksToText(reply.blocks) };
    },
    as(user: string) {
      userId = user;
    },
    /** moves the clock forward; an ISO date jumps to that day at the same hour */
    advance(by: { days?: number; hours?: number; minutes?: number }) {
      now = now.plus(by);
    },
    get now() {
      return now;
    },
    async nexus() {
      const found = await store.nexuses.findByChannel(opts.workspaceId ?? 'T1', opts.channelId ?? 'C1');
      if (!found) throw new Error('no Nexus in the test channel');
      return found;
    },
  };
}

export type Harness = ReturnType<typeof commandHarness>;
