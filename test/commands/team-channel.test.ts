import { PassThrough } from 'node:stream';
import { consoleChannels } from '../../src/console/run-console';
import type { Nexus } from '../../src/domain/nexus';
import { createLogger } from '../../src/log';
import { createMetrics } from '../../src/metrics';
import type { Reply } from '../../src/render/reply';
import { postDueReports } from '../../src/schedule/scheduler';
import { openStore } from '../../src/store';
import { commandHarness, type Harness } from '../support/harness';
import { describeEachDatabase } from '../support/setup-db';

const log = createLogger('silent');
const metrics = createMetrics({ inboxBacklog: async () => 0 });

describeEachDatabase('/nexus team <team> channel', (db) => {
  let h: Harness;
  let printed: string[];
  beforeEach(() => {
    const output = new PassThrough();
    printed = [];
    output.on('data', (chunk: Buffer) => printed.push(chunk.toString('utf8')));
    h = commandHarness(db(), { channelId: 'nexus', channels: consoleChannels(output) });
  });

  test('set, recorded, told in the team channel; refusals change nothing; NIT only; off; a removed team loses it', async () => {
    await h.run('/nexus setup --teams "Alpha,Team Beta"');
    const recorded = () => db().prisma.event.findMany({ where: { type: 'nexus.team-channels-changed' } });
    for (const [line, says] of [
      ['/nexus team Gamma channel #gamma', 'There is no team Gamma. Teams: Alpha, Team Beta.'],
      ['/nexus team Alpha channel', 'Give one channel after channel (pick it from the list as you type #), or off.'],
      ['/nexus team channel #alpha', 'Name the team, then channel and the channel'],
      ['/nexus team Alpha channel alpha', 'alpha is not a channel'],
      ['/nexus team Alpha channel #nexus', 'This is the Nexus channel'],
      ['/nexus team Alpha channel off', 'Alpha has no channel of its own'],
    ]) {
      const refused = await h.run(line);
      expect(refused.visibility).toBe('ephemeral');
      expect(refused.plain.split('\n')[0]).toContain(says);
    }
    h.as('U_OTHER');
    expect((await h.run('/nexus team Alpha channel #alpha')).plain).toContain('Nexus Integration Team');
    expect(printed).toEqual([]);
    expect(await recorded()).toHaveLength(0);
    h.as('U_NIT');
    const set = await h.run('/nexus team team  beta channel #beta');
    expect(set.visibility).toBe('channel');
    expect(set.plain).toContain("@U_NIT sent Team Beta's flow to #beta: its squares past its SLE and what waits on it");
    expect(set.plain).toContain('and a daily line at 09:30');
    expect(printed.join('')).toContain("[posted in #beta]\n📣 @U_NIT sent Team Beta's flow in the Nexus Nexus here");
    expect((await h.nexus()).teamChannels).toEqual([{ team: 'Team Beta', channelId: 'beta' }]);
    expect((await h.run('/nexus team Team Beta channel #beta')).plain).toContain(
      "Team Beta's flow already goes to #beta: nothing changed.",
    );
    await h.run('/nexus team Alpha channel #alpha');
    expect((await recorded()).map((e) => (e.payload as { value: unknown }).value)).toEqual([
      [{ team: 'Team Beta', channelId: 'beta' }],
      [
        { team: 'Team Beta', channelId: 'beta' },
        { team: 'Alpha', channelId: 'alpha' },
      ],
    ]);
    const off = await h.run('/nexus team Alpha channel off');
    expect(off.plain).toContain(
      "@U_NIT took Alpha's own channel away: its squares past its SLE are in the Nexus digest",
    );
    expect((await h.nexus()).teamChannels).toEqual([{ team: 'Team Beta', channelId: 'beta' }]);
    await h.run('/nexus teams remove "Team Beta"');
    expect((await h.nexus()).teamChannels).toEqual([]);
  });

  test("a team's squares past its SLE leave the digest for its own daily line, posted once by two replicas", async () => {
    await h.run('/nexus setup --teams Alpha,Beta --zone Europe/Berlin');
    // ten Alpha squares of 2 days each make Alpha's SLE 2 days
    for (let i = 1; i <= 10; i++) {
      await h.run(`/pbi add "Done ${i}" --teams Alpha`);
      await h.run(`/pbi team PBI-${i} Alpha start`);
    }
    await h.run('/pbi add "Old" --teams Alpha,Beta');
    await h.run('/pbi team PBI-11 Alpha start');
    await h.run('/pbi add "Half" --teams Alpha,Beta');
    await h.run('/pbi team PBI-12 Alpha start');
    h.advance({ days: 1 });
    for (let i = 1; i <= 10; i++) await h.run(`/pbi team PBI-${i} Alpha done`);
    await h.run('/pbi team PBI-12 Alpha done');
    h.advance({ days: 5 }); // Sun 8 Mar: PBI-11's Alpha square is 7 days old, PBI-12 has waited on Beta for 5
    await h.run('/nexus team Alpha channel #alpha');
    await h.run('/nexus team Beta channel #beta');
    const digest = await h.run('/flow digest');
    expect(digest.plain).not.toContain("past their team's SLE");
    expect(digest.plain).toContain("Alpha's details go to #alpha and Beta's details go to #beta.");
    expect(digest.plain).toContain('stalled at integration');

    h.advance({ days: 2, minutes: 40 }); // Tue 10 Mar 09:40, after the digest time
    const posts: { channel: string; text: string; thread: string }[] = [];
    const post = async (nexus: Nexus, reply: Reply, posted: () => Promise<void>, channel?: string) => {
      posts.push({ channel: channel ?? nexus.channelId, text: reply.text, thread: JSON.stringify(reply.thread ?? []) });
      await posted();
    };
    const round = (replica: string) =>
      postDueReports({ store: openStore(db(), replica), now: () => h.now, replica, post, log, metrics });
    await Promise.all([round('a'), round('b')]);
    await Promise.all([round('a'), round('b')]);
    expect(posts.map((p) => p.channel)).toEqual(['nexus', 'alpha', 'beta']);
    const [, alpha, beta] = posts;
    expect(alpha.text).toContain('Alpha · Nexus · Tue 10 Mar');
    expect(alpha.text).toContain('1 square in progress · 🔴 1 past its SLE of 2 days — oldest PBI-11, 9 days');
    expect(alpha.thread).toContain('PBI-11');
    expect(beta.text).toContain('0 squares in progress');
    expect(beta.text).toContain('⏳ waiting on it: ');
    expect(beta.text).toContain('1 PBI stalled at integration');
    expect(beta.thread).toContain('PBI-12');
  });
});
