import { code } from '../render/blocks';
import { type Invalid, invalid } from './command';

/**
 * Separates `--name value` (or `--name=value`) flags from positional words, refusing flags a command doesn't take.
 * A bare `--` ends the flags, as on any command line: what follows is positional even when it starts with `--`.
 */
export type Parsed<F extends string> = {
  positional: string[];
  /** the positional words as typed, when `raw` was given (see `tokenize`) */
  positionalRaw?: string[];
  flags: Partial<Record<F, string>>;
};

export function parseFlags<F extends string>(
  words: readonly string[],
  allowed: readonly F[],
  raw?: readonly string[],
): Parsed<F> | Invalid {
  const at: number[] = [];
  const flags: Partial<Record<F, string>> = {};
  const done = (): Parsed<F> => ({
    positional: at.map((i) => words[i]),
    ...(raw && { positionalRaw: at.map((i) => raw[i] ?? words[i]) }),
    flags,
  });
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') {
      for (let j = i + 1; j < words.length; j++) at.push(j);
      break;
    }
    if (!word.startsWith('--')) {
      at.push(i);
      continue;
    }
    const [rawName, inline] = splitOnce(word.slice(2), '=');
    const name = rawName.toLowerCase() as F;
    if (!allowed.includes(name)) {
      const known = allowed.length ? ` It takes ${allowed.map((f) => `--${f}`).join(', ')}.` : ' It takes no flags.';
      return invalid(
        `Unknown flag ${code(`--${rawName.slice(0, 30)}`)}.${known} A word that starts with \`--\` goes after a bare \`--\`, which ends the flags.`,
      );
    }
    if (name in flags) return invalid(`${code(`--${name}`)} is given twice.`);
    const value = inline ?? words[++i];
    if (value === undefined || value === '') return invalid(`${code(`--${name}`)} needs a value.`);
    flags[name] = value;
  }
  return done();
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

/** Names given as `Alpha,Beta`, `Alpha Beta` or a mix. */
export function splitList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}
