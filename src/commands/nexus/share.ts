import { renderShare, type ShareOutcome } from '../../render/web-share';
import { defineCommand, invalid } from '../command';

const usage = '/nexus share [off]';

/** `/nexus share`: a secret, revocable link to the Nexus's read-only web board (served under PUBLIC_URL/n/<token>). */
export const nexusShare = defineCommand<{ off: boolean }, ShareOutcome>({
  path: ['nexus', 'share'],
  usage,
  summary: 'a secret link to a read-only web board for people outside Slack (shown once, to you); `off` revokes it',
  scope: 'nexus',
  nitOnly: true,
  parse(words) {
    if (!words.length) return { off: false };
    if (words.length === 1 && words[0].toLowerCase() === 'off') return { off: true };
    return invalid('`/nexus share` makes a link; `/nexus share off` turns it off. Nothing else follows it.');
  },
  async execute({ off }, ctx) {
    if (off) return { closed: await ctx.store.webShares.close(ctx.nexus.id) };
    if (!ctx.publicUrl) return { problem: 'no-public-url' };
    const opened = await ctx.store.webShares.open(ctx.nexus.id, ctx.userId, ctx.now());
    if ('problem' in opened) return opened;
    return { opened: `${ctx.publicUrl.replace(/\/+$/, '')}/n/${opened.token}` };
  },
  render: (outcome) => renderShare(outcome),
});
