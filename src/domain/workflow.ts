import { MAX_STAGE_NAME, MAX_STAGES } from './limits';

/** The Nexus's Definition of Workflow: ordered stages, optional WIP limits, where flow starts and finishes. */
/** `wait`: a queue stage (work waits there, nobody works on it), which flow efficiency counts as waiting. */
export type Stage = { name: string; wipLimit: number | null; wait?: boolean };
export type Workflow = { stages: Stage[]; startStage: string; finishStage: string };

export type WorkflowProblem =
  | { problem: 'unknown-stage'; stage: string }
  | { problem: 'duplicate-stage'; stage: string }
  | { problem: 'finish-before-start'; start: string; finish: string }
  | { problem: 'stage-in-flow'; stage: string }
  | { problem: 'too-few-stages' }
  | { problem: 'too-many-stages'; count: number }
  | { problem: 'invalid-stage-name'; stage: string };

/** A stage name: letters, digits, spaces and `-_.`, starting with a letter or digit. */
export const STAGE_NAME = new RegExp(`^[\\p{L}\\p{N}][\\p{L}\\p{N} _.-]{0,${MAX_STAGE_NAME - 1}}$`, 'u');

/**
 * Stages given for a new workflow or added to one: at most MAX_STAGES, each named as STAGE_NAME says. Only new stages
 * are checked, so a Nexus set up before these limits can still remove what it has.
 */
export function checkNewStages(stages: readonly Stage[], existing = 0): WorkflowProblem | null {
  if (existing + stages.length > MAX_STAGES) return { problem: 'too-many-stages', count: existing + stages.length };
  const badName = stages.find((s) => !STAGE_NAME.test(s.name));
  return badName ? { problem: 'invalid-stage-name', stage: badName.name } : null;
}

/** Stage names compare without case and ignoring surrounding space: "Ready" and "ready" are one stage. */
export function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export function findStage(workflow: Workflow, name: string): Stage | undefined {
  return workflow.stages.find((s) => sameName(s.name, name));
}

/** Position of the stage in the workflow, -1 when the workflow no longer has it. */
export function stageIndex(workflow: Workflow, name: string): number {
  return workflow.stages.findIndex((s) => sameName(s.name, name));
}

/** A stage at or after the start stage: items there have started. */
export function isStartedStage(workflow: Workflow, name: string): boolean {
  const i = stageIndex(workflow, name);
  return i >= 0 && i >= stageIndex(workflow, workflow.startStage);
}

/** A stage at or after the finish stage: items there have finished. */
export function isFinishedStage(workflow: Workflow, name: string): boolean {
  const i = stageIndex(workflow, name);
  return i >= 0 && i >= stageIndex(workflow, workflow.finishStage);
}

/** Stages where items count as work in progress: from the start stage up to, not including, the finish stage. */
export function inProgressStages(workflow: Workflow): Stage[] {
  return workflow.stages.filter((s) => isStartedStage(workflow, s.name) && !isFinishedStage(workflow, s.name));
}

/** The stage name that marks refined work waiting to be pulled into a coming Sprint. */
export const READY_STAGE = 'ready';

/**
 * Where the ready work for the coming Sprint waits, which refinement advice counts: the stage named `ready` before flow
 * starts; a workflow without one, the stage just before flow starts; null when flow starts in the first stage. Not
 * simply the stage before the start: the default workflow has `sprint-backlog` there, the current Sprint's PBIs.
 */
export function readyStage(workflow: Workflow): string | null {
  const start = stageIndex(workflow, workflow.startStage);
  const beforeStart = workflow.stages.slice(0, Math.max(0, start));
  return (beforeStart.find((s) => sameName(s.name, READY_STAGE)) ?? beforeStart.at(-1))?.name ?? null;
}

export function nextStage(workflow: Workflow, name: string): Stage | undefined {
  const i = stageIndex(workflow, name);
  return i < 0 ? undefined : workflow.stages[i + 1];
}

export function validateWorkflow(workflow: Workflow): WorkflowProblem | null {
  if (workflow.stages.length < 2) return { problem: 'too-few-stages' };
  const seen = new Set<string>();
  for (const s of workflow.stages) {
    const key = s.name.toLowerCase();
    if (seen.has(key)) return { problem: 'duplicate-stage', stage: s.name };
    seen.add(key);
  }
  for (const stage of [workflow.startStage, workflow.finishStage]) {
    if (!findStage(workflow, stage)) return { problem: 'unknown-stage', stage };
  }
  if (stageIndex(workflow, workflow.finishStage) <= stageIndex(workflow, workflow.startStage)) {
    return { problem: 'finish-before-start', start: workflow.startStage, finish: workflow.finishStage };
  }
  return null;
}

export function addStage(workflow: Workflow, stage: Stage, after?: string): Workflow | WorkflowProblem {
  const existing = findStage(workflow, stage.name);
  if (existing) return { problem: 'duplicate-stage', stage: existing.name };
  const tooMany = checkNewStages([stage], workflow.stages.length);
  if (tooMany) return tooMany;
  const at = after === undefined ? workflow.stages.length : stageIndex(workflow, after) + 1;
  if (at === 0) return { problem: 'unknown-stage', stage: after as string };
  const stages = [...workflow.stages.slice(0, at), stage, ...workflow.stages.slice(at)];
  return { ...workflow, stages };
}

export function removeStage(workflow: Workflow, name: string): Workflow | WorkflowProblem {
  const stage = findStage(workflow, name);
  if (!stage) return { problem: 'unknown-stage', stage: name };
  if (sameName(stage.name, workflow.startStage) || sameName(stage.name, workflow.finishStage)) {
    return { problem: 'stage-in-flow', stage: stage.name };
  }
  const next = { ...workflow, stages: workflow.stages.filter((s) => s !== stage) };
  return validateWorkflow(next) ?? next;
}

export function setWipLimit(workflow: Workflow, name: string, wipLimit: number | null): Workflow | WorkflowProblem {
  const stage = findStage(workflow, name);
  if (!stage) return { problem: 'unknown-stage', stage: name };
  return { ...workflow, stages: workflow.stages.map((s) => (s === stage ? { ...s, wipLimit } : s)) };
}

/** The workflow with the stage marked as a queue stage, or unmarked. */
export function setWait(workflow: Workflow, name: string, wait: boolean): Workflow | WorkflowProblem {
  const stage = findStage(workflow, name);
  if (!stage) return { problem: 'unknown-stage', stage: name };
  const marked = ({ wait: _, ...rest }: Stage): Stage => (wait ? { ...rest, wait: true } : rest);
  return { ...workflow, stages: workflow.stages.map((s) => (s === stage ? marked(s) : s)) };
}

export function isWaitStage(workflow: Workflow, name: string): boolean {
  return findStage(workflow, name)?.wait === true;
}

export function setFlow(workflow: Workflow, start: string, finish: string): Workflow | WorkflowProblem {
  const startStage = findStage(workflow, start);
  const finishStage = findStage(workflow, finish);
  if (!startStage) return { problem: 'unknown-stage', stage: start };
  if (!finishStage) return { problem: 'unknown-stage', stage: finish };
  const next = { ...workflow, startStage: startStage.name, finishStage: finishStage.name };
  return validateWorkflow(next) ?? next;
}

export function isWorkflowProblem(value: Workflow | WorkflowProblem): value is WorkflowProblem {
  return 'problem' in value;
}

/** The Nexus workflow a new Nexus gets unless it names its own. */
export const DEFAULT_WORKFLOW: Workflow = {
  stages: [
    { name: 'discovery', wipLimit: null },
    { name: 'refining', wipLimit: null },
    { name: 'ready', wipLimit: null },
    { name: 'sprint-backlog', wipLimit: null },
    { name: 'in-progress', wipLimit: null },
    { name: 'integrated', wipLimit: null },
    { name: 'released', wipLimit: null },
    { name: 'learning', wipLimit: null },
  ],
  startStage: 'in-progress',
  finishStage: 'integrated',
};
