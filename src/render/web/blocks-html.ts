import { isPbiKey } from '../../domain/pbi-key';
import { type Block, fromLookAlikes } from '../blocks';
import { escapeHtml } from './html';

/** Where a page's links go: `pbiHref` gives a PBI's own page (relative to the page showing it). */
export type WebLinks = { pbiHref(key: string): string };

/**
 * A reply's Block Kit as HTML, so the web board shows what Slack shows, worded once. Buttons are left out (the board
 * changes nothing); the first header is the page's heading.
 */
export function blocksToHtml(blocks: readonly Block[], links: WebLinks): string {
  let headers = 0;
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'header':
          return headers++ === 0
            ? `<h1>${escapeHtml(block.text.text)}</h1>`
            : `<h2>${escapeHtml(block.text.text)}</h2>`;
        case 'section': {
          const texts = [...(block.text ? [block.text] : []), ...(block.fields ?? [])];
          const paragraphs = texts.map((t) => `<p>${mrkdwnToHtml(t.text, links)}</p>`).join('');
          return `<section class="block">${paragraphs}</section>`;
        }
        case 'context':
          return block.elements.map((e) => `<p class="context">${mrkdwnToHtml(e.text, links)}</p>`).join('');
        case 'divider':
          return '<hr>';
        case 'actions':
          return '';
      }
    })
    .filter(Boolean)
    .join('\n');
}

/** Stands for a piece already made HTML while the rest is converted; never in a reply (it is removed first). */
const HOLE = '\u0000';
const BOLD = /(^|[\s(•])\*([^*\n]+)\*(?=[\s).,:;!?·]|$)/g;
const ITALIC = /(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?·]|$)/g;
const STRUCK = /(^|[\s(])~([^~\n]+)~(?=[\s).,:;!?·]|$)/g;

/**
 * Slack's mrkdwn as HTML. In mrkdwn a user's `<`, `>` and `&` are always entities and their marks look-alikes
 * (`escape` in render/blocks), so a raw `<…>` is a link or mention the bot made, and every text is un-escaped from
 * mrkdwn and then escaped for HTML. Links go only to http(s) addresses; a bold PBI key links to its page.
 */
export function mrkdwnToHtml(mrkdwn: string, links: WebLinks): string {
  const made: string[] = [];
  const hold = (html: string) => `${HOLE}${made.push(html) - 1}${HOLE}`;
  let text = mrkdwn.replaceAll(HOLE, '');
  // code first: inside it `<days>` is text, not a link
  text = text.replace(/`([^`\n]*)`/g, (_m, inner: string) => hold(`<code>${plain(inner)}</code>`));
  text = text.replace(/<([^<>]*)>/g, (_m, inner: string) => hold(linkHtml(inner)));
  // the marks first, then the look-alikes back: a user's `*` must never make bold
  text = fromLookAlikes(
    escapeHtml(unescaped(text))
      .replace(BOLD, (_m, before: string, inner: string) => `${before}${hold(boldHtml(inner, links))}`)
      .replace(ITALIC, '$1<em>$2</em>')
      .replace(STRUCK, '$1<s>$2</s>')
      .replace(/\n/g, '<br>'),
  );
  // a bold key may hold a code span: pieces go back in until none is left (each pass empties one level)
  const piece = new RegExp(`${HOLE}(\\d+)${HOLE}`, 'g');
  while (text.includes(HOLE)) text = text.replace(piece, (_m, i: string) => made[Number(i)]);
  return text;
}

/** mrkdwn text (entities, look-alike marks) as escaped HTML text, marks left for the caller. */
function plain(mrkdwn: string): string {
  return escapeHtml(fromLookAlikes(unescaped(mrkdwn)));
}

const unescaped = (mrkdwn: string) => mrkdwn.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** `<https://…|label>` as a link (no referrer: the page's address holds its token); a mention as `@name`. */
function linkHtml(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? inner : inner.slice(bar + 1);
  if (/^https?:\/\//i.test(target)) {
    const href = target.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/%7C/g, '|');
    return `<a href="${escapeHtml(href)}" rel="noreferrer noopener">${plain(label)}</a>`;
  }
  if (/^[@!#]/.test(target)) return `@${plain(label.replace(/^[@!#]/, ''))}`;
  return plain(`<${inner}>`); // not a link Slack would make either: shown as written
}

function boldHtml(inner: string, links: WebLinks): string {
  const restored = inner.replace(new RegExp(`${HOLE}\\d+${HOLE}`, 'g'), '');
  const key = fromLookAlikes(restored);
  // a PBI's key in bold (the board's lines, a card's dependencies); labels such as *Stage* have no digit
  const strong = `<strong>${fromLookAlikes(inner)}</strong>`;
  if (restored === inner && /\d/.test(key) && isPbiKey(key))
    return `<a href="${escapeHtml(links.pbiHref(key))}">${strong}</a>`;
  return strong;
}
