import { ANSWER_NOT_SHOWN, NOT_INSTALLED } from '../domain/expected-failure';

/**
 * What the person hears when their Slack request failed (app.error), by the failure's code: a change made whose answer
 * could not be sent must not say nothing changed; anything else changed nothing.
 */
export function apology(code: string | undefined): string {
  if (code === ANSWER_NOT_SHOWN)
    return "Nexus Flow did what you asked, but Slack would not show its answer here. Don't type it again: `/flow board` or `/pbi show <key>` shows where things stand now.";
  if (code === NOT_INSTALLED)
    return 'Nexus Flow is not installed in this workspace any more; ask an admin to install it again. Nothing was changed.';
  return 'Sorry, Nexus Flow failed to do that; nothing was changed by this request. Please try again in a moment.';
}

/** What a request sent again (a replay) is answered: it was acknowledged and did nothing again. */
export const REPLAY_REFUSED = 'This exact request was already received; nothing was done again.';
