import type { CalendarDate } from '../../domain/calendar';
import { localDate } from '../../domain/calendar';
import { cadenceOf, type Sprint, type SprintProblem, sprintUnderReview } from '../../domain/sprint';
import {
  type ForecastAgainst,
  forecastAgainst,
  integratedIn,
  type LikelyBy,
  likelyBySprint,
  planningForecast,
  REVIEW_CONFIDENCE,
  SPRINTS_AHEAD,
  sprintsAfter,
  squaresDoneIn,
} from '../../domain/sprint-review';
import { renderReview } from '../../render/review';
import { defineCommand, type NexusContext } from '../command';
import { noInput } from '../flow/no-input';
import { startOfDay, today as todayOf } from '../flow-view';
import { type BacklogOutcome, forecastTheBacklog } from '../forecast/backlog';
import { judgeKept } from '../forecast/kept';

/** PBIs of the Product Backlog the review forecasts, in order: as many as the backlog chart draws. */
const FORECAST_TOP = 60;

/** The planning forecast kept for the Sprint, set against what the Sprint did. */
export type PlanningAgainst = { askedOn: CalendarDate; askedBy: string; late: boolean; rows: ForecastAgainst[] };

/** The Nexus Sprint Review report: what the Sprint integrated against its planning forecast, and what comes next. */
export type SprintReview = {
  nexusName: string;
  today: CalendarDate;
  sprint: Sprint;
  /** the Sprint is still under way (its last working day): what it did is so far */
  running: boolean;
  integrated: { key: string; title: string; on: CalendarDate }[];
  /** each team's squares done in the Sprint */
  squares: { team: string; done: number }[];
  /** null: no `/forecast sprint` answer was kept for this Sprint */
  planning: PlanningAgainst | null;
  /** the kept forecasts settled on one of the Sprint's days, each as a line, and how many came true at 85% */
  cameDue: { line: string; cameTrue: boolean | null }[];
  /** the backlog forecast for the next Sprints, or why there is none */
  backlog: BacklogOutcome;
  likely: LikelyBy[];
};
export type ReviewOutcome = SprintReview | SprintProblem;

export const nexusReview = defineCommand<Record<string, never>, ReviewOutcome>({
  path: ['nexus', 'review'],
  usage: '/nexus review',
  summary:
    'the Nexus Sprint Review, posted in the channel: the PBIs the Sprint integrated against the forecast kept at ' +
    'Nexus Sprint Planning (`/forecast sprint`), the forecasts that came due, and what is likely in the next Sprints',
  scope: 'nexus',
  nitOnly: false,
  parse: noInput,
  execute: (_input, ctx) => loadReview(ctx),
  render: renderReview,
});

/** The Sprint under review (`sprintUnderReview`: this one from its last working day on, else the last finished). */
async function loadReview(ctx: NexusContext): Promise<ReviewOutcome> {
  const { nexus, store } = ctx;
  const today = todayOf(ctx);
  const under = sprintUnderReview(nexus.forecast, today, nexus.digest.days);
  if ('problem' in under) return under;
  const { sprint } = under;
  const zone = nexus.timeZone;
  const [touched, kept, judged, backlog] = await Promise.all([
    store.pbis.listForFlow(nexus.id, startOfDay(nexus, sprint.first)),
    store.forecasts.forSprint(nexus.id, sprint.first),
    judgeKept(ctx, today),
    forecastTheBacklog({ top: FORECAST_TOP, by: null, confidences: [REVIEW_CONFIDENCE], since: null }, ctx),
  ]);
  const integrated = integratedIn(touched, sprint, today, zone);
  const squares = squaresDoneIn(touched, nexus.teams, sprint, today, zone);
  const planned = planningForecast(kept, sprint, nexus.digest.days, zone);
  const planning: PlanningAgainst | null = planned && {
    askedOn: localDate(planned.forecast.askedAt, zone),
    askedBy: planned.forecast.askedBy,
    late: planned.late,
    rows: forecastAgainst(
      planned.forecast.question,
      planned.forecast.answer.map(({ confidence, items }) => ({ confidence, items: items! })),
      integrated.length,
      squares,
    ),
  };
  const lastDay = sprint.last < today ? sprint.last : today;
  // the Sprint's own forecasts are set against it above, not listed again
  const cameDue = judged
    .filter((j) => j.decidedOn >= sprint.first && j.decidedOn <= lastDay)
    .filter((j) => j.forecast.question.kind !== 'sprint' || j.forecast.question.first !== sprint.first)
    .map((j) => ({ line: j.line, cameTrue: j.hits.get(REVIEW_CONFIDENCE) ?? null }));
  const ahead = sprintsAfter(cadenceOf(nexus.forecast)!, sprint, SPRINTS_AHEAD);
  const likely =
    'problem' in backlog
      ? []
      : likelyBySprint(
          backlog.rows.map((r) => ({
            key: r.key,
            title: r.title,
            date: Array.isArray(r.answer) ? r.answer[0].date : undefined,
          })),
          ahead,
        );
  return {
    nexusName: nexus.name,
    today,
    sprint,
    running: today <= sprint.last,
    integrated: integrated.map((p) => ({ key: p.key, title: p.title, on: localDate(p.finishedAt!, zone) })),
    squares: nexus.teams.map((team) => ({ team, done: squares.get(team) ?? 0 })),
    planning,
    cameDue,
    backlog,
    likely,
  };
}
