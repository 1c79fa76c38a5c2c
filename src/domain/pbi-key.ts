import { MAX_KEY } from './limits';

/**
 * What a PBI key is, for every door a key comes in by: `/pbi add --key`, every `/pbi` and `/forecast` command that
 * names a PBI, the buttons, and every tracker's deliveries. A key is what people type after `/pbi show`, so it is one
 * word that reads the same wherever it is typed: letters, digits and `-_.#/` (Jira's `NEX-123`, GitHub's and
 * GitLab's `owner/repository#45`, Azure's `AB#7`, Linear's `ENG-12`, GitHub project items' `I_kwDO…` all are), starting
 * with a letter or digit (a word starting with `-` is a flag or a team taken away) and not a number (`/forecast 12`
 * asks when 12 PBIs will be done, and `/forecast 3.5` is a wrong count, not a key). A space, a quote, `<`, `>` or `&` never make one: Slack turns `<` into an entity and
 * quotes group words, so such a key could be stored but never reached.
 */
const KEY_CHARACTER = /[A-Za-z0-9_.#/-]/;

/** Why a text is not a PBI key; `character` is the one that breaks the rule. */
export type KeyFault =
  | { why: 'empty' | 'too-long' | 'space' | 'number' }
  | { why: 'character' | 'start'; character: string };

/** Why `key` is not a PBI key, or null when it is one. */
export function pbiKeyFault(key: string): KeyFault | null {
  const characters = [...key];
  if (characters.length === 0) return { why: 'empty' };
  if (characters.length > MAX_KEY) return { why: 'too-long' };
  const stray = characters.find((c) => !KEY_CHARACTER.test(c));
  if (stray !== undefined) return /\s/.test(stray) ? { why: 'space' } : { why: 'character', character: stray };
  if (!/^[A-Za-z0-9]/.test(key)) return { why: 'start', character: characters[0] };
  if (looksLikeNumber(key)) return { why: 'number' };
  return null;
}

/** A word someone meant as a number, whole or not (`12`, `-3`, `3.5`, `1e3`, `+2`, `1,5`): never a PBI's key. */
export function looksLikeNumber(word: string): boolean {
  return /^[-+]?(\d+([.,]\d*)?|[.,]\d+)(e[-+]?\d+)?$/i.test(word);
}

export function isPbiKey(key: string): boolean {
  return pbiKeyFault(key) === null;
}

/**
 * The fault and the rule in one sentence each. `quote` shows a character or an example as the door shows code: in
 * backticks in a tracker's answer, as Slack code in a reply.
 */
export function explainKeyFault(fault: KeyFault, quote: (text: string) => string): string {
  const reason = {
    empty: 'it is empty',
    'too-long': `it is longer than ${MAX_KEY} characters`,
    space: 'it has a space',
    number: `it is a number (${quote('/forecast 12')} asks when 12 PBIs will be done)`,
    character: 'character' in fault ? `it has ${quote(fault.character)}` : '',
    start: 'character' in fault ? `it starts with ${quote(fault.character)}` : '',
  }[fault.why];
  return `${reason}. A key is one word of letters, digits and ${quote('-_.#/')} (at most ${MAX_KEY} characters), starting with a letter or digit and not a number, like ${quote('NEX-123')} or ${quote('acme/shop#45')}.`;
}
