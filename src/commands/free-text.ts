import { code } from '../render/blocks';
import { type Invalid, invalid } from './command';
import { isQuoted } from './tokenize';

/**
 * Free text (a PBI's title, a reason) from the words left for it. Typed in quotes, it is what the quotes hold; typed
 * bare, it is the words as typed, quotes and all (`waiting for "legal" review`). Quotes followed by more words
 * (`"Apple Pay" support`) could mean either, so they are refused with both forms. `raw` is absent when the words
 * come from a button or a form: then they are the text.
 */
export function freeText(
  words: readonly string[],
  raw: readonly string[] | undefined,
  what: { noun: string; command: string },
): string | Invalid {
  if (!raw || words.length === 0) return words.join(' ');
  if (!isQuoted(raw[0])) return raw.join(' ');
  if (words.length === 1) return words[0];
  const rest = raw.slice(1).join(' ');
  const whole = words.join(' ');
  const asTyped = raw.join(' ');
  return invalid(
    `The ${what.noun} is in quotes and ${code(clip(rest))} follows them: is it part of the ${what.noun}? ` +
      `Quote the whole ${what.noun}: ${code(`${what.command} "${clip(escapeIn(whole, '"'))}"`)}; ` +
      `to keep the quotes in it, quote it with the other kind: ${code(`${what.command} '${clip(escapeIn(asTyped, "'"))}'`)}.`,
  );
}

/** The text as it must be typed inside `quote`: that quote and `\` escaped. */
function escapeIn(text: string, quote: string): string {
  return text.replace(/\\/g, '\\\\').replaceAll(quote, `\\${quote}`);
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);
