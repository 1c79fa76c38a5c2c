import { MAX_REASON } from '../domain/limits';
import type { Modal } from './blocks';

export const BLOCK_VIEW = 'pbi.block-reason';

/** "Block…" on a PBI card asks why: a blocked mark without a reason helps no one. */
export function blockForm(key: string, privateMetadata: string): Modal {
  return {
    type: 'modal',
    callback_id: BLOCK_VIEW,
    private_metadata: privateMetadata,
    title: { type: 'plain_text', text: `Block ${key}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Block' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: { type: 'plain_text', text: 'What is it waiting for?' },
        element: { type: 'plain_text_input', action_id: 'value', max_length: MAX_REASON },
      },
    ],
  };
}

/** The error beside the reason when none was given. */
export const REASON_NEEDED = 'Say what it is waiting for, so others can help.';
