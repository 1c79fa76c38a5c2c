/**
 * Splits a command line into words. Quotes at the start of a word group words: "…", '…', and the curly quotes Slack's
 * clients type; a quote inside a word (customer's) is just a character.
 */
export type Tokens = { ok: true; words: string[] } | { ok: false; message: string };

const CLOSING: Record<string, string> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’', '’': '’', '„': '“' };

export function tokenize(line: string): Tokens {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let closing: string | null = null;
  let openedAt = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (closing !== null) {
      if (ch === closing || (closing === '"' && ch === '”')) closing = null;
      else word += ch;
    } else if (ch in CLOSING && !inWord) {
      closing = CLOSING[ch];
      openedAt = i;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (closing !== null) return { ok: false, message: `A quote opened at character ${openedAt + 1} is never closed.` };
  if (inWord) words.push(word);
  return { ok: true, words };
}
