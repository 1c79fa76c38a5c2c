import { type Block, context, escape, SELECT_OPTIONS, section, select, VIEW_BLOCKS } from './blocks';

/** The action of App Home's Nexus picker; its value is the chosen Nexus's channel. */
export const HOME_PICK_ACTION = 'home.nexus';

export type HomeNexus = { name: string; channelId: string };

/**
 * App Home: one Nexus's board at a time, within Slack's 100 blocks, and, for a person in several Nexus channels, a
 * picker naming every one of them (a person in 21 Nexuses reaches all 21, not the two boards that would fit).
 */
export function renderHome(nexuses: readonly HomeNexus[], shown: HomeNexus | null, board: readonly Block[]): Block[] {
  if (!shown) return [section('No Nexus here yet. In the channel your Scrum Teams share, type `/nexus setup`.')];
  const top: Block[] = [];
  if (nexuses.length > 1) top.push(picker(nexuses, shown));
  const footer = context(`Nexus channel: <#${shown.channelId}>`);
  const room = VIEW_BLOCKS - top.length - 2;
  const fits = board.length <= room + 1;
  const rest = fits ? [] : [context(`The board continues: type \`/flow board\` in <#${shown.channelId}>.`)];
  return [...top, ...(fits ? board : board.slice(0, room)), ...rest, footer];
}

function picker(nexuses: readonly HomeNexus[], shown: HomeNexus): Block {
  const options = nexuses.map((n) => ({ text: n.name, value: n.channelId }));
  const more = nexuses.length > SELECT_OPTIONS ? ` (the first ${SELECT_OPTIONS} listed)` : '';
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `You are in ${nexuses.length} Nexus channels${more}. Showing *${escape(shown.name)}*.`,
    },
    accessory: select(HOME_PICK_ACTION, 'Show another Nexus', options, shown.channelId),
  };
}
