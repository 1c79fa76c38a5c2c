import { code } from '../../render/blocks';
import type { Reply } from '../../render/reply';
import { defineCommand, type Invalid, invalid, isInvalid, type NexusContext } from '../command';
import { importCsv } from './import-csv';
import { TRACKER_IMPORT_FORMS } from './import-tracker';

/**
 * One form of `/nexus import`, chosen by its first word: `jira` (a tracker's API), `status`, `cancel`, `csv`…. Each
 * parses the words after the command (its own word first), executes and renders, as a command does. `show`: it only
 * shows something, so anyone may run it (the others are the NIT's).
 */
export type ImportForm<I = any, O = any> = {
  words: readonly string[];
  usage: string;
  show?: boolean;
  parse(words: string[], raw?: readonly string[]): I | Invalid;
  execute(input: I, ctx: NexusContext): Promise<O>;
  render(outcome: O, ctx: NexusContext): Reply;
};

const FORMS: readonly ImportForm[] = [...TRACKER_IMPORT_FORMS, importCsv];

type Routed = { form: ImportForm; input: unknown; show?: true };

/** `/nexus import …`: brings a Nexus's past in (from a tracker's API, or a file), one form per first word. */
export const nexusImport = defineCommand<Routed, { form: ImportForm; outcome: unknown }>({
  path: ['nexus', 'import'],
  usage: FORMS.map((f) => f.usage).join(' | '),
  summary:
    "bring the Nexus's history in from a tracker's API (its items and every status change, in the background, progress in a thread; in Slack, typed without --token it opens a form asking for the address, token, query and first day); status; cancel; or from a CSV file in ActionableAgile's layout (a dry run first, then its button or --apply writes it)",
  scope: 'nexus',
  nitOnly: true,
  parse(words, raw) {
    const first = (words[0] ?? '').toLowerCase();
    const form = FORMS.find((f) => f.words.includes(first));
    if (!form)
      return invalid(
        first
          ? `${code(`/nexus import ${words[0].slice(0, 30)}`)} is not a form of the command; it takes ${FORMS.flatMap((f) => f.words).join(', ')}.`
          : `Say what to import from: ${FORMS.flatMap((f) => f.words).join(', ')}.`,
      );
    const input = form.parse(words, raw);
    if (isInvalid(input)) return input;
    // `show` lets anyone run it: the dispatcher lets a command that only shows a setting through
    return form.show ? { form, input, show: true } : { form, input };
  },
  async execute({ form, input }, ctx) {
    return { form, outcome: await form.execute(input, ctx) };
  },
  render({ form, outcome }, ctx) {
    return form.render(outcome, ctx);
  },
});
