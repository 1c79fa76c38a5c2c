import { MAX_KEY, MAX_REASON } from '../../domain/limits';
import { code } from '../../render/blocks';
import { type Invalid, invalid, isInvalid } from '../command';

/** A PBI key as typed: one word, no spaces. */
export function parseKey(word: string | undefined): string | Invalid {
  if (!word) return invalid('Which PBI? Give its key, e.g. `PBI-7`.');
  if (word.length > MAX_KEY || /[\s<>]/.test(word)) return invalid(`${code(word.slice(0, 40))} is not a PBI key.`);
  return word;
}

/** `<key> <reason…>`: the key, and the rest of the words as the reason ('' when none is given). */
export function parseKeyAndReason(words: readonly string[]): { key: string; reason: string } | Invalid {
  const key = parseKey(words[0]);
  if (isInvalid(key)) return key;
  const reason = words.slice(1).join(' ').trim();
  if (reason.length > MAX_REASON) return invalid(`A reason is at most ${MAX_REASON} characters.`);
  return { key, reason };
}
