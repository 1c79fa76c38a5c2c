import { z } from 'zod';
import { isValidZone } from '../../domain/calendar';
import { MAX_NEXUS_NAME, MAX_STAGES, MAX_TEAMS, MAX_WIP_LIMIT } from '../../domain/limits';
import { addTeams, DIGEST_TIME, isTeamsProblem, type Nexus, type TeamsProblem } from '../../domain/nexus';
import { DEFAULT_HISTORY_DAYS } from '../../domain/sle';
import {
  checkNewStages,
  DEFAULT_WORKFLOW,
  isWorkflowProblem,
  type Stage,
  setFlow,
  validateWorkflow,
  type Workflow,
  type WorkflowProblem,
} from '../../domain/workflow';
import { bold, code, context, escape, section } from '../../render/blocks';
import { isProblem, refuse } from '../../render/problems';
import { inChannel, type Reply } from '../../render/reply';
import { describeWorkflow } from '../../render/settings';
import type { NexusExists } from '../../store/nexus-repository';
import { type CommandContext, defineCommand, type Invalid, invalid, isInvalid } from '../command';
import { parseFlags, splitList } from '../flags';
import { WIP_LIMIT_RULE, wholeNumber } from '../numbers';

const usage =
  '/nexus setup [--name "<name>"] [--teams Alpha,Beta] [--stages "refining,ready:10,in-progress:6,integrated"] [--start <stage>] [--finish <stage>] [--zone <IANA zone>] [--digest HH:MM] [--sle <percentile>]';

const STAGE_SPEC = /^([^:]+?)(?::(.*))?$/;

const SLE_PERCENTILE = 'The SLE percentile is a whole number from 50 to 99, like 85.';
const WIP_LIMIT = `A WIP limit is ${WIP_LIMIT_RULE}.`;

/** Every rule says what is wrong in our words: zod's own ("Too small: expected number to be >=50") mean nothing here. */
export const NexusSetupInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'A Nexus name needs at least one character besides spaces.')
    .max(MAX_NEXUS_NAME, `A Nexus name is at most ${MAX_NEXUS_NAME} characters.`),
  teams: z.array(z.string()).max(MAX_TEAMS, `A Nexus has at most ${MAX_TEAMS} Scrum Teams.`),
  stages: z
    .array(
      z.object({
        name: z.string(),
        wipLimit: z.number().int(WIP_LIMIT).min(1, WIP_LIMIT).max(MAX_WIP_LIMIT, WIP_LIMIT).nullable(),
      }),
    )
    .nullable(),
  start: z.string().nullable(),
  finish: z.string().nullable(),
  zone: z.string().refine(isValidZone, {
    error: (i) =>
      `${code(String(i.input).slice(0, 40))} is not an IANA time zone; try \`Europe/Berlin\` or \`America/New_York\`.`,
  }),
  digestTime: z.string().regex(DIGEST_TIME, 'The digest time is HH:MM on a 24-hour clock, like 09:30.'),
  slePercentile: z.number().int(SLE_PERCENTILE).min(50, SLE_PERCENTILE).max(99, SLE_PERCENTILE),
});
export type NexusSetupInput = z.infer<typeof NexusSetupInputSchema>;

export type SetUpOutcome = { nexus: Nexus } | TeamsProblem | WorkflowProblem | NexusExists;

export const nexusSetup = defineCommand<NexusSetupInput, SetUpOutcome>({
  path: ['nexus', 'setup'],
  usage,
  summary: 'create the Nexus for this channel (you join its Nexus Integration Team)',
  scope: 'channel',
  parse(words) {
    const parsed = parseFlags(words, ['name', 'teams', 'stages', 'start', 'finish', 'zone', 'digest', 'sle']);
    if (isInvalid(parsed)) return parsed;
    if (parsed.positional.length)
      return invalid(`Unexpected ${code(parsed.positional[0].slice(0, 40))}: settings are given as flags.`);
    const { flags } = parsed;
    const stages = flags.stages === undefined ? null : parseStages(flags.stages);
    if (isInvalid(stages)) return stages;
    const slePercentile = flags.sle === undefined ? 85 : wholeNumber(flags.sle.replace(/%$/, ''), 50, 99);
    if (slePercentile === null) return invalid(SLE_PERCENTILE);
    const result = NexusSetupInputSchema.safeParse({
      name: flags.name ?? 'Nexus',
      teams: splitList(flags.teams ? [flags.teams] : []),
      stages,
      start: flags.start ?? null,
      finish: flags.finish ?? null,
      zone: flags.zone ?? 'UTC',
      digestTime: flags.digest ?? '09:30',
      slePercentile,
    });
    return result.success ? result.data : invalid(result.error.issues[0].message);
  },
  execute: setUpNexus,
  render: renderSetUp,
});

/** Creates the channel's Nexus; the console, the slash command and the Slack form all come here. */
export async function setUpNexus(
  input: NexusSetupInput,
  { store, workspaceId, channelId, userId, now }: CommandContext,
): Promise<SetUpOutcome> {
  const teams = addTeams([], input.teams);
  if (isTeamsProblem(teams)) return teams;
  const workflow = buildWorkflow(input);
  if (isWorkflowProblem(workflow)) return workflow;
  const nexus: Omit<Nexus, 'id'> = {
    workspaceId,
    channelId,
    name: input.name,
    teams,
    workflow,
    sle: { percentile: input.slePercentile, days: null, historyDays: DEFAULT_HISTORY_DAYS },
    timeZone: input.zone,
    digest: { time: input.digestTime, days: ['mon', 'tue', 'wed', 'thu', 'fri'], enabled: true },
    forecast: { days: 'calendar', sprintDays: 14, sprintStart: null },
    sprintReports: { review: false, retro: false },
    teamChannels: [],
    classes: [],
    nit: [userId],
    createdBy: userId,
  };
  const created = await store.nexuses.create(nexus, { type: 'nexus.created', at: now(), actor: userId, value: nexus });
  return 'problem' in created ? created : { nexus: created };
}

export function renderSetUp(outcome: SetUpOutcome): Reply {
  if (isProblem(outcome)) return refuse(outcome, usage);
  const { nexus } = outcome;
  const text = `Nexus ${escape(nexus.name)} is set up for this channel.`;
  return inChannel(text, [
    section(
      `🧭 ${bold(escape(nexus.name))} is set up for this channel, with <@${nexus.createdBy}> in its Nexus Integration Team.`,
    ),
    section(
      `${bold('Teams')}: ${nexus.teams.length ? nexus.teams.map(escape).join(', ') : '_none yet_ (`/nexus teams add Alpha Beta`)'}\n${bold('Workflow')}: ${describeWorkflow(nexus.workflow)}`,
    ),
    context(
      `Dates are counted in ${code(nexus.timeZone)}. Next: \`/pbi add "<title>" --teams Alpha,Beta\`, then \`/flow board\`.`,
    ),
  ]);
}

/** `refining,ready:10,"in progress":6` → stages; a number after `:` is the stage's WIP limit. */
export function parseStages(spec: string): Stage[] | Invalid {
  const stages: Stage[] = [];
  const parts = splitList([spec]);
  if (parts.length > MAX_STAGES)
    return invalid(`A workflow has at most ${MAX_STAGES} stages (this lists ${parts.length}).`);
  for (const part of parts) {
    const m = STAGE_SPEC.exec(part);
    if (!m || !m[1].trim())
      return invalid(`${code(part.slice(0, 40))} is not a stage; write \`name\` or \`name:<WIP limit>\`.`);
    const wipLimit = m[2] === undefined ? null : wholeNumber(m[2], 1, MAX_WIP_LIMIT);
    if (wipLimit === null && m[2] !== undefined)
      return invalid(
        `${code(part.slice(0, 40))} is not a stage: a WIP limit is ${WIP_LIMIT_RULE}, and ${code(m[2].slice(0, 20))} is not one.`,
      );
    stages.push({ name: m[1].trim(), wipLimit });
  }
  return stages;
}

export function buildWorkflow(input: Pick<NexusSetupInput, 'stages' | 'start' | 'finish'>) {
  if (!input.stages) {
    return input.start || input.finish
      ? setFlow(
          DEFAULT_WORKFLOW,
          input.start ?? DEFAULT_WORKFLOW.startStage,
          input.finish ?? DEFAULT_WORKFLOW.finishStage,
        )
      : DEFAULT_WORKFLOW;
  }
  // Without --start/--finish: flow starts in the middle stage and finishes in the next, a guess the NIT can change.
  const stages = input.stages;
  const outside = checkNewStages(stages);
  if (outside) return outside;
  const draft: Workflow = { stages, startStage: stages[0].name, finishStage: stages[stages.length - 1].name };
  const problem = validateWorkflow(draft);
  if (problem) return problem;
  const start = input.start ?? stages[Math.max(0, Math.floor((stages.length - 1) / 2))].name;
  const finish =
    input.finish ?? stages[stages.findIndex((s) => s.name === start) + 1]?.name ?? stages[stages.length - 1].name;
  return setFlow(draft, start, finish);
}
