import type { VegaSpec } from './render-png';

/** A day the Definition of Workflow changed, with what changed, in words ("doing WIP 2→3"). */
export type WorkflowMark = { date: string; what: readonly string[] };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Marks' labels longer than this are cut: a day of many changes must not run over the next mark. */
const MAX_LABEL = 28;
const GREY = '#7f7f7f';

/**
 * Every chart marks the days the Definition of Workflow changed, since numbers before and after may not compare. A
 * chart over dates (`x` a time scale) gets a dotted rule on each day with what changed at its top, clipped to the
 * plot (changes outside the days shown are not drawn); any other chart names them under its title.
 */
export function withWorkflowMarks(spec: VegaSpec, marks: readonly WorkflowMark[], onDateAxis: boolean): VegaSpec {
  if (!marks.length) return spec;
  if (!onDateAxis) {
    const days = marks.map((m) => `${dayMonth(m.date)} (${m.what.join(', ')})`).join('; ');
    return { ...spec, title: { ...(spec.title as object), subtitle: `Definition of Workflow changed ${days}` } };
  }
  const values = marks.map((m) => ({ date: m.date, label: cut(m.what.join(', ')) }));
  return {
    ...spec,
    data: [...(spec.data as object[]), { name: 'workflow-changes', values, format: { parse: { date: 'date' } } }],
    marks: [
      ...(spec.marks as object[]),
      {
        type: 'rule',
        from: { data: 'workflow-changes' },
        clip: true,
        encode: {
          enter: {
            x: { scale: 'x', field: 'date' },
            y: { value: 0 },
            y2: { signal: 'height' },
            stroke: { value: GREY },
            strokeDash: { value: [2, 2] },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'workflow-changes' },
        clip: true,
        encode: {
          enter: {
            x: { scale: 'x', field: 'date', offset: 3 },
            y: { value: 2 },
            text: { field: 'label' },
            baseline: { value: 'top' },
            fontSize: { value: 9 },
            fill: { value: GREY },
          },
        },
      },
    ],
  };
}

/** "2026-03-03" as "3 Mar". */
function dayMonth(date: string): string {
  const [, month, day] = date.split('-').map(Number);
  return `${day} ${MONTHS[month - 1]}`;
}

const cut = (text: string) => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);
