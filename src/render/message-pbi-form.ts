import { MAX_KEY, MAX_LINK_NOTE, MAX_TITLE } from '../domain/limits';
import type { MessageBlock, MessageLink, MessagePbi } from '../domain/message-pbi';
import type { Nexus } from '../domain/nexus';
import { code, escape, type Input, type Modal, multiSelect, section, select } from './blocks';

export const MESSAGE_PBI_VIEW = 'pbi.add-from-message';
export const MESSAGE_NEXUS_VIEW = 'pbi.add-from-message.nexus';
export const MESSAGE_BLOCK_VIEW = 'pbi.block-with-message';
export const MESSAGE_LINK_VIEW = 'pbi.link-from-message';
/** Link to a PBI's title, on its forms. */
export const LINK_TITLE = 'Link to a PBI';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/**
 * "Add as PBI" on a message: the PBI the message suggests, to check before it is added to `nexus` — title, teams,
 * stage (its first unless changed) and an optional key. The message's link goes on the PBI.
 */
export function messagePbiForm(nexus: Nexus, suggested: MessagePbi, privateMetadata: string): Modal {
  const stages = nexus.workflow.stages.map((s) => ({ text: s.name, value: s.name }));
  const teams = nexus.teams.map((t) => ({ text: t, value: t }));
  const field = (block_id: string, label: string, element: Input['element'], optional = false): Input => ({
    type: 'input',
    block_id,
    label: plain(label),
    element,
    ...(optional ? { optional } : {}),
  });
  return {
    type: 'modal',
    callback_id: MESSAGE_PBI_VIEW,
    private_metadata: privateMetadata,
    title: plain('Add as PBI'),
    submit: plain('Add'),
    close: plain('Cancel'),
    blocks: [
      section(`To the Product Backlog of *${nexus.name}*; the PBI keeps a link to the message.`),
      field('title', 'Title', {
        type: 'plain_text_input',
        action_id: 'value',
        ...(suggested.title ? { initial_value: suggested.title } : {}),
        max_length: MAX_TITLE,
      }),
      ...(teams.length
        ? [field('teams', 'Teams', multiSelect('value', 'Teams it needs', teams, suggested.teams), true)]
        : []),
      field('stage', 'Stage', select('value', 'Stage', stages, stages[0]?.value)),
      field('key', 'Key', { type: 'plain_text_input', action_id: 'value', max_length: MAX_KEY }, true),
    ],
  };
}

/**
 * "Block a PBI with this" on a message: which PBI (the key the message names, if any) and why (its first line, in
 * `reasonRoom` characters: the message's link follows the reason).
 */
export function messageBlockForm(
  nexus: Nexus,
  suggested: MessageBlock,
  reasonRoom: number,
  privateMetadata: string,
): Modal {
  return {
    type: 'modal',
    callback_id: MESSAGE_BLOCK_VIEW,
    private_metadata: privateMetadata,
    title: plain('Block a PBI'),
    submit: plain('Block'),
    close: plain('Cancel'),
    blocks: [
      section(`A PBI of *${nexus.name}* waits on what this message is about; its link goes with the reason.`),
      textInput('key', 'PBI', suggested.key, MAX_KEY),
      textInput('reason', 'What is it waiting for?', suggested.reason, reasonRoom),
    ],
  };
}

/**
 * "Link to a PBI" on a message: which PBI (the key the message names, if any) and a note saying what the conversation
 * is (its first line); the thread's link goes into the PBI's history.
 */
export function messageLinkForm(nexus: Nexus, suggested: MessageLink, privateMetadata: string): Modal {
  return {
    type: 'modal',
    callback_id: MESSAGE_LINK_VIEW,
    private_metadata: privateMetadata,
    title: plain(LINK_TITLE),
    submit: plain('Link'),
    close: plain('Cancel'),
    blocks: [
      section(
        `The conversation's link goes into the history of a PBI of *${escape(nexus.name)}*, for its decision trail.`,
      ),
      textInput('key', 'PBI', suggested.key, MAX_KEY),
      textInput('note', 'What was decided or talked about?', suggested.note, MAX_LINK_NOTE, true),
    ],
  };
}

/** The thread's short answer once it is linked: where its link went. */
export function linkedInThread(key: string, nexusName: string): string {
  return `🔗 This conversation is linked to *${escape(key)}* in ${escape(nexusName)}: ${code(`/pbi show ${key}`)} lists it.`;
}

/** "Link to a PBI" where the person is in no Nexus channel. */
export const LINK_NO_NEXUS =
  'Link to a PBI links to a PBI of a Nexus whose channel you are in, and you are in none here. Ask to be added to ' +
  "your Scrum Teams' shared channel, where Nexus Flow is.";

/** "Link to a PBI" on a message Slack no longer shows the bot. */
export const LINK_MESSAGE_GONE =
  'Nexus Flow cannot see that conversation any more (deleted, or in a private conversation it is not in), so it ' +
  'cannot link it: nothing was linked. Copy its link into `/pbi link <key> <url>` instead.';

/** Outside a Nexus channel, with several Nexuses the person is in: which one the PBI is for, first. */
export function messageNexusForm(nexuses: readonly Nexus[], privateMetadata: string, title = 'Add as PBI'): Modal {
  const choices = nexuses.map((n) => ({ text: n.name, value: n.channelId }));
  return {
    type: 'modal',
    callback_id: MESSAGE_NEXUS_VIEW,
    private_metadata: privateMetadata,
    title: plain(title),
    submit: plain('Next'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'nexus',
        label: plain('Which Nexus is it for?'),
        element: select('value', 'Nexus', choices, choices[0]?.value),
      },
    ],
  };
}

/** "Add as PBI" where the person is in no Nexus channel. */
export const NO_NEXUS =
  'Add as PBI adds to a Nexus whose channel you are in, and you are in none here. Invite Nexus Flow to your ' +
  "Scrum Teams' shared channel and type `/nexus setup` there, or ask to be added to that channel.";

/** "Add as PBI" on a message Slack no longer shows the bot. */
export const MESSAGE_GONE =
  'Nexus Flow cannot see that message any more (deleted, or in a private conversation it is not in), so it cannot ' +
  'link a PBI to it: nothing was added. Copy its text into `/pbi add` instead.';

/** The Nexus chosen went away while the form was open. */
export const NEXUS_GONE = 'That Nexus is gone; choose another.';

/** A one-line field of these forms, pre-filled when there is something to suggest. */
function textInput(block_id: string, label: string, initial: string, max: number, optional = false): Input {
  return {
    type: 'input',
    block_id,
    label: plain(label),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      ...(initial ? { initial_value: initial } : {}),
      max_length: max,
    },
    ...(optional ? { optional } : {}),
  };
}
