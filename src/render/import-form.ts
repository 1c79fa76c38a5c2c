import type { ImportFaults, ImportFormStart } from '../commands/nexus/import-form';
import type { TrackerKind } from '../domain/tracker';
import { type Input, type Modal, plainText, section } from './blocks';
import { IMPORT_HINTS } from './import-hints';
import { explainImportFailure } from './import-news';
import { TRACKER_NAMES } from './tracker-news';

export const IMPORT_VIEW = 'nexus.import';

/** Slack caps a modal's title at 24 characters and a placeholder at 150. */
const TITLE = 24;
const PLACEHOLDER = 150;
/** Room for any tracker's address and token (a Jira email and API token is about 250 characters). */
const URL_TEXT = 2_000;
const TOKEN_TEXT = 2_000;
/** Slack's most for a text box: a long JQL fits. */
const QUERY_TEXT = 3_000;

const plain = (text: string, max = Number.POSITIVE_INFINITY) => ({
  type: 'plain_text' as const,
  text: text.slice(0, max),
});

function textBox(initial: string, example: string, maxLength: number): Input['element'] {
  return {
    type: 'plain_text_input',
    action_id: 'value',
    ...(initial ? { initial_value: initial } : {}),
    placeholder: plain(example, PLACEHOLDER),
    max_length: maxLength,
  };
}

/**
 * `/nexus import <tracker>` as a form, for a NIT member who typed no token: the tracker's address (its cloud's when it
 * has one, else an example to follow), the token (a plain text box: Slack has no password field, which the hint
 * says), the query as typed and the first day. Its submission runs the typed command (commands/nexus/import-form.ts).
 */
export function importForm(start: ImportFormStart, privateMetadata: string): Modal {
  const name = TRACKER_NAMES[start.kind];
  const hint = IMPORT_HINTS[start.kind]!;
  const field = (id: string, label: string, element: Input['element'], help: string, optional = false): Input => ({
    type: 'input',
    block_id: id,
    label: plain(label),
    element,
    hint: plain(help),
    optional,
  });
  return {
    type: 'modal',
    callback_id: IMPORT_VIEW,
    private_metadata: privateMetadata,
    title: plain(`Import from ${name}`, TITLE),
    submit: plain('Import'),
    close: plain('Cancel'),
    blocks: [
      section(
        `Brings in the history of the ${name} items the query finds: each with its whole status history, read in the background. Progress and a summary go in a thread in this channel.`,
      ),
      field('url', `${name} address`, textBox(start.url, hint.url, URL_TEXT), `Where ${name} is, like ${hint.url}`),
      field(
        'token',
        'API token',
        textBox('', hint.token, TOKEN_TEXT),
        `${hint.tokenWhere}. It is kept sealed, used by this import only and never shown again (Slack has no password field, so it shows while you type it).`,
      ),
      field(
        'query',
        'Query',
        textBox(start.query, hint.query, QUERY_TEXT),
        `${hint.query}, as typed after /nexus import ${start.kind}.`,
        true,
      ),
      field(
        'since',
        'Changed since',
        { type: 'datepicker', action_id: 'value', initial_date: start.since },
        'Items changed since this day are read, each with its whole status history.',
      ),
    ],
  };
}

/** The errors the form shows beside its fields, in plain text as Slack shows them there: the typed command's words. */
export function importErrors(kind: TrackerKind, faults: ImportFaults): Record<string, string> {
  return Object.fromEntries(
    Object.entries(faults).map(([id, fault]) => [
      id,
      plainText('invalid' in fault ? fault.invalid : explainImportFailure(kind, fault)),
    ]),
  );
}
