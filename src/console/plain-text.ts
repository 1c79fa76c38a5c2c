import { type Block, plainText } from '../render/blocks';

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
      return [block.text ? plainText(block.text.text) : '', ...(block.fields ?? []).map((f) => plainText(f.text))]
        .filter(Boolean)
        .join('\n');
    case 'context':
      return block.elements.map((e) => `  ${plainText(e.text)}`).join('\n');
    case 'actions':
      return block.elements.map((b) => `[${b.text.text}]`).join(' ');
    case 'divider':
      return '─'.repeat(60);
  }
}
