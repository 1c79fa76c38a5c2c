import { MAX_REASON } from '../../domain/limits';
import { explainKeyFault, pbiKeyFault } from '../../domain/pbi-key';
import { code } from '../../render/blocks';
import { type Invalid, invalid, isInvalid } from '../command';
import { freeText } from '../free-text';

/** A PBI key as typed, by the domain's one rule for keys (`pbiKeyFault`). */
export function parseKey(word: string | undefined): string | Invalid {
  if (!word) return invalid('Which PBI? Give its key, e.g. `PBI-7`.');
  return keyFault(word) ?? word;
}

/** The refusal for a word that is not a PBI key, saying why and what a key is; null for a key. */
export function keyFault(word: string): Invalid | null {
  const fault = pbiKeyFault(word);
  return fault && invalid(`${code(word.slice(0, 40))} is not a PBI key: ${explainKeyFault(fault, code)}`);
}

/** `<key> <reason…>`: the key, and the rest of the words as the reason ('' when none is given). */
export function parseKeyAndReason(
  words: readonly string[],
  raw: readonly string[] | undefined,
  command: string,
): { key: string; reason: string } | Invalid {
  const key = parseKey(words[0]);
  if (isInvalid(key)) return key;
  const text = freeText(words.slice(1), raw?.slice(1), { noun: 'reason', command: `${command} ${key}` });
  if (isInvalid(text)) return text;
  const reason = text.trim();
  if (reason.length > MAX_REASON) return invalid(`A reason is at most ${MAX_REASON} characters.`);
  return { key, reason };
}
