import { shortenedTitle } from './limits';
import { isPbiKey } from './pbi-key';

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

/** A link a Slack message suggests: the first PBI-like key it names, and its first line as the note. */
export type MessageLink = { key: string; note: string };

export function linkFromMessage(text: string, noteRoom: number): MessageLink {
  const { key, reason } = blockFromMessage(text, noteRoom);
  return { key, note: reason };
}

/** Candidates a message of the bot's gives at most: more is no announcement a reaction can be about. */
export const MAX_KEYS_NAMED = 10;

/**
 * The PBI keys a message of the bot's names, in order, each once: those its buttons carry (their values are JSON with
 * a `key`), then those its mrkdwn shows in code (a tracker move's `SHOP-12`, of any form) or as words like PBI-7.
 * Candidates only: the caller keeps those its Nexus has.
 */
export function pbiKeysNamed(texts: readonly string[], buttonValues: readonly string[]): string[] {
  const keys: string[] = [];
  for (const value of buttonValues) {
    const key = keyOfButton(value);
    if (key) keys.push(key);
  }
  for (const text of texts) {
    for (const m of text.matchAll(/`([^`\s]+)`|(?:^|[^\p{L}\p{N}-])(\p{L}[\p{L}\p{N}_]*-\d+)(?![\p{L}\p{N}])/gu))
      keys.push(m[1] ?? m[2]);
  }
  return [...new Set(keys.filter(isPbiKey))].slice(0, MAX_KEYS_NAMED);
}

function keyOfButton(value: string): string | null {
  try {
    const parsed = JSON.parse(value) as { key?: unknown } | null;
    return typeof parsed?.key === 'string' ? parsed.key : null;
  } catch {
    return null;
  }
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
