import { localDate } from '../domain/calendar';
import type { PbiEvent } from '../domain/events';
import type { Nexus } from '../domain/nexus';
import type { Pbi } from '../domain/pbi';
import type { PbiProblem } from '../domain/pbi-decisions';
import type { DuplicateKey, Recorded, UnknownPbi } from '../store/pbi-repository';
import { context, section } from './blocks';
import { linksMark, pbiLine } from './pbi';
import { pbiButtons } from './pbi-buttons';
import { isProblem, refuse } from './problems';
import { inChannel, type Reply } from './reply';

export type ChangeOutcome = Recorded | PbiProblem | UnknownPbi | DuplicateKey;

/** A change everyone in the Nexus channel should see: one line saying what happened, the PBI as it is now. */
export function renderChange(
  outcome: ChangeOutcome,
  nexus: Nexus,
  usage: string,
  say: (pbi: Pbi, event: PbiEvent) => string,
  extra: string[] = [],
): Reply {
  if (isProblem(outcome)) return refuse(outcome, usage);
  const headline = say(outcome.pbi, outcome.event);
  const blocks = [
    section(`${headline}\n${pbiLine(outcome.pbi, null, undefined, localDate(outcome.event.at, nexus.timeZone))}`),
    ...[...extra, linksMark(outcome.pbi)].filter(Boolean).map((e) => context(e)),
    ...pbiButtons(outcome.pbi, nexus),
  ];
  return inChannel(headline, blocks);
}

export const by = (event: PbiEvent): string => `<@${event.actor}>`;
