import { shortenedTitle } from './limits';

/** What a Slack message suggests for a PBI made from it: the person checks and changes it before it is added. */
export type MessagePbi = { title: string; teams: string[] };

/**
 * A PBI's title from a message's first line that has words (Slack's markup made readable: `<@U1>` mentions as `@U1`,
 * `<https://…|label>` links as their label, `*bold*` marks dropped), and the Nexus's teams the message names.
 */
export function pbiFromMessage(text: string, teams: readonly string[]): MessagePbi {
  const readable = readableText(text);
  const line = readable.split('\n').find((l) => l.trim()) ?? '';
  const lower = readable.toLowerCase();
  return {
    title: shortenedTitle(line.trim().replace(/\s+/g, ' ')),
    teams: teams.filter((team) =>
      new RegExp(`(^|[^\\p{L}\\p{N}])${escaped(team.toLowerCase())}($|[^\\p{L}\\p{N}])`, 'u').test(lower),
    ),
  };
}

/** A block a Slack message suggests: the first PBI-like key it names (`PBI-7`, `SHOP-12`), and its first line. */
export type MessageBlock = { key: string; reason: string };

export function blockFromMessage(text: string, reasonRoom: number): MessageBlock {
  const readable = readableText(text);
  const line = (readable.split('\n').find((l) => l.trim()) ?? '').trim().replace(/\s+/g, ' ');
  const key = /(?:^|[^\p{L}\p{N}-])(\p{L}[\p{L}\p{N}_]*-\d+)(?![\p{L}\p{N}])/u.exec(readable)?.[1] ?? '';
  return { key, reason: [...line].slice(0, Math.max(reasonRoom, 0)).join('') };
}

function readableText(text: string): string {
  return text
    .replace(/<([^|<>]+)\|([^<>]+)>/g, '$2') // a link or mention with its label
    .replace(/<([@#])([^<>]+)>/g, '$1$2') // a mention without: its id
    .replace(/<!?([^<>]+)>/g, '$1') // a link or a special mention without
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/(^|\s)[*_~]+|[*_~]+(?=\s|$)/g, '$1');
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
