import { z } from 'zod';
import { MAX_TITLE } from '../../domain/limits';
import { decideAdd, roomForPbi } from '../../domain/pbi-decisions';
import { isPbiKey } from '../../domain/pbi-key';
import { escape } from '../../render/blocks';
import { by, type ChangeOutcome, renderChange } from '../../render/change';
import { inStage } from '../../render/words';
import { defineCommand, invalid, isInvalid } from '../command';
import { parseFlags, splitList } from '../flags';
import { freeText } from '../free-text';
import { keyFault } from './change';

export const PbiAddInputSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'The PBI needs a title in quotes.')
    .max(MAX_TITLE, `A title is at most ${MAX_TITLE} characters.`),
  teams: z.array(z.string()),
  stage: z.string().nullable(),
  key: z
    .string()
    .refine(isPbiKey, { error: (i) => keyFault(String(i.input))?.invalid })
    .nullable(),
  url: z.url({ protocol: /^https?$/, error: 'A URL starts with http:// or https://.' }).nullable(),
});
export type PbiAddInput = z.infer<typeof PbiAddInputSchema>;

const usage = '/pbi add "<title>" [--teams Alpha,Beta] [--stage <stage>] [--key <key>] [--url <url>]';

export const pbiAdd = defineCommand<PbiAddInput, ChangeOutcome>({
  path: ['pbi', 'add'],
  usage,
  summary: 'add a PBI (first stage unless --stage; next PBI-<n> unless --key)',
  scope: 'nexus',
  nitOnly: false,
  parse(words, raw) {
    const parsed = parseFlags(words, ['teams', 'stage', 'key', 'url'], raw);
    if (isInvalid(parsed)) return parsed;
    const { positional, positionalRaw, flags } = parsed;
    const title = freeText(positional, positionalRaw, { noun: 'title', command: '/pbi add' });
    if (isInvalid(title)) return title;
    const result = PbiAddInputSchema.safeParse({
      title,
      teams: splitList(flags.teams ? [flags.teams] : []),
      stage: flags.stage ?? null,
      key: flags.key ?? null,
      url: flags.url ?? null,
    });
    return result.success ? result.data : invalid(result.error.issues[0].message);
  },
  async execute(input, { store, nexus, now, userId }) {
    const full = roomForPbi((await store.pbis.listOpen(nexus.id)).length);
    return (
      full ??
      store.pbis.add(nexus, input.key, (key, current) =>
        decideAdd(current, { ...input, key }, { at: now(), actor: userId }),
      )
    );
  },
  render(outcome, { nexus }) {
    return renderChange(
      outcome,
      nexus,
      usage,
      (pbi, event) => `➕ ${by(event)} added *${escape(pbi.key)}* ${inStage(pbi.stage)}`,
    );
  },
});
