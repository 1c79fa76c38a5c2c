import type { Invalid } from '../commands/command';
import { MAX_NEXUS_NAME, MAX_STAGE_NAME, MAX_STAGES, MAX_TEAM_NAME, MAX_TEAMS } from '../domain/limits';
import type { TeamsProblem } from '../domain/nexus';
import type { WorkflowProblem } from '../domain/workflow';
import { type Block, escape, type Input, type Modal, plainText } from './blocks';
import { explain } from './problems';

export const SETUP_VIEW = 'nexus.setup';

const DEFAULT_STAGES = 'discovery\nrefining\nready\nsprint-backlog\nin-progress:6\nintegrated\nreleased\nlearning';

const input = (blockId: string, label: string, element: Input['element'], hint?: string, optional = false): Input => ({
  type: 'input',
  block_id: blockId,
  label: { type: 'plain_text', text: label },
  element,
  optional,
  ...(hint ? { hint: { type: 'plain_text', text: hint } } : {}),
});
/** Slack stops typing at `maxLength`; the same limits are checked again on submit. */
const text = (actionId: string, initial: string, maxLength: number, multiline = false): Input['element'] => ({
  type: 'plain_text_input',
  action_id: actionId,
  initial_value: initial,
  multiline,
  max_length: maxLength,
});
/** Room for every stage (`name:NNNN` and a line break) and every team (`name, `) the limits allow. */
const STAGES_TEXT = MAX_STAGES * (MAX_STAGE_NAME + 6);
const TEAMS_TEXT = MAX_TEAMS * (MAX_TEAM_NAME + 2);

/**
 * The Nexus set-up form: teams, stages with WIP limits, start and finish, time zone, digest time. `existing` is the
 * name of the Nexus the channel has already, which the form warns of.
 */
export function setupForm(existing: string | null, privateMetadata: string): Modal {
  const warning: Block[] = existing
    ? [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `:warning: This channel already has the Nexus *${escape(existing)}*.` },
        },
      ]
    : [];
  return {
    type: 'modal',
    callback_id: SETUP_VIEW,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: 'Set up the Nexus' },
    submit: { type: 'plain_text', text: 'Create' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      ...warning,
      input('name', 'Nexus name', text('value', 'Nexus', MAX_NEXUS_NAME)),
      input(
        'teams',
        'Scrum Teams',
        text('value', '', TEAMS_TEXT),
        `Comma-separated, e.g. Alpha, Beta, Gamma (at most ${MAX_TEAMS})`,
        true,
      ),
      input(
        'stages',
        'Stages, in order',
        text('value', DEFAULT_STAGES, STAGES_TEXT, true),
        `One per line (at most ${MAX_STAGES}); name:N gives a WIP limit of N`,
      ),
      input('start', 'Flow starts in', text('value', 'in-progress', MAX_STAGE_NAME)),
      input('finish', 'Flow finishes in (Done)', text('value', 'integrated', MAX_STAGE_NAME)),
      input(
        'zone',
        'Time zone (IANA)',
        text('value', 'Europe/Berlin', 64),
        'Dates and the digest use it, e.g. America/New_York',
      ),
      input('digest', 'Daily digest at', { type: 'timepicker', action_id: 'value', initial_time: '09:30' }),
    ],
  };
}

/**
 * What is wrong with one field of the form: the name missing or too long, the teams or the workflow refused by the
 * domain (worded by explain), the stages' own parse hint (an Invalid, as /nexus setup shows it), a time zone not
 * known, no digest time.
 */
export type SetupFault =
  | { problem: 'invalid-nexus-name' }
  | { problem: 'unknown-zone'; zone: string }
  | { problem: 'no-digest-time' }
  | TeamsProblem
  | WorkflowProblem
  | Invalid;
export type SetupField = 'name' | 'teams' | 'stages' | 'start' | 'finish' | 'zone' | 'digest';
export type SetupFaults = Partial<Record<SetupField, SetupFault>>;

/** The errors the form shows beside its fields, in the order found; plain text, as Slack shows them there. */
export function setupErrors(faults: SetupFaults): Record<string, string> {
  return Object.fromEntries(Object.entries(faults).map(([field, fault]) => [field, fieldError(fault)]));
}

function fieldError(fault: SetupFault): string {
  if ('invalid' in fault) return plainText(fault.invalid);
  switch (fault.problem) {
    case 'invalid-nexus-name':
      return `Give the Nexus a name of at most ${MAX_NEXUS_NAME} characters.`;
    case 'unknown-zone':
      return `${fault.zone || 'This'} is not an IANA time zone; try Europe/Berlin or America/New_York.`;
    case 'no-digest-time':
      return 'Pick a time.';
    default:
      return plainText(explain(fault));
  }
}
