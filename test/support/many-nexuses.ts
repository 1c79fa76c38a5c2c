import { DateTime } from 'luxon';
import type { Nexus } from '../../src/domain/nexus';
import { openStore } from '../../src/store';
import type { Database } from '../../src/store/database';
import { installationStore } from '../../src/store/installation-store';
import { sealedBox } from '../../src/store/sealed-box';
import type { FakeSlack } from './fake-slack';

/** Slack's published tiers, as the fake enforces them: chat.postMessage ~1 a second per channel, uploads tier 4. */
export const SLACK_RATE_LIMITS = {
  'chat.postMessage': { perMinute: 60, burst: 3 },
  'files.getUploadURLExternal': { perMinute: 100, burst: 20 },
  'files.completeUploadExternal': { perMinute: 100, burst: 20 },
  'views.publish': { perMinute: 100, burst: 20 },
} as const;

export function enforceSlackRateLimits(fake: FakeSlack): void {
  for (const [method, limit] of Object.entries(SLACK_RATE_LIMITS)) fake.rateLimit(method, limit);
}

export type ManyNexuses = { channels: { workspaceId: string; channelId: string }[]; digestTime: string };

/**
 * `nexuses` Nexuses spread over `workspaces` OAuth installs (each with its own token), all in one zone with the digest
 * due a minute ago, each with `inProgress` PBIs so the digest has a thread and a chart: what a deployment serving many
 * Nexuses meets at 09:30.
 */
export async function seedManyNexuses(
  db: Database,
  opts: { nexuses: number; workspaces: number; inProgress: number; tokenKey: string; now: DateTime },
): Promise<ManyNexuses> {
  const installs = installationStore(db, sealedBox(Buffer.from(opts.tokenKey, 'base64')));
  for (let w = 0; w < opts.workspaces; w++) {
    const teamId = workspaceId(w);
    await installs.storeInstallation({
      team: { id: teamId, name: teamId },
      enterprise: undefined,
      isEnterpriseInstall: false,
      appId: 'A1',
      tokenType: 'bot',
      user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
      bot: { token: `xoxb-${teamId}`, userId: 'UBOT', id: 'B1', scopes: ['commands', 'chat:write'] },
    });
  }
  const store = openStore(db, 'seed');
  const digestTime = opts.now.setZone('Etc/UTC').minus({ minutes: 1 }).toFormat('HH:mm');
  const channels: ManyNexuses['channels'] = [];
  for (let n = 0; n < opts.nexuses; n++) {
    const settings: Omit<Nexus, 'id'> = {
      workspaceId: workspaceId(n % opts.workspaces),
      channelId: `C${n + 1}`,
      name: `Nexus ${n + 1}`,
      teams: ['Alpha', 'Beta'],
      workflow: {
        stages: [
          { name: 'ready', wipLimit: null },
          { name: 'doing', wipLimit: 2 },
          { name: 'done', wipLimit: null },
        ],
        startStage: 'doing',
        finishStage: 'done',
      },
      sle: { percentile: 85, days: null, historyDays: 90 },
      timeZone: 'Etc/UTC',
      digest: { time: digestTime, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], enabled: true },
      forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
      sprintReports: { review: false, retro: false },
      teamChannels: [],
      classes: [],
      nit: ['U1'],
      createdBy: 'U1',
    };
    const nexus = await store.nexuses.create(settings, {
      type: 'nexus.created',
      at: opts.now.minus({ days: 10 }),
      actor: 'U1',
      value: settings,
    });
    if ('problem' in nexus) throw new Error(`Nexus ${n + 1} exists`);
    for (let p = 0; p < opts.inProgress; p++) {
      await store.pbis.add(nexus, null, (key) => ({
        type: 'pbi.added',
        key,
        at: opts.now.minus({ days: 5 + p }),
        actor: 'U1',
        title: `Item ${p + 1}`,
        url: null,
        stage: 'doing',
        teams: ['Alpha'],
      }));
    }
    channels.push({ workspaceId: settings.workspaceId, channelId: settings.channelId });
  }
  return { channels, digestTime };
}

export const workspaceId = (w: number) => `TW${w + 1}`;

/** The digests Slack took, per channel (a digest is a channel message, not a thread reply, naming " · digest · "). */
export function digestsPosted(fake: FakeSlack): Map<string, number[]> {
  const posted = new Map<string, number[]>();
  for (const c of fake.callsTo('chat.postMessage')) {
    if (c.body.thread_ts || !String(c.body.blocks ? JSON.stringify(c.body.blocks) : '').includes(' · digest · '))
      continue;
    posted.set(c.body.channel, [...(posted.get(c.body.channel) ?? []), c.receivedAt]);
  }
  return posted;
}
