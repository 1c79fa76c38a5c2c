import type { DateTime } from 'luxon';
import type { PrismaClient } from '../generated/prisma/client';
import { instantAt } from './rows';

/** A forecast as answered: what was asked, when, by whom, and the answer at each confidence. */
export type KeptForecast = {
  askedAt: DateTime;
  askedBy: string;
  question:
    | { kind: 'when'; items: number; team: string | null }
    | { kind: 'by'; date: string; team: string | null }
    | { kind: 'pbi'; key: string };
  answer: { confidence: number; date?: string; items?: number }[];
};

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
      return rows.map((r) => ({
        askedAt: instantAt(r.askedAt.getTime()),
        askedBy: r.askedBy,
        question: r.question as KeptForecast['question'],
        answer: r.answer as KeptForecast['answer'],
      }));
    },
  };
}
