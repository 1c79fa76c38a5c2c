import { type Invalid, invalid } from './command';

/**
 * Splits a command line into words. A quote groups words: "…", '…', and the curly quotes Slack's clients type (“…”,
 * ‘…’, „…“). It opens at the start of a word, or after `=`, `,`, `+` or `-` (`--name="Shop Nexus"`,
 * `+"Team A"`); anywhere else it is a character (12" screen). It closes where a word can end: a quote followed by a
 * letter or digit is an apostrophe ('Don't panic', customer's). Inside a quote, `\` before the closing quote or
 * before `\` takes it as a character ("Say \"hi\""); curly quotes nest (“Say “hi” to all”).
 */
export type Tokens = { words: string[]; raw: string[] };

type Quote = { closers: string; nests: boolean };
const QUOTES: Record<string, Quote> = {
  '"': { closers: '"”', nests: false },
  "'": { closers: "'’", nests: false },
  '“': { closers: '”"', nests: true },
  '”': { closers: '”', nests: false },
  '‘': { closers: "’'", nests: true },
  '’': { closers: '’', nests: false },
  '„': { closers: '“”', nests: true },
  '‚': { closers: '‘’', nests: false },
};
/** Where a quote may open inside a word: after these. */
const OPENS_AFTER = '=,+-';
const WORD_GOES_ON = /[\p{L}\p{N}]/u;

/** A word typed in quotes (its raw text starts with one): its quotes group it, they are not part of it. */
export function isQuoted(raw: string): boolean {
  return raw.length > 0 && raw[0] in QUOTES;
}

/** The words of a line, each also as typed; or, for a quote never closed, parse's refusal saying where it opened. */
export function tokenize(line: string): Tokens | Invalid {
  const words: string[] = [];
  const raw: string[] = [];
  let word = '';
  let start = -1;
  let quote: { opener: string; at: number; depth: number } | null = null;
  const end = (i: number) => {
    if (start >= 0) {
      words.push(word);
      raw.push(line.slice(start, i));
    }
    word = '';
    start = -1;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote !== null) {
      const { closers, nests } = QUOTES[quote.opener];
      const next = line[i + 1];
      if (ch === '\\' && next !== undefined && (closers.includes(next) || next === '\\')) {
        word += next;
        i++;
      } else if (closers.includes(ch) && (next === undefined || !WORD_GOES_ON.test(next))) {
        if (quote.depth === 0) quote = null;
        else {
          quote.depth--;
          word += ch;
        }
      } else {
        if (nests && ch === quote.opener && (i === 0 || /\s/.test(line[i - 1]))) quote.depth++;
        word += ch;
      }
    } else if (/\s/.test(ch)) {
      end(i);
    } else {
      const opens = ch in QUOTES && (start < 0 || OPENS_AFTER.includes(line[i - 1]));
      if (start < 0) start = i;
      if (opens) quote = { opener: ch, at: i, depth: 0 };
      else word += ch;
    }
  }
  if (quote !== null) {
    return invalid(
      `A quote opened at character ${quote.at + 1} is never closed. Inside quotes, write a quote as \\" (or use the other kind: '…"…').`,
    );
  }
  end(line.length);
  return { words, raw };
}
