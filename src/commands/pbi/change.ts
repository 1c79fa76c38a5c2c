import type { PbiEvent } from '../../domain/events';
import { MAX_KEY, MAX_REASON } from '../../domain/limits';
import type { Nexus } from '../../domain/nexus';
import type { Pbi } from '../../domain/pbi';
import type { PbiProblem } from '../../domain/pbi-decisions';
import type { DuplicateKey, Recorded, UnknownPbi } from '../../store/pbi-repository';
import { code, context, section } from '../blocks';
import { type Invalid, invalid, isInvalid } from '../command';
import { pbiButtons } from '../pbi-buttons';
import { explain, isProblem } from '../problems';
import { pbiLine } from '../render-pbi';
import { inChannel, type Reply, refusal } from '../reply';

export type ChangeOutcome = Recorded | PbiProblem | UnknownPbi | DuplicateKey;

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

/** A change everyone in the Nexus channel should see: one line saying what happened, the PBI as it is now. */
export function renderChange(
  outcome: ChangeOutcome,
  nexus: Nexus,
  usage: string,
  say: (pbi: Pbi, event: PbiEvent) => string,
  extra: string[] = [],
): Reply {
  if (isProblem(outcome)) return refusal(explain(outcome), usage);
  const headline = say(outcome.pbi, outcome.event);
  const blocks = [
    section(`${headline}\n${pbiLine(outcome.pbi, null)}`),
    ...extra.map((e) => context(e)),
    ...pbiButtons(outcome.pbi, nexus),
  ];
  return inChannel(headline, blocks);
}

export const by = (event: PbiEvent): string => `<@${event.actor}>`;
