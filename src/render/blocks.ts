// Block Kit builders shared by every renderer. Slack shows these; the console prints a plain-text reading of them.
export type Text = { type: 'mrkdwn' | 'plain_text'; text: string };
export type Button = { type: 'button'; text: Text; action_id: string; value: string; style?: 'primary' | 'danger' };
export type Option = { text: Text; value: string };
export type Select = {
  type: 'static_select';
  action_id: string;
  placeholder: Text;
  options: Option[];
  initial_option?: Option;
};
export type MultiSelect = Omit<Select, 'type' | 'initial_option'> & {
  type: 'multi_static_select';
  initial_options?: Option[];
};
export type Block =
  | { type: 'header'; text: Text }
  | { type: 'section'; text?: Text; fields?: Text[]; accessory?: Select }
  | { type: 'context'; elements: Text[] }
  | { type: 'actions'; elements: Button[] }
  | { type: 'divider' };
/** A form's field (a modal's input block): a text box, a time or date picker, a choice of one or of several. */
export type Input = {
  type: 'input';
  block_id: string;
  label: PlainText;
  element:
    | {
        type: 'plain_text_input';
        action_id: string;
        initial_value?: string;
        placeholder?: PlainText;
        multiline?: boolean;
        max_length: number;
      }
    | { type: 'timepicker'; action_id: string; initial_time: string }
    | { type: 'datepicker'; action_id: string; initial_date: string }
    | Select
    | MultiSelect;
  optional?: boolean;
  hint?: PlainText;
};
export type PlainText = { type: 'plain_text'; text: string };
/** A form, as views.open takes it; `private_metadata` is what the adapter needs back on submission. */
export type Modal = {
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  title: PlainText;
  submit: PlainText;
  close: PlainText;
  blocks: (Block | Input)[];
};

/** Slack caps a section's text at 3,000 characters. */
const SECTION_LIMIT = 3000;
/** Slack refuses a message of more than 50 blocks; a modal or the Home tab holds 100. */
export const MESSAGE_BLOCKS = 50;
export const VIEW_BLOCKS = 100;
/** Slack refuses a message whose `text` is longer. */
export const MESSAGE_TEXT = 40_000;
/** Slack allows 25 elements in an actions block, 100 options in a select, 75 characters in an option's text. */
const ACTIONS_ELEMENTS = 25;
export const SELECT_OPTIONS = 100;
const OPTION_TEXT = 75;

/**
 * Slack's mrkdwn has no escape for its marks (`*bold*`, `_italic_`, `~struck~`, `` `code` ``), so user text shows
 * each as a look-alike that is never a mark: ∗ ˍ ∼ ˋ. An underscore between two letters or digits (`snake_case`,
 * `team_b`) opens and closes nothing and stays as typed. The console's plain text turns them back (`fromLookAlikes`).
 */
const LOOK_ALIKES: Record<string, string> = { '*': '\u2217', _: '\u02CD', '~': '\u223C', '`': '\u02CB' };
const MARKS = /[*~`]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu;
const LOOK_ALIKE_MARKS = new RegExp(`[${Object.values(LOOK_ALIKES).join('')}]`, 'g');
const MARK_OF = Object.fromEntries(Object.entries(LOOK_ALIKES).map(([mark, alike]) => [alike, mark]));

const escapeEntities = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Makes user or tracker text safe in mrkdwn: `<!channel>` or `<@U1>` in a title shows as text and pings no one, and
 * `*urgent*` shows with its asterisks, not bold. Every name, title, key or reason enters mrkdwn through here.
 */
export function escape(text: string): string {
  return escapeEntities(text).replace(MARKS, (mark) => LOOK_ALIKES[mark]);
}

/** The marks `escape` replaced, back as typed: for plain-text readings of mrkdwn (the console, modal errors). */
export function fromLookAlikes(text: string): string {
  return text.replace(LOOK_ALIKE_MARKS, (alike) => MARK_OF[alike]);
}

/**
 * A plain-text reading of mrkdwn, for the console and for a form's field errors (Slack shows them as plain text):
 * links as `text (url)`, mentions as `@user`, bold, italics and code marks dropped, escapes and look-alikes undone.
 */
export function plainText(mrkdwn: string): string {
  const plain = mrkdwn
    // a link's URL as it was typed: its `|` is written %7C in Slack (entities are turned back below)
    .replace(
      /<(https?:[^|>]+)\|([^>]+)>/g,
      (_m, url: string, label: string) => `${label} (${url.replace(/%7C/g, '|')})`,
    )
    .replace(/<@([^>|]+)>/g, '@$1')
    .replace(/<#([^>|]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `#${name || id}`)
    .replace(/<!(\w+)>/g, '@$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return fromLookAlikes(plain);
}

/** Slack shows at most 150 characters in a header. */
export const HEADER_TEXT = 150;
export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, HEADER_TEXT) },
});

export const section = (mrkdwn: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(mrkdwn, SECTION_LIMIT) },
});

export const fields = (...mrkdwn: string[]): Block => ({
  type: 'section',
  fields: mrkdwn.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text, 2000) })),
});

export const context = (...mrkdwn: string[]): Block => ({
  type: 'context',
  elements: mrkdwn.map((text) => ({ type: 'mrkdwn', text })),
});

export const divider = (): Block => ({ type: 'divider' });

export const button = (text: string, actionId: string, value: string, style?: Button['style']): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: text.slice(0, 75) },
  action_id: actionId,
  value: value.slice(0, 2000),
  ...(style ? { style } : {}),
});

/** Buttons in as many actions blocks as Slack's 25 elements each need: none is dropped. */
export function actionRows(buttons: readonly Button[]): Block[] {
  const rows: Block[] = [];
  for (let i = 0; i < buttons.length; i += ACTIONS_ELEMENTS)
    rows.push({ type: 'actions', elements: buttons.slice(i, i + ACTIONS_ELEMENTS) });
  return rows;
}

/** A select of up to 100 options (Slack's limit), the chosen one first shown; option texts clipped to Slack's 75. */
export function select(
  actionId: string,
  placeholder: string,
  options: readonly { text: string; value: string }[],
  initial?: string,
): Select {
  const toOption = (o: { text: string; value: string }): Option => ({
    text: { type: 'plain_text', text: clip(o.text, OPTION_TEXT) },
    value: o.value,
  });
  const shown = options.slice(0, SELECT_OPTIONS).map(toOption);
  const chosen = shown.find((o) => o.value === initial);
  return {
    type: 'static_select',
    action_id: actionId,
    placeholder: { type: 'plain_text', text: placeholder },
    options: shown,
    ...(chosen ? { initial_option: chosen } : {}),
  };
}

/** A choice of several among `options` (at most SELECT_OPTIONS), those in `initial` chosen at first. */
export function multiSelect(
  actionId: string,
  placeholder: string,
  options: readonly { text: string; value: string }[],
  initial: readonly string[] = [],
): MultiSelect {
  const { options: shown } = select(actionId, placeholder, options);
  const chosen = shown.filter((o) => initial.includes(o.value));
  return {
    type: 'multi_static_select',
    action_id: actionId,
    placeholder: { type: 'plain_text', text: placeholder },
    options: shown,
    ...(chosen.length ? { initial_options: chosen } : {}),
  };
}

/**
 * A link in mrkdwn; plain escaped text when there is no URL. The URL is escaped as Slack escapes it (`&amp;`, `&lt;`,
 * `&gt;`: Slack turns them back, so the link goes where it was typed); only `|`, which would end the URL, is `%7C`.
 */
export function link(text: string, url: string | null): string {
  return url ? `<${escapeEntities(url).replace(/\|/g, '%7C')}|${escape(text)}>` : escape(text);
}

export const bold = (text: string): string => `*${text}*`;
/**
 * Inline code; escaped, so input quoted back (`<!channel>`, `<https://x|y>`) shows as typed and pings or links nothing.
 * Inside code only a backtick is a mark (it would end it); `*` and `_` show as they are, ready to copy.
 */
export const code = (text: string): string => `\`${escapeEntities(text).replace(/`/g, LOOK_ALIKES['`'])}\``;

/**
 * Long mrkdwn as as many sections as it needs, each within Slack's 3,000 characters: cut at a line break or space
 * where there is one, and never inside an entity (`&lt;`) or a link or mention (`<…>`), so nothing is lost or broken.
 */
export function textSections(mrkdwn: string): Block[] {
  const parts: string[] = [];
  let rest = mrkdwn;
  while (rest.length > SECTION_LIMIT) {
    const cut = cutPoint(rest, SECTION_LIMIT);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest) parts.push(rest);
  return parts.map(section);
}

function cutPoint(text: string, max: number): number {
  const head = text.slice(0, max);
  const space = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
  let cut = space > max / 2 ? space : max;
  const openLink = head.lastIndexOf('<', cut - 1);
  if (openLink > head.lastIndexOf('>', cut - 1) && openLink > 0) cut = openLink;
  const entity = head.lastIndexOf('&', cut - 1);
  if (entity > head.lastIndexOf(';', cut - 1) && cut - entity < 8 && entity > 0) cut = entity;
  return cut;
}

/**
 * Blocks in pages Slack takes (`max` blocks each), in order. A page does not end on a header or a lone divider when
 * the next page can take it with what it introduces.
 */
export function pages(blocks: readonly Block[], max: number = MESSAGE_BLOCKS): Block[][] {
  const out: Block[][] = [];
  let page: Block[] = [];
  for (const block of blocks) {
    if (page.length === max) {
      const last = page.at(-1)!;
      const carried = last.type === 'header' || last.type === 'divider' ? [page.pop()!] : [];
      out.push(page);
      page = carried;
    }
    page.push(block);
  }
  if (page.length) out.push(page);
  return out;
}

/** A message's `text` (the notification and screen-reader fallback) within what Slack takes. */
export function fallbackText(text: string, max: number = MESSAGE_TEXT): string {
  return clip(text, max);
}

/** Cut to `max` with "…", never inside an escape (`&am…` would show as garbage) or between an emoji's halves. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text
    .slice(0, max - 1)
    .replace(/[\uD800-\uDBFF]$/, '')
    .replace(/&(a|am|amp|l|lt|g|gt)?$/, '');
  return `${cut}…`;
}

/** Lines joined into sections no longer than Slack allows, with "…and N more" when they don't all fit in `maxSections`. */
export function lineSections(lines: readonly string[], maxSections = 5): Block[] {
  const sections: string[] = [];
  let current = '';
  for (const [i, line] of lines.entries()) {
    if (current && current.length + line.length + 1 > SECTION_LIMIT - 40) {
      if (sections.length === maxSections - 1) {
        sections.push(`${current}\n_…and ${lines.length - i} more_`);
        return sections.map(section);
      }
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(current);
  return sections.map(section);
}
