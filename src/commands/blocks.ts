// Block Kit builders shared by every renderer. Slack shows these; the console prints a plain-text reading of them.
export type Text = { type: 'mrkdwn' | 'plain_text'; text: string };
export type Button = { type: 'button'; text: Text; action_id: string; value: string; style?: 'primary' | 'danger' };
export type Block =
  | { type: 'header'; text: Text }
  | { type: 'section'; text?: Text; fields?: Text[] }
  | { type: 'context'; elements: Text[] }
  | { type: 'actions'; elements: Button[] }
  | { type: 'divider' };

/** Slack caps a section's text at 3,000 characters. */
const SECTION_LIMIT = 3000;

/** Makes user or tracker text safe in mrkdwn: `<!channel>` or `<@U1>` in a title shows as text and pings no one. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: text.slice(0, 150) } });

export const section = (mrkdwn: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, SECTION_LIMIT) } });

export const fields = (...mrkdwn: string[]): Block => ({ type: 'section', fields: mrkdwn.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text, 2000) })) });

export const context = (...mrkdwn: string[]): Block => ({ type: 'context', elements: mrkdwn.map((text) => ({ type: 'mrkdwn', text })) });

export const divider = (): Block => ({ type: 'divider' });

export const button = (text: string, actionId: string, value: string, style?: Button['style']): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: text.slice(0, 75) },
  action_id: actionId,
  value: value.slice(0, 2000),
  ...(style ? { style } : {}),
});

/** Slack allows 25 elements in an actions block. */
export const actions = (...buttons: Button[]): Block => ({ type: 'actions', elements: buttons.slice(0, 25) });

/** A link in mrkdwn; plain escaped text when there is no URL. */
export function link(text: string, url: string | null): string {
  return url ? `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escape(text)}>` : escape(text);
}

export const bold = (text: string): string => `*${text}*`;
/** Inline code; escaped, so input quoted back (`<!channel>`, `<https://x|y>`) shows as typed and pings or links nothing. */
export const code = (text: string): string => `\`${escape(text)}\``;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
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
