import { sameName, type Workflow } from '../../domain/workflow';
import { code } from '../../render/blocks';

/** `refining → ready (10) → ▶in-progress (6) → ■integrated → released`: start and finish marked. */
export function describeWorkflow(workflow: Workflow): string {
  return workflow.stages
    .map((s) => {
      const mark = sameName(s.name, workflow.startStage) ? '▶ ' : sameName(s.name, workflow.finishStage) ? '✔ ' : '';
      return `${mark}${code(s.name)}${s.wipLimit === null ? '' : ` (WIP ${s.wipLimit})`}`;
    })
    .join(' → ');
}
