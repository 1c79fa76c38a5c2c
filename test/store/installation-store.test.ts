import { randomBytes } from 'node:crypto';
import type { Installation, InstallationQuery } from '@slack/bolt';
import { installationStore } from '../../src/store/installation-store';
import { sealedBox } from '../../src/store/sealed-box';
import { describeEachDatabase } from '../support/setup-db';

const box = sealedBox(randomBytes(32));
const workspace = (teamId: string, token: string) =>
  ({ team: { id: teamId }, bot: { token }, isEnterpriseInstall: false }) as unknown as Installation;

const inTA: InstallationQuery<false> = { teamId: 'TA', enterpriseId: undefined, isEnterpriseInstall: false };
const inTB: InstallationQuery<false> = { teamId: 'TB', enterpriseId: undefined, isEnterpriseInstall: false };

/** Asks for the workspace's installation until what the store answers passes `ok` (its read behind has landed). */
async function settled(
  store: ReturnType<typeof installationStore>,
  teamId: string,
  ok: (installation: Installation | null) => boolean,
) {
  for (let i = 0; i < 100; i++) {
    const now = await store.fetchForWorkspace(teamId).catch(() => null);
    if (ok(now)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the installation of ${teamId} was not read again`);
}

describeEachDatabase('the installation store', (db) => {
  test('an installation read lately is not read again for every request, and an uninstall forgets it at once', async () => {
    const store = installationStore(db(), box);
    await store.storeInstallation(workspace('TA', 'xoxb-a'));
    expect((await store.fetchInstallation(inTA)).bot?.token).toBe('xoxb-a');
    // the row gone behind the store's back: a request within the cache time still finds the installation
    await db().prisma.installation.deleteMany({ where: { id: 'T:TA' } });
    expect((await store.fetchInstallation(inTA)).bot?.token).toBe('xoxb-a');
    expect((await store.fetchForWorkspace('TA')).bot?.token).toBe('xoxb-a');

    await store.storeInstallation(workspace('TA', 'xoxb-a2')); // a token rotation is read anew
    expect((await store.fetchInstallation(inTA)).bot?.token).toBe('xoxb-a2');
    await store.deleteInstallation!(inTA);
    await expect(store.fetchInstallation(inTA)).rejects.toThrow('not installed in T:TA');
  });

  test('past the cache time the database is asked again, behind the request, which does not wait for it', async () => {
    const store = installationStore(db(), box, 0);
    await store.storeInstallation(workspace('TB', 'xoxb-b'));
    await store.fetchInstallation(inTB);
    // a rotation, then an uninstall, stored by another replica: each shows on the request after the one that found
    // the installation old (that one is answered from what was kept, without waiting for the database)
    await installationStore(db(), box).storeInstallation(workspace('TB', 'xoxb-b2'));
    expect((await store.fetchForWorkspace('TB')).bot?.token).toBe('xoxb-b');
    await settled(store, 'TB', (i) => i?.bot?.token === 'xoxb-b2');
    await db().prisma.installation.deleteMany({ where: { id: 'T:TB' } });
    expect((await store.fetchForWorkspace('TB')).bot?.token).toBe('xoxb-b2');
    await settled(store, 'TB', (i) => i === null);
    await expect(store.fetchForWorkspace('TB')).rejects.toThrow('not installed in T:TB');
  });

  test('warmed at start: the installations are kept before any request, and a later request finds them kept', async () => {
    await installationStore(db(), box).storeInstallation(workspace('TD', 'xoxb-d'));
    await installationStore(db(), box).storeInstallation(workspace('TE', 'xoxb-e'));
    const store = installationStore(db(), box);
    expect(await store.warm()).toBe(2);
    // the rows gone: what was read at start still serves within the cache time
    await db().prisma.installation.deleteMany({});
    expect((await store.fetchForWorkspace('TD')).bot?.token).toBe('xoxb-d');
    expect((await store.fetchInstallation({ ...inTA, teamId: 'TE' })).bot?.token).toBe('xoxb-e');
  });
});
