import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Database } from './database';
import type { SealedBox } from './sealed-box';

export type Installations = InstallationStore & { fetchForWorkspace(teamId: string): Promise<Installation> };

/** Org-wide installs are keyed by enterprise, others by workspace, as Slack's own stores do. */
function installationId(q: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return `E:${q.enterpriseId}`;
  if (!q.teamId) throw new Error('an installation needs a team or an org-wide enterprise');
  return `T:${q.teamId}`;
}

/**
 * Bolt's InstallationStore on Prisma. A token rotation stores again: an upsert. Unknown workspaces throw (Bolt answers
 * 401). A request from a workspace of an org-wide install records which organisation the workspace is in, so posts no
 * request started (they know only the Nexus's workspace) find the organisation's installation too.
 */
export function installationStore(db: Database, box: SealedBox): Installations {
  const { prisma } = db;
  const known = new Set<string>();
  async function remember(teamId: string | undefined, enterpriseId: string): Promise<void> {
    if (!teamId || known.has(`${teamId} ${enterpriseId}`)) return;
    const data = { enterpriseId, seenAt: new Date() };
    await prisma.gridWorkspace.upsert({ where: { teamId }, create: { teamId, ...data }, update: data });
    known.add(`${teamId} ${enterpriseId}`);
  }
  async function open(id: string): Promise<Installation> {
    const row = await prisma.installation.findUnique({ where: { id } });
    if (!row) throw new Error(`Nexus Flow is not installed in ${id}`);
    return JSON.parse(box.open(row.sealed)) as Installation;
  }
  return {
    async storeInstallation(installation) {
      const id = installationId({
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        isEnterpriseInstall: installation.isEnterpriseInstall,
      });
      const data = {
        teamId: installation.team?.id ?? null,
        enterpriseId: installation.enterprise?.id ?? null,
        sealed: box.seal(JSON.stringify(installation)),
      };
      await prisma.installation.upsert({ where: { id }, create: { id, ...data }, update: data });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const installation = await open(installationId(query));
      if (query.isEnterpriseInstall && query.enterpriseId) await remember(query.teamId, query.enterpriseId);
      return installation;
    },
    /** The installation serving a workspace: its own, else its organisation's org-wide one. */
    async fetchForWorkspace(teamId: string) {
      const own = await prisma.installation.findUnique({ where: { id: `T:${teamId}` } });
      if (own) return JSON.parse(box.open(own.sealed)) as Installation;
      const grid = await prisma.gridWorkspace.findUnique({ where: { teamId } });
      if (!grid)
        throw new Error(`Nexus Flow is not installed in T:${teamId}, nor org-wide in an organisation it was used from`);
      return open(`E:${grid.enterpriseId}`);
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await prisma.installation.deleteMany({ where: { id: installationId(query) } });
    },
  };
}
