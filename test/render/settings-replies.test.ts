import type { Reply } from '../../src/render/reply';
import { freshDatabase } from '../support/databases';
import { commandHarness } from '../support/harness';

/**
 * Every reply of the /nexus settings commands, as Slack receives it: the notification text, who sees it and the
 * blocks. The sentences are worded in src/render from the problems and changes the commands return; a change of a
 * word shows here, in review, as a change to test/render/__snapshots__ (`npx jest test/render -u` when meant).
 * Each line is typed after the ones before it, on one Nexus, on the harness's fixed clock.
 */
const LINES = [
  // /nexus setup: refused for the teams (as they are, no usage) or a stage that isn't there (usage); then made once
  '/nexus setup --teams Alpha,alpha',
  '/nexus setup --stages "ready,doing,done" --start nowhere',
  '/nexus setup --name "Shop & Co" --teams Alpha,Beta --stages "ready,doing:3,review,done" --start doing --finish done --zone Europe/Berlin',
  '/nexus setup',
  // each setting alone shows it
  '/nexus teams',
  '/nexus zone',
  '/nexus digest',
  '/nexus sle',
  '/nexus forecast',
  // the zone, and the digest that would move it
  '/nexus zone europe/berlin',
  '/nexus zone America/New_York',
  '/nexus digest 08:00 Europe/Berlin',
  '/nexus zone Europe/Berlin',
  '/nexus digest 08:45 --days mon-wed,fri',
  '/nexus digest off',
  '/nexus digest 09:30',
  // the NIT
  '/nexus nit add @U_NIT',
  '/nexus nit remove @U_NOBODY',
  '/nexus nit remove @U_NIT',
  '/nexus nit add @U_SM @U_NIT',
  '/nexus nit remove @U_SM',
  // teams
  '/nexus teams add gamma "Team Delta"',
  '/nexus teams add alpha',
  '/nexus teams remove Omega Sigma',
  '/nexus teams remove GAMMA',
  '/pbi add "Pay later" --teams Beta',
  '/nexus teams remove beta',
  // stages and flow
  '/nexus stage add QA --after doing --wip 2',
  '/nexus stage add qa',
  '/nexus stage wip qa 4',
  '/nexus stage wip QA none',
  '/nexus stage wip nowhere 3',
  '/nexus stage wait QA on',
  '/nexus stage wait qa on',
  '/nexus stage wait qa off',
  '/nexus stage wait qa sometimes',
  '/nexus stage remove doing',
  '/pbi move PBI-1 qa',
  '/nexus stage remove qa',
  '/nexus flow start done finish ready',
  '/nexus flow start ready finish done',
  '/nexus flow start doing finish done',
  // SLE and forecasts
  '/nexus sle 85 5',
  '/nexus sle 90',
  '/nexus forecast working --sprint 10',
  '/nexus forecast calendar',
  // trackers: mapping, and what a removal unmaps
  '/nexus map linear "In Review" review',
  '/nexus tracker linear disconnect',
  '/nexus map jira "In Review" nowhere',
  '/nexus map jira team "Payments" Nobody',
  '/nexus map jira "In Review" REVIEW',
  '/nexus map jira team "Payments" alpha',
  '/nexus stage remove review',
  '/nexus teams remove alpha',
  '/nexus tracker jira disconnect',
];

test('every /nexus settings reply, as Slack receives it', async () => {
  const db = await freshDatabase('embedded');
  try {
    const h = commandHarness(db);
    const seen: { line: string; reply: Pick<Reply, 'visibility' | 'text' | 'blocks'> }[] = [];
    for (const line of LINES) {
      // the connection's reply holds a new secret each time: connected here, not recorded
      if (line === '/nexus map jira "In Review" nowhere') await h.run('/nexus tracker jira');
      const { visibility, text, blocks } = await h.run(line);
      seen.push({ line, reply: { visibility, text, blocks } });
    }
    expect(seen).toMatchSnapshot();
  } finally {
    await db.dispose();
  }
}, 120_000);
