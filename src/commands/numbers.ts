import { MAX_WIP_LIMIT } from '../domain/limits';
import { code } from '../render/blocks';
import { type Invalid, invalid } from './command';

/**
 * A whole number as typed, from `min` to `max`; null for anything else. Only digits count: JavaScript's Number would
 * take `+2`, `1e3`, `0x10` and `2.0` as numbers, so every command reads its numbers here and refuses those.
 */
export function wholeNumber(word: string | undefined, min: number, max: number): number | null {
  if (word === undefined || !/^\d{1,15}$/.test(word)) return null;
  const n = Number(word);
  return n >= min && n <= max ? n : null;
}

/** What a WIP limit is, in words: a whole number from 1 to MAX_WIP_LIMIT. */
export const WIP_LIMIT_RULE = `a whole number from 1 to ${MAX_WIP_LIMIT}`;

/** A stage's WIP limit as typed; `orNone` when `none` (no limit) is also taken there. */
export function parseWipLimit(word: string, opts: { orNone?: boolean } = {}): number | Invalid {
  const none = opts.orNone ? ', or `none` for no limit' : '';
  return (
    wholeNumber(word, 1, MAX_WIP_LIMIT) ??
    invalid(`A WIP limit is ${WIP_LIMIT_RULE}${none}: ${code(word.slice(0, 20))} is not one.`)
  );
}
