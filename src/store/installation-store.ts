import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Database } from './database';
import type { SealedBox } from './sealed-box';

export type Installations = InstallationStore & {
  fetchForWorkspace(teamId: string): Promise<Installation>;
  /** Reads the installations in use into what is kept, before the first request; how many it read. */
  warm(): Promise<number>;
};

/** Installations read at start, the most lately installed or rotated first: more are read when first asked for. */
const WARM_LIMIT = 5_000;

/**
 * How long an installation read is used before it is read again. Bolt reads it for every request before anything can
 * acknowledge it: with 1,000 digests holding the database, that read waited past Slack's 3 s and the command was lost,
 * so it is read again behind the request that finds it old, not before. An uninstall on this replica forgets it at
 * once; elsewhere it shows on the first request after this, and Slack has revoked its token anyway.
 */
export const INSTALLATION_CACHE_MS = 30_000;

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
export function installationStore(db: Database, box: SealedBox, cacheMs = INSTALLATION_CACHE_MS): Installations {
  const { prisma } = db;
  const known = new Set<string>();
  const kept = new Map<string, { installation: Installation; until: number }>();
  async function remember(teamId: string | undefined, enterpriseId: string): Promise<void> {
    if (!teamId || known.has(`${teamId} ${enterpriseId}`)) return;
    const data = { enterpriseId, seenAt: new Date() };
    await prisma.gridWorkspace.upsert({ where: { teamId }, create: { teamId, ...data }, update: data });
    known.add(`${teamId} ${enterpriseId}`);
  }
  const loading = new Map<string, Promise<Installation | null>>();
  /** Reads the installation from the database and keeps it; one read per id at a time. */
  function load(id: string): Promise<Installation | null> {
    const under = loading.get(id);
    if (under) return under;
    const read = (async () => {
      const row = await prisma.installation.findUnique({ where: { id } });
      if (!row) {
        kept.delete(id);
        return null;
      }
      const installation = JSON.parse(box.open(row.sealed)) as Installation;
      kept.set(id, { installation, until: Date.now() + cacheMs });
      return installation;
    })().finally(() => loading.delete(id));
    loading.set(id, read);
    return read;
  }
  /**
   * The installation by id; null when there is none. One read lately is used as it is; one read longer ago is used
   * too while the database is read again behind it (a token rotated or an uninstall elsewhere shows on the next
   * request): only a workspace's first request waits for the database.
   */
  async function read(id: string): Promise<Installation | null> {
    const hit = kept.get(id);
    if (!hit) return load(id);
    if (hit.until <= Date.now()) load(id).catch(() => {}); // the database away: the installation kept still serves
    return hit.installation;
  }
  async function open(id: string): Promise<Installation> {
    const installation = await read(id);
    if (!installation) throw new Error(`Nexus Flow is not installed in ${id}`);
    return installation;
  }
  return {
    async warm() {
      const rows = await prisma.installation.findMany({ orderBy: { updatedAt: 'desc' }, take: WARM_LIMIT });
      for (const row of rows)
        kept.set(row.id, {
          installation: JSON.parse(box.open(row.sealed)) as Installation,
          until: Date.now() + cacheMs,
        });
      return rows.length;
    },
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
      kept.delete(id);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const installation = await open(installationId(query));
      if (query.isEnterpriseInstall && query.enterpriseId) await remember(query.teamId, query.enterpriseId);
      return installation;
    },
    /** The installation serving a workspace: its own, else its organisation's org-wide one. */
    async fetchForWorkspace(teamId: string) {
      const own = await read(`T:${teamId}`);
      if (own) return own;
      const grid = await prisma.gridWorkspace.findUnique({ where: { teamId } });
      if (!grid)
        throw new Error(`Nexus Flow is not installed in T:${teamId}, nor org-wide in an organisation it was used from`);
      return open(`E:${grid.enterpriseId}`);
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      const id = installationId(query);
      kept.delete(id);
      await prisma.installation.deleteMany({ where: { id } });
    },
  };
}
