import { code, context, link, section } from './blocks';
import { ephemeral, type Reply } from './reply';

/** What `/nexus share` came to: a new link (shown this once), one already there, turned off, or no address to give. */
export type ShareOutcome =
  | { opened: string }
  | { problem: 'share-exists' }
  | { closed: boolean }
  | { problem: 'no-public-url' };

/** The answer to `/nexus share`: always to the NIT member alone, since the link opens the board to whoever has it. */
export function renderShare(outcome: ShareOutcome): Reply {
  if ('opened' in outcome)
    return ephemeral("A read-only link to this Nexus's board", [
      section(
        `${link('Open the board', outcome.opened)}: anyone with this link can read this Nexus's board, aging, ` +
          `charts, backlog forecast and PBIs, and change nothing.\n${code(outcome.opened)}`,
      ),
      context(
        'It is shown only this once and only to you: keep it like a password. ' +
          '`/nexus share off` turns it off for everyone.',
      ),
    ]);
  if ('closed' in outcome)
    return ephemeral(
      outcome.closed
        ? "The link to this Nexus's board is off: it answers 404 now. `/nexus share` makes a new one."
        : 'This Nexus has no link to its board. `/nexus share` makes one.',
    );
  if (outcome.problem === 'share-exists')
    return ephemeral(
      'This Nexus already has a link to its board, and it is never shown twice. ' +
        `For a new one: ${code('/nexus share off')}, then ${code('/nexus share')}.`,
    );
  return ephemeral(
    'This app has no public address for the link: its operator sets `PUBLIC_URL` (see docs/operations.md).',
  );
}
