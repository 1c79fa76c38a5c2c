import type { Pbi } from '../domain/pbi';
import {
  type Block,
  bold,
  button,
  context,
  escape,
  link,
  SELECT_OPTIONS,
  section,
  select,
  textSections,
  VIEW_BLOCKS,
} from './blocks';
import { squares } from './pbi';
import { inStage } from './words';

/** The action of App Home's Nexus picker; its value is the chosen Nexus's channel. */
export const HOME_PICK_ACTION = 'home.nexus';
/** App Home's tabs, each a button whose action is this prefix and the tab (`home.tab.aging`). */
export const HOME_TAB_ACTION = 'home.tab.';
export const HOME_TABS = ['board', 'aging', 'forecasts'] as const;
export type HomeTab = (typeof HOME_TABS)[number];
const TAB_NAMES: Record<HomeTab, string> = { board: 'Board', aging: 'Aging', forecasts: 'Forecasts' };
/** Own PBIs named above the tab: enough to find one's work, few enough to leave the board room. */
export const OWN_SHOWN = 10;

export type HomeNexus = { name: string; channelId: string };
/** What Home shows: the Nexuses to pick from, the one shown, its tab, the person's own PBIs in it, and the tab's blocks. */
export type HomeView = {
  nexuses: readonly HomeNexus[];
  shown: HomeNexus | null;
  tab: HomeTab;
  own: readonly Pbi[];
  body: readonly Block[];
};

/**
 * App Home: one Nexus at a time, within Slack's 100 blocks whatever the number of Nexuses: a picker naming them (the
 * first 100), the tabs, the person's own PBIs first, then the tab (the board, aging or forecasts), cut to fit.
 */
export function renderHome({ nexuses, shown, tab, own, body }: HomeView): Block[] {
  if (!shown) return [section('No Nexus here yet. In the channel your Scrum Teams share, type `/nexus setup`.')];
  const top: Block[] = [];
  if (nexuses.length > 1) top.push(picker(nexuses, shown));
  top.push(tabs(tab));
  if (own.length) top.push(...ownSections(own));
  const footer = context(`Nexus channel: <#${shown.channelId}>`);
  const room = VIEW_BLOCKS - top.length - 2;
  const fits = body.length <= room + 1;
  const rest = fits ? [] : [context(`${TAB_NAMES[tab]} continues in <#${shown.channelId}>: ${TAB_COMMANDS[tab]}.`)];
  return [...top, ...(fits ? body : body.slice(0, room)), ...rest, footer];
}

const TAB_COMMANDS: Record<HomeTab, string> = {
  board: '`/flow board`',
  aging: '`/flow aging`',
  forecasts: '`/forecast backlog`',
};

function picker(nexuses: readonly HomeNexus[], shown: HomeNexus): Block {
  const options = nexuses.map((n) => ({ text: n.name, value: n.channelId }));
  const more = nexuses.length > SELECT_OPTIONS ? ` (the first ${SELECT_OPTIONS} listed)` : '';
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `You see ${nexuses.length} Nexuses${more}. Showing *${escape(shown.name)}*.`,
    },
    accessory: select(HOME_PICK_ACTION, 'Show another Nexus', options, shown.channelId),
  };
}

/** The tab buttons, the one shown marked. */
function tabs(shown: HomeTab): Block {
  return {
    type: 'actions',
    elements: HOME_TABS.map((tab) =>
      button(TAB_NAMES[tab], `${HOME_TAB_ACTION}${tab}`, tab, tab === shown ? 'primary' : undefined),
    ),
  };
}

/** "Yours": the PBIs the person added, moved or swarms on, each on a line. */
function ownSections(own: readonly Pbi[]): Block[] {
  const lines = own.map((p) => {
    const teams = p.squares.length ? ` · ${squares(p)}` : '';
    return `• ${bold(escape(p.key))} ${link(p.title, p.url)} · ${inStage(p.stage)}${teams}`;
  });
  return textSections(`${bold('Yours')} (added, moved or swarmed on)\n${lines.join('\n')}`);
}
