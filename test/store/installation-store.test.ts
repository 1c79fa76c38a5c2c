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

  test('past the cache time the database is asked again', async () => {
    const store = installationStore(db(), box, 0);
    await store.storeInstallation(workspace('TB', 'xoxb-b'));
    await store.fetchInstallation(inTB);
    await db().prisma.installation.deleteMany({ where: { id: 'T:TB' } });
    await expect(store.fetchForWorkspace('TB')).rejects.toThrow('not installed in T:TB');
  });
});
