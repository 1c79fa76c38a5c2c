import { code } from '../../render/blocks';
import { type Invalid, invalid } from '../command';

/** parse for reports that take no words. */
export function noInput(words: string[]): Record<string, never> | Invalid {
  return words.length ? invalid(`This report takes no arguments (got ${code(words.join(' ').slice(0, 40))}).`) : {};
}
