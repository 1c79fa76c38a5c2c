import { type Block, fromLookAlikes } from '../render/blocks';

/**
 * A faithful plain-text reading of Block Kit: headers underlined, links as `text (url)`, mentions as `@user`,
 * bold and code marks dropped, fields side by side as lines, context indented; names and titles as typed.
 */
export function blocksToText(blocks: readonly Block[]): string {
  return blocks.map(blockText).join('\n');
}

function blockText(block: Block): string {
  switch (block.type) {
    case 'header':
      return `${block.text.text}\n${'═'.repeat(Math.min(60, [...block.text.text].length))}`;
    case 'section':
      return [block.text ? mrkdwn(block.text.text) : '', ...(block.fields ?? []).map((f) => mrkdwn(f.text))]
        .filter(Boolean)
        .join('\n');
    case 'context':
      return block.elements.map((e) => `  ${mrkdwn(e.text)}`).join('\n');
    case 'actions':
      return block.elements.map((b) => `[${b.text.text}]`).join(' ');
    case 'divider':
      return '─'.repeat(60);
  }
}

export function mrkdwn(text: string): string {
  const plain = text
    // a link's URL as it was typed: its `|` is written %7C in Slack (entities are turned back below)
    .replace(
      /<(https?:[^|>]+)\|([^>]+)>/g,
      (_m, url: string, label: string) => `${label} (${url.replace(/%7C/g, '|')})`,
    )
    .replace(/<@([^>|]+)>/g, '@$1')
    .replace(/<!(\w+)>/g, '@$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return fromLookAlikes(plain);
}
