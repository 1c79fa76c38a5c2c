import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { PrismaClient } from '../generated/prisma/client';
import type { SealedBox } from './sealed-box';

/** Org-wide installs are keyed by enterprise, others by workspace, as Slack's own stores do. */
function installationId(q: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return `E:${q.enterpriseId}`;
  if (!q.teamId) throw new Error('an installation needs a team or an org-wide enterprise');
  return `T:${q.teamId}`;
}

/** Bolt's InstallationStore on Prisma. A token rotation stores again: an upsert. Unknown workspaces throw (Bolt answers 401). */
export function prismaInstallationStore(prisma: PrismaClient, box: SealedBox): InstallationStore {
  return {
    async storeInstallation(installation) {
      const id = installationId({ teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, isEnterpriseInstall: installation.isEnterpriseInstall });
      const data = { teamId: installation.team?.id ?? null, enterpriseId: installation.enterprise?.id ?? null, sealed: box.seal(JSON.stringify(installation)) };
      await prisma.installation.upsert({ where: { id }, create: { id, ...data }, update: data });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const row = await prisma.installation.findUnique({ where: { id: installationId(query) } });
      if (!row) throw new Error(`Nexus Flow is not installed in ${installationId(query)}`);
      return JSON.parse(box.open(row.sealed)) as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await prisma.installation.deleteMany({ where: { id: installationId(query) } });
    },
  };
}
