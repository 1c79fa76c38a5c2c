import type { DateTime } from 'luxon';
import type { CalendarDate } from '../domain/calendar';
import type { KeptSprintQuestion } from '../domain/sprint-review';
import type { PrismaClient } from '../generated/prisma/client';
import { instantAt } from './rows';

/** A forecast as answered: what was asked, when, by whom, and the answer at each confidence. */
export type KeptForecast = {
  askedAt: DateTime;
  askedBy: string;
  question:
    | { kind: 'when'; items: number; team: string | null }
    | { kind: 'by'; date: string; team: string | null }
    | { kind: 'pbi'; key: string }
    | KeptSprintQuestion;
  answer: { confidence: number; date?: string; items?: number }[];
};

/** A kept `/forecast sprint` answer. */
export type KeptSprintForecast = KeptForecast & { question: KeptSprintQuestion };

/** Most forecasts judged in one report. */
const KEPT_SHOWN = 200;

export function forecastRepository(prisma: PrismaClient) {
  return {
    async keep(nexusId: string, forecast: KeptForecast): Promise<void> {
      await prisma.forecast.create({
        data: {
          nexusId,
          askedAt: forecast.askedAt.toJSDate(),
          askedBy: forecast.askedBy,
          kind: forecast.question.kind,
          question: forecast.question,
          answer: forecast.answer,
        },
      });
    },

    /** The latest forecasts asked before `before`, newest first. */
    async askedBefore(nexusId: string, before: DateTime): Promise<KeptForecast[]> {
      const rows = await prisma.forecast.findMany({
        where: { nexusId, askedAt: { lt: before.toJSDate() } },
        orderBy: { askedAt: 'desc' },
        take: KEPT_SHOWN,
      });
      return rows.map(toKept);
    },

    /** The `/forecast sprint` answers kept for the Sprint beginning on `first`, in the order asked. */
    async forSprint(nexusId: string, first: CalendarDate): Promise<KeptSprintForecast[]> {
      const rows = await prisma.forecast.findMany({
        where: { nexusId, kind: 'sprint', question: { path: ['first'], equals: first } },
        orderBy: { askedAt: 'asc' },
        take: KEPT_SHOWN,
      });
      return rows.map((r) => toKept(r) as KeptSprintForecast);
    },
  };
}

function toKept(r: { askedAt: Date; askedBy: string; question: unknown; answer: unknown }): KeptForecast {
  return {
    askedAt: instantAt(r.askedAt.getTime()),
    askedBy: r.askedBy,
    question: r.question as KeptForecast['question'],
    answer: r.answer as KeptForecast['answer'],
  };
}
